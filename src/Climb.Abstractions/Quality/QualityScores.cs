namespace Climb;

/// <summary>The four CLIMB quality criteria of one document, each on a 0–5 scale where higher is better, and the
/// language the scores were computed for.</summary>
/// <param name="Quality">Overall quality (fluency, coherence, correctness).</param>
/// <param name="Advertisement">Freedom from advertising and promotion: 5 means no advertising at all.</param>
/// <param name="InformationalValue">How much information the text conveys (needs positive evidence: facts, explanations, definitions).</param>
/// <param name="EducationalValue">How useful the text is for teaching (needs positive evidence: definitions, explanations, examples, steps).</param>
/// <param name="Language">The document's identified language, or <see cref="LanguageCode.Undetermined"/> when the
/// scorer did not identify one (aggregates such as cluster means carry no language).</param>
public readonly record struct QualityScores(
    float Quality,
    float Advertisement,
    float InformationalValue,
    float EducationalValue,
    LanguageCode Language = default);

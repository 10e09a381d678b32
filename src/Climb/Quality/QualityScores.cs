namespace Climb;

/// <summary>The four CLIMB quality criteria of one document, each on a 0–5 scale where higher is better.</summary>
/// <param name="Quality">Overall quality (fluency, coherence, correctness).</param>
/// <param name="Advertisement">Freedom from advertising and promotion: 5 means no advertising at all.</param>
/// <param name="InformationalValue">How much information the text conveys.</param>
/// <param name="EducationalValue">How useful the text is for teaching.</param>
public readonly record struct QualityScores(
    float Quality,
    float Advertisement,
    float InformationalValue,
    float EducationalValue);

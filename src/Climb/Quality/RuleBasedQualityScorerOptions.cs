using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="RuleBasedQualityScorer"/>.</summary>
/// <remarks>The rules themselves (signals, thresholds, penalties) are listed in docs/quality.md.</remarks>
public sealed class RuleBasedQualityScorerOptions : IValidatableOptions
{
    /// <summary>Gets or sets a value indicating whether documents that look like source code are exempt from the
    /// prose-only rules (punctuation at line ends, stop words, symbol and non-alphabetic ratios, word shape, ALL CAPS,
    /// bullets, n-gram repetition).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CodeAware { get; set; } = true;

    /// <summary>Gets or sets the fraction of non-empty lines that must look like code for a document to be treated as code.</summary>
    /// <value>The default is 0.25.</value>
    [Range(0.0, 1.0)]
    public double CodeLineFractionThreshold { get; set; } = 0.25;

    /// <summary>Gets or sets the number of non-empty lines a document needs before it can be treated as code.</summary>
    /// <value>The default is 3.</value>
    [Range(1, 1_000_000)]
    public int MinCodeLines { get; set; } = 3;

    /// <summary>Gets or sets the word count below which the n-gram repetition rules (Gopher) are not applied,
    /// because a handful of words gives no reliable repetition statistic.</summary>
    /// <value>The default is 20.</value>
    [Range(1, 1_000_000)]
    public int MinWordsForRepetitionRules { get; set; } = 20;

    /// <summary>Gets or sets the number of non-empty lines below which line-fraction rules (punctuation at line end,
    /// bullets, ellipses, duplicate lines) are not applied.</summary>
    /// <value>The default is 3.</value>
    [Range(1, 1_000_000)]
    public int MinLinesForLineRules { get; set; } = 3;

    /// <summary>Gets or sets how many characters of a document are analysed (longer documents are cut at a word boundary).</summary>
    /// <value>The default is 200 000.</value>
    [Range(100, int.MaxValue)]
    public int MaxAnalyzedCharacters { get; set; } = 200_000;

    /// <summary>Gets or sets the maximum number of documents scored in parallel; -1 uses every core.</summary>
    /// <value>The default is -1.</value>
    [Range(-1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Gets the candidate languages of language identification (ISO 639-1 codes Lingua supports). Documents
    /// are assigned the closest of these; only documents identified as English get the English-only rules
    /// (stop words, letter-bigram plausibility), every other document gets the language-independent rules only.</summary>
    /// <value>The default is 27 widely used languages (see docs/quality.md); fewer candidates are faster and more accurate.</value>
    public IList<string> Languages { get; } =
    [
        "en", "fr", "de", "es", "it", "pt", "nl", "ru", "uk", "pl", "cs", "sv", "da", "nb", "fi", "tr", "el", "ar", "he",
        "fa", "hi", "zh", "ja", "ko", "vi", "id", "la",
    ];

    /// <summary>Gets or sets the language every document is assumed to be in (an ISO 639 code), skipping identification;
    /// <see langword="null"/> identifies each document's language.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    public string? AssumedLanguage { get; set; }

    /// <summary>Gets or sets how many leading characters of a document language identification reads.</summary>
    /// <value>The default is 300 (identification accuracy on short texts did not change between 200 and 1000 characters; see docs/quality.md).</value>
    [Range(20, 1_000_000)]
    public int LanguageDetectionCharacters { get; set; } = 300;

    /// <summary>Gets or sets a value indicating whether Lingua's low-accuracy mode (trigram models only) is used.
    /// Measured on 1,500 short texts in five languages with the default 27 candidates: low accuracy 92.5% correct,
    /// 7 s to load, 160 MB; high accuracy 96.0% correct, 75 s to load, 2.1 GB (see docs/quality.md).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool LowAccuracyLanguageDetection { get; set; } = true;

    /// <summary>Gets additional promotional phrases (matched case-insensitively) added to the built-in lexicon.</summary>
    public IList<string> ExtraPromotionalPhrases { get; } = [];

    /// <summary>Gets additional boilerplate phrases (matched case-insensitively) added to the built-in lexicon.</summary>
    public IList<string> ExtraBoilerplatePhrases { get; } = [];

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (MaxDegreeOfParallelism == 0)
        {
            yield return "MaxDegreeOfParallelism must be -1 (all cores) or positive.";
        }

        if (AssumedLanguage is { } assumed && (assumed.Length is < 2 or > 3 || !assumed.All(char.IsAsciiLetter)))
        {
            yield return $"AssumedLanguage '{assumed}' must be a two- or three-letter ISO 639 code.";
        }

        if (AssumedLanguage is null && Languages.Distinct(StringComparer.OrdinalIgnoreCase).Count() < 2)
        {
            yield return "Languages must list at least two candidate languages (or set AssumedLanguage for a corpus in one language).";
        }

        foreach (var code in Languages)
        {
            string? error = null;
            try
            {
                _ = LanguageIdentifier.ToLingua(code);
            }
            catch (ArgumentException ex)
            {
                error = "Languages: " + ex.Message;
            }

            if (error is not null)
            {
                yield return error;
            }
        }

        foreach (var phrase in ExtraPromotionalPhrases.Concat(ExtraBoilerplatePhrases))
        {
            if (string.IsNullOrWhiteSpace(phrase))
            {
                yield return "Extra phrases must not be null or blank.";
                yield break;
            }
        }
    }
}

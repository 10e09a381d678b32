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

namespace Climb;

/// <summary>The phrase lists <see cref="RuleBasedQualityScorer"/> counts in one pass (<see cref="PhraseCounter"/>), in
/// the order the counts come in.</summary>
internal enum PhraseList
{
    /// <summary><see cref="QualityLexicons.PromotionalPhrases"/>.</summary>
    Promotional,

    /// <summary><see cref="QualityLexicons.BoilerplatePhrases"/>.</summary>
    Boilerplate,

    /// <summary><see cref="QualityLexicons.UrlPrefixes"/>.</summary>
    Url,

    /// <summary>The options' <see cref="RuleBasedQualityScorerOptions.ExtraPromotionalPhrases"/>.</summary>
    ExtraPromotional,

    /// <summary>The options' <see cref="RuleBasedQualityScorerOptions.ExtraBoilerplatePhrases"/>.</summary>
    ExtraBoilerplate,

    /// <summary>The document language's causal and explanatory connectives (empty without a lexicon).</summary>
    Explanations,

    /// <summary>The document language's example markers (empty without a lexicon).</summary>
    Examples,

    /// <summary>The document language's definition patterns (empty without a lexicon).</summary>
    Definitions,
}

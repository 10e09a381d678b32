namespace Climb;

/// <summary>Which documents a rule applies to.</summary>
internal enum RuleScope
{
    /// <summary>Every document, whatever its language.</summary>
    AllLanguages,

    /// <summary>Documents written with spaces between words (every language except Chinese, Japanese, Thai and similar scripts).</summary>
    SpaceDelimited,

    /// <summary>Documents identified as English only (the rule measures English words or letter pairs).</summary>
    EnglishOnly,
}

/// <summary>
/// One rule of <see cref="RuleBasedQualityScorer"/>: a signal, the value at which its penalty starts and the value at
/// which the full penalty applies (linear in between; when <see cref="Full"/> is below <see cref="Start"/>, lower
/// values are worse), and the full penalty subtracted from each criterion.
/// </summary>
internal sealed record QualityRule(
    string Name,
    Func<TextSignals, double> Value,
    double Start,
    double Full,
    float Quality,
    float Advertisement,
    float Informational,
    float Educational,
    string Source)
{
    /// <summary>Gets a value indicating whether the rule is skipped for documents detected as code.</summary>
    public bool ProseOnly { get; init; }

    /// <summary>Gets a value indicating whether the rule needs the options' minimum word count for repetition rules.</summary>
    public bool NeedsRepetitionWords { get; init; }

    /// <summary>Gets a value indicating whether the rule needs the minimum number of lines.</summary>
    public bool NeedsLines { get; init; }

    /// <summary>Gets the documents the rule applies to.</summary>
    public RuleScope Scope { get; init; } = RuleScope.AllLanguages;

    /// <summary>Gets the minimum number of words for the rule to apply.</summary>
    public int MinWords { get; init; }

    /// <summary>Gets the minimum number of paragraphs for the rule to apply.</summary>
    public int MinParagraphs { get; init; }

    /// <summary>Returns the penalty fraction (0–1) for a value.</summary>
    public double Fraction(double value)
    {
        var f = (value - Start) / (Full - Start);
        return double.IsNaN(f) ? 0 : Math.Clamp(f, 0, 1);
    }
}

/// <summary>The rule table of <see cref="RuleBasedQualityScorer"/> (mirrored in docs/quality.md).</summary>
internal static class QualityRules
{
    /// <summary>Denominator floor for per-100-word densities, so one hit in a short text is not a "density" of 20%.</summary>
    public const int DensityWordFloor = 50;

    public static IReadOnlyList<QualityRule> All { get; } = Build();

    private static double Per100(int hits, int words, int floor) => 100.0 * hits / Math.Max(words, floor);

    private static List<QualityRule> Build()
    {
        var rules = new List<QualityRule>
        {
            new("word_count", s => Math.Log10(Math.Max(1, s.WordCount)), Math.Log10(50), Math.Log10(3), 0.5f, 0f, 0f, 0f,
                "Gopher (min 50 words), C4 (min 3 words); log10 scale; informational and educational value need evidence instead")
                { Scope = RuleScope.SpaceDelimited },
            new("mean_word_length_low", s => s.MeanWordLength, 3.0, 2.0, 2.0f, 0f, 0.5f, 0.5f, "Gopher (mean word length 3-10)")
                { Scope = RuleScope.SpaceDelimited, ProseOnly = true, MinWords = 5 },
            new("mean_word_length_high", s => s.MeanWordLength, 10.0, 15.0, 2.5f, 0f, 1.5f, 1.5f, "Gopher (mean word length 3-10)")
                { Scope = RuleScope.SpaceDelimited, ProseOnly = true, MinWords = 3 },
            new("symbol_to_word_ratio", s => s.SymbolToWordRatio, 0.1, 0.5, 2.0f, 0f, 0.5f, 0.5f, "Gopher (# and ellipsis per word <= 0.1)")
                { Scope = RuleScope.SpaceDelimited, ProseOnly = true, MinWords = 5 },
            new("non_alphabetic_words", s => s.NonAlphabeticWordFraction, 0.2, 0.6, 2.5f, 0f, 1.5f, 1.5f,
                "Gopher (>= 80% of words contain a letter)") { Scope = RuleScope.SpaceDelimited, ProseOnly = true, MinWords = 3 },
            new("lines_ending_in_punctuation", s => s.LinesEndingInPunctuationFraction, 0.12, 0.0, 1.0f, 0f, 0f, 0f,
                "FineWeb (line_punct_thr 0.12), C4 (terminal punctuation)") { ProseOnly = true, NeedsLines = true },
            new("bullet_lines", s => s.BulletLineFraction, 0.5, 0.9, 1.0f, 0f, 0f, 0f, "Gopher (<= 90% bullet lines)")
                { ProseOnly = true, NeedsLines = true },
            new("ellipsis_lines", s => s.EllipsisLineFraction, 0.3, 0.6, 1.5f, 0f, 0.5f, 0.5f, "Gopher (<= 30% lines ending in an ellipsis)")
                { NeedsLines = true },
            new("duplicate_lines", s => s.DuplicateLineFraction, 0.3, 0.6, 2.0f, 0f, 2.0f, 2.0f, "Gopher (dup_line_frac 0.3)")
                { ProseOnly = true, NeedsLines = true },
            new("duplicate_line_chars", s => s.DuplicateLineCharFraction, 0.2, 0.5, 2.0f, 0f, 2.0f, 2.0f, "Gopher (dup_line_char_frac 0.2)")
                { NeedsLines = true },
            new("duplicate_paragraphs", s => s.DuplicateParagraphFraction, 0.3, 0.6, 1.5f, 0f, 1.5f, 1.5f, "Gopher (dup_para_frac 0.3)")
                { ProseOnly = true, MinParagraphs = 3 },
            new("duplicate_paragraph_chars", s => s.DuplicateParagraphCharFraction, 0.2, 0.5, 1.5f, 0f, 1.5f, 1.5f,
                "Gopher (dup_para_char_frac 0.2)") { MinParagraphs = 2 },
        };

        double[] topThresholds = [0.20, 0.18, 0.16];
        for (var n = 2; n <= 4; n++)
        {
            var index = n - 2;
            rules.Add(new($"top_{n}gram_chars", s => s.TopNGramCharFraction[index], topThresholds[index], topThresholds[index] + 0.3,
                1.0f, 0f, 1.0f, 1.0f, $"Gopher (top {n}-gram char fraction {topThresholds[index]:0.00})")
            { Scope = RuleScope.SpaceDelimited, ProseOnly = true, NeedsRepetitionWords = true });
        }

        double[] dupThresholds = [0.15, 0.14, 0.13, 0.12, 0.11, 0.10];
        for (var n = 5; n <= 10; n++)
        {
            var index = n - 5;
            rules.Add(new($"duplicate_{n}gram_chars", s => s.DuplicateNGramCharFraction[index], dupThresholds[index], dupThresholds[index] + 0.3,
                0.5f, 0f, 0.5f, 0.5f, $"Gopher (duplicate {n}-gram char fraction {dupThresholds[index]:0.00})")
            { Scope = RuleScope.SpaceDelimited, ProseOnly = true, NeedsRepetitionWords = true });
        }

        rules.AddRange(
        [
            new("gopher_stop_words", s => s.GopherStopWordCount, 1.99, 0.0, 2.0f, 0f, 0.5f, 0.5f,
                "Gopher (>= 2 of: the, be, to, of, and, that, have, with)") { Scope = RuleScope.EnglishOnly, ProseOnly = true, MinWords = 50 },
            new("stop_word_ratio", s => s.StopWordRatio, 0.15, 0.03, 2.5f, 0f, 0.5f, 0.5f,
                "Gopher stop-word idea, as a ratio over a 100-word function-word list") { Scope = RuleScope.EnglishOnly, ProseOnly = true, MinWords = 6 },
            new("implausible_words", s => s.ImplausibleWordFraction, 0.1, 0.4, 3.0f, 0f, 2.0f, 2.0f,
                "Letter-bigram plausibility (keyboard mashing, random strings)") { Scope = RuleScope.EnglishOnly, ProseOnly = true },
            new("promotional_density", s => Per100(s.PromotionalHits, s.WordCount, DensityWordFloor), 0.5, 4.0, 0.5f, 4.0f, 1.0f, 1.5f,
                "Promotional lexicon + prices + 'N% off' per 100 words (CLIMB advertisement criterion)"),
            new("exclamation_density", s => (double)s.ExclamationCount / Math.Max(3, s.SentenceCount), 0.25, 1.0, 0.75f, 1.5f, 0f, 0f,
                "Exclamation marks per sentence (advert copy)"),
            new("all_caps_words", s => s.AllCapsWordFraction, 0.15, 0.5, 1.0f, 1.5f, 0f, 0f, "ALL-CAPS word fraction (shouting, ads)")
                { Scope = RuleScope.SpaceDelimited, ProseOnly = true, MinWords = 5 },
            new("url_email_density", s => Per100(s.UrlEmailCount, s.WordCount, DensityWordFloor), 1.0, 6.0, 0.5f, 1.5f, 1.0f, 1.0f,
                "URLs and e-mail addresses per 100 words (C4 drops lines with URLs/policy text)"),
            new("vowelless_words", s => s.VowellessWordFraction, 0.15, 0.45, 3.0f, 0f, 2.0f, 2.0f,
                "Latin-script words of 3+ letters without a vowel (keyboard mashing); language-independent across Latin-script languages")
                { ProseOnly = true, MinWords = 5 },
            new("placeholder_text", s => s.PlaceholderWordFraction, 0.5, 0.8, 3.0f, 0f, 4.0f, 4.0f,
                "Share of words from the lorem-ipsum vocabulary (placeholder text, whatever language it is identified as)")
                { MinWords = 8 },
            new("mixed_script_words", s => s.MixedScriptWordFraction, 0.05, 0.3, 3.0f, 0f, 2.0f, 2.0f,
                "Words mixing Latin, Cyrillic and Greek letters (homoglyph spam, broken encodings)") { MinWords = 5 },
            new("boilerplate_markers", s => Per100(s.BoilerplateHits, s.WordCount, 30), 0.5, 3.0, 1.5f, 0.5f, 3.5f, 3.5f,
                "404 / page not found / lorem ipsum / cookie and JavaScript banners per 100 words (C4 lorem ipsum, javascript, cookie rules)"),
        ]);

        return rules;
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Scores documents on the four CLIMB criteria with no model: heuristic signals from the C4, Gopher and FineWeb
/// filters plus promotional-language, boilerplate and word-shape signals, each mapped to penalties on the criteria.
/// </summary>
/// <remarks>
/// Each document's language is identified first (Lingua); rules that measure English words apply to English only and
/// word-based rules to space-delimited scripts only, so no language is scored down for lacking a model. Quality and
/// advertisement start at 5; informational and educational value start from positive evidence (statements, volume,
/// facts, explanations, definitions, lists, references). Each rule whose signal crosses its threshold subtracts a
/// penalty (linear between the start and full thresholds) and the result is clamped to [0, 5]. Documents recognised as
/// source code skip the prose-only rules, and short documents skip the statistics that need many words or lines.
/// The rule table is documented in docs/quality.md. Thread-safe.
/// </remarks>
public sealed partial class RuleBasedQualityScorer : IQualityScorer
{
    private static readonly int PhraseCounts = Enum.GetValues<PhraseList>().Length;
    private readonly RuleBasedQualityScorerOptions _options;
    private readonly AnalyzerSettings _settings;
    private readonly LanguageIdentifier _languages;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="RuleBasedQualityScorer"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public RuleBasedQualityScorer(RuleBasedQualityScorerOptions? options = null, ILogger<RuleBasedQualityScorer>? logger = null)
        : this(options, useLingua: false, logger)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RuleBasedQualityScorer"/> class that identifies languages
    /// with Lingua itself even in low-accuracy mode (the reference the fast path is measured against).</summary>
    internal RuleBasedQualityScorer(RuleBasedQualityScorerOptions? options, bool useLingua, ILogger<RuleBasedQualityScorer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new RuleBasedQualityScorerOptions(), nameof(options));
        _settings = new AnalyzerSettings(_options);
        _languages = new LanguageIdentifier(_options, useLingua);
        Identity = ComponentIdentity.Of("rule-based-quality/v2", _options);
        _logger = logger ?? NullLogger<RuleBasedQualityScorer>.Instance;
    }

    /// <inheritdoc />
    public string Identity { get; }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QualityScores>> ScoreAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"Text at index {i} is null.", nameof(texts));
            }
        }

        var results = new QualityScores[texts.Count];
        if (texts.Count <= 4)
        {
            for (var i = 0; i < texts.Count; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results[i] = Score(texts[i]);
            }
        }
        else
        {
            await Task.Run(
                () => Parallel.For(
                    0,
                    texts.Count,
                    new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism },
                    i => results[i] = Score(texts[i])),
                cancellationToken).ConfigureAwait(false);
        }

        LogScored(texts.Count);
        return results;
    }

    /// <summary>Loads the language-identification models now (once per process; otherwise the first document does),
    /// so that their loading is paid and timed apart from the scoring.</summary>
    internal void LoadModels() => _languages.Preload();

    /// <summary>Scores one document.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The four scores.</returns>
    public QualityScores Score(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Evaluate(text, null).Scores;
    }

    /// <summary>Scores one document and lists the rules that lowered its scores (for inspection and tuning).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The scores, whether the text was treated as code, and every rule that applied a penalty.</returns>
    internal QualityAssessment Explain(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var hits = new List<QualityRuleHit>();
        var (scores, isCode) = Evaluate(text, hits);
        return new QualityAssessment(scores, isCode, hits);
    }

    private (QualityScores Scores, bool IsCode) Evaluate(string text, List<QualityRuleHit>? hits)
    {
        var span = TextAnalyzer.Cut(text, _settings);
        var s = TextAnalyzer.Analyze(span, _settings);
        if (s.WordCount == 0)
        {
            hits?.Add(new QualityRuleHit("empty", 0, new QualityScores(5, 0, 5, 5)));
            return (new QualityScores(0, 5, 0, 0), s.IsCode);
        }

        var language = _languages.Identify(span);
        Span<int> phrases = stackalloc int[PhraseCounts];
        _settings.Phrases(language).Count(span, phrases);
        s.PromotionalHits += phrases[(int)PhraseList.Promotional] + phrases[(int)PhraseList.ExtraPromotional];
        s.BoilerplateHits = phrases[(int)PhraseList.Boilerplate] + phrases[(int)PhraseList.ExtraBoilerplate];
        s.UrlEmailCount += phrases[(int)PhraseList.Url];
        var evidence = ContentEvidenceAnalyzer.Analyze(span, language, s, phrases);
        double q = 5, a = 5;
        var inf = ContentEvidenceAnalyzer.Informational(evidence, s);
        var e = ContentEvidenceAnalyzer.Educational(evidence, s);
        foreach (var rule in QualityRules.All)
        {
            if ((rule.Scope == RuleScope.EnglishOnly && language != LanguageCode.English)
                || (rule.Scope == RuleScope.SpaceDelimited && !s.IsSpaceDelimited)
                || (rule.ProseOnly && s.IsCode)
                || (rule.NeedsLines && s.NonEmptyLineCount < _options.MinLinesForLineRules)
                || (rule.NeedsRepetitionWords && s.WordCount < _options.MinWordsForRepetitionRules)
                || s.WordCount < rule.MinWords
                || s.ParagraphCount < rule.MinParagraphs)
            {
                continue;
            }

            var value = rule.Value(s);
            var f = rule.Fraction(value);
            if (f <= 0)
            {
                continue;
            }

            q -= f * rule.Quality;
            a -= f * rule.Advertisement;
            inf -= f * rule.Informational;
            e -= f * rule.Educational;
            hits?.Add(new QualityRuleHit(
                rule.Name,
                value,
                new QualityScores((float)(f * rule.Quality), (float)(f * rule.Advertisement), (float)(f * rule.Informational), (float)(f * rule.Educational))));
        }

        return (new QualityScores(Clamp(q), Clamp(a), Clamp(inf), Clamp(e), language), s.IsCode);
    }

    private static float Clamp(double v) => (float)Math.Clamp(v, 0, 5);

    [LoggerMessage(LogLevel.Debug, "Rule-based scorer scored {Count} documents.")]
    private partial void LogScored(int count);
}

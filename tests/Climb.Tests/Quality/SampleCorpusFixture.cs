namespace Climb.Tests.Quality;

/// <summary>Loads the committed sample corpus (data/sample-corpus/*.jsonl.gz) once per test class.</summary>
public sealed class SampleCorpusFixture
{
    public static readonly string[] Domains = SampleCorpusData.Domains;

    public SampleCorpusFixture()
    {
        var byDomain = new Dictionary<string, IReadOnlyList<Document>>();
        foreach (var domain in Domains)
        {
            byDomain[domain] = SampleCorpusData.Domain(domain);
        }

        ByDomain = byDomain;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<Document>> ByDomain { get; }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<IReadOnlyList<QualityScores>>> _scores = new(StringComparer.Ordinal);

    /// <summary>Gets the default rule-based scores of every document of a domain, computed once per test class.</summary>
    public IReadOnlyList<QualityScores> DefaultScores(string domain) => _scores.GetOrAdd(
        domain,
        d => new Lazy<IReadOnlyList<QualityScores>>(() => new RuleBasedQualityScorer().ScoreAsync([.. ByDomain[d].Select(x => x.Text)]).GetAwaiter().GetResult())).Value;

    /// <summary>Takes every <paramref name="step"/>-th document of each domain (deterministic subsample).</summary>
    public List<Document> Every(int step) => [.. Domains.SelectMany(d => ByDomain[d].Where((_, i) => i % step == 0))];
}

using CsCheck;
using PaperOptions = Climb.Tests.Search.PaperOptions;
using SyntheticObjective = Climb.Tests.Search.SyntheticObjective;

namespace Climb.Tests.Properties;

/// <summary>A search journal torn at any byte (the process died mid-write) resumes to the results of an uninterrupted search.</summary>
public sealed class JournalProperties : IDisposable
{
    private readonly PropertyFolder _folder = new();
    private readonly Lazy<(byte[] Journal, MixtureSearchResult Result)> _reference;

    public JournalProperties() => _reference = new(() =>
    {
        string path = _folder.Sub("reference.jsonl");
        var result = NewSearch(path).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync).GetAwaiter().GetResult();
        return (File.ReadAllBytes(path), result);
    });

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_journal_torn_at_any_byte_resumes_to_the_same_results_and_reruns_only_the_lost_proxies()
    {
        var (journal, reference) = _reference.Value;
        int total = reference.ProxyResults.Count;
        Gen.Int[0, journal.Length].Sample(cut =>
        {
            string path = _folder.Sub($"torn-{cut}.jsonl");
            File.WriteAllBytes(path, journal[..cut]);

            // Whole result lines before the cut (the header is the first line).
            int lines = journal.AsSpan(0, cut).Count((byte)'\n');
            int kept = Math.Max(0, lines - 1);
            int evaluated = 0;
            var objective = new SyntheticObjective();
            var resumed = NewSearch(path).RunAsync(
                SyntheticObjective.Prior,
                (mixture, seed, token) =>
                {
                    Interlocked.Increment(ref evaluated);
                    return objective.EvaluateAsync(mixture, seed, token);
                }).GetAwaiter().GetResult();

            Assert.Equal(kept, resumed.ResumedCount);
            Assert.Equal(total - kept, evaluated);
            Assert.Equal(reference.Mixture, resumed.Mixture);
            Assert.Equal(reference.ProxyResults.Select(r => r.Mixture), resumed.ProxyResults.Select(r => r.Mixture));
            Assert.Equal(reference.ProxyResults.Select(r => r.Objective), resumed.ProxyResults.Select(r => r.Objective));
            Assert.Equal(reference.ProxyResults.Select(r => r.Seed), resumed.ProxyResults.Select(r => r.Seed));

            // The repaired journal holds the header and every result once, like the uninterrupted one, and a third run
            // resumes every result from it without training any proxy.
            Assert.Equal(total + 1, File.ReadAllLines(path).Length);
            var again = NewSearch(path).RunAsync(SyntheticObjective.Prior, (_, _, _) => throw new InvalidOperationException("no proxy may run")).GetAwaiter().GetResult();
            Assert.Equal(total, again.ResumedCount);
            Assert.Equal(reference.ProxyResults.Select(r => r.Objective), again.ProxyResults.Select(r => r.Objective));
        }, iter: 25, threads: 1);
    }

    private static MixtureSearch NewSearch(string journal) =>
        new(
            new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [8, 4]; o.CandidatePoolSize = 500; o.TopCandidatesMinimum = 16; })),
            // Only the strategy's proxy runs: the noise replicates and the answer's measuring run are journaled too, but
            // are not ProxyResults, so this property's line arithmetic would not hold for them.
            new MixtureSearchOptions { Seed = 3, JournalPath = journal, MaxDegreeOfParallelism = 2, ProxyConfiguration = "synthetic", NoiseReplicates = 0, MeasureAnswer = false });
}

namespace Climb.Tests.Pipeline;

/// <summary>A small slice of the bundled sample corpus plus held-out target text, shared by the pipeline tests.</summary>
internal static class PipelineFixtures
{
    private static readonly Lazy<(List<Document> Corpus, List<Document> HeldOut)> Data = new(Load);

    public static IReadOnlyList<Document> Corpus => Data.Value.Corpus;

    /// <summary>Held-out documents (not in <see cref="Corpus"/>) by domain.</summary>
    public static IReadOnlyList<Document> HeldOut => Data.Value.HeldOut;

    public static TextTarget Target(params string[] domains) =>
        new("heldout-" + string.Join("+", domains), HeldOut.Where(d => domains.Contains(d.Source)).Select(d => d.Text).ToList());

    public static ClimbPipelineBuilder SmallBuilder(string artifacts) => new ClimbPipelineBuilder()
        .WithArtifactsFolder(artifacts)
        .WithProxyTrainer(new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = 60_000, SequenceLength = 256, EvaluationWindow = 256 }))
        .Configure(o =>
        {
            o.ClusterCount = 24;
            o.Merging = new CentroidMergerOptions { TargetClusterCount = 8 };
            o.Tokenizer = "byte";
            o.Export = new MixedDatasetExporterOptions { TokenBudget = 200_000, ShardCount = 2 };
        })
        .ConfigureSearch(s =>
        {
            s.RoundBudgets = [8, 4, 4];
            s.CandidatePoolSize = 2_000;
            s.TopCandidatesMinimum = 32;
        });

    private static (List<Document>, List<Document>) Load()
    {
        var all = CorpusReader.OpenSampleCorpus(RepoPaths.SampleCorpus).ReadAsync().ToBlockingEnumerable().ToList();
        var corpus = new List<Document>();
        var heldOut = new List<Document>();
        foreach (var group in all.GroupBy(d => d.Source))
        {
            var docs = group.ToList();
            corpus.AddRange(docs.Take(250));
            heldOut.AddRange(docs.Skip(250).Take(40));
        }

        return (corpus, heldOut);
    }
}

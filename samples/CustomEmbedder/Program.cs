// Notebook cells (scripts/build-notebook.py turns these into samples/notebooks/custom-embedder.ipynb, in cell order).
using System.Numerics.Tensors;
using Climb;

// cell 2: A small pipeline on the bundled sample corpus
var corpus = ClimbCorpus.SampleCorpus();
var target = TextTarget.FromJsonl("computing", "data/sample-targets/computing.jsonl.gz");

var pipeline = new ClimbPipelineBuilder()
    .WithEmbedder(new TrigramEmbedder())
    .WithArtifactsFolder("notebook-artifacts")
    .Configure(o =>
    {
        o.ClusterCount = 48;
        o.Merging = new CentroidMergerOptions { TargetClusterCount = 10 };
        o.Proxy = ProxyKind.NGram;                 // seconds per proxy on a CPU
        o.NGramProxy.TokenBudget = 300_000;
        o.Export.TokenBudget = 1_000_000;
    })
    .ConfigureSearch(s => s.RoundBudgets = [16, 8, 8])
    .Build();

// cell 3: Watch each search round as it finishes
await foreach (var item in pipeline.RunStreamingAsync(corpus, [target]))
{
    if (item.Round is { } round)
    {
        Console.WriteLine($"round {round.Round + 1}: {round.Results.Count} proxies, best utility so far {round.BestUtilitySoFar:F4}, predictor held-out Spearman {round.HeldOutSpearman:F2}");
    }
    else
    {
        var result = item.Result!;
        for (int i = 0; i < result.Mixture.Count; i++)
        {
            Console.WriteLine($"{result.Mixture[i]:0.000}  {result.ComponentNames[i]}");
        }

        Console.WriteLine($"report: {result.ReportPath}");
    }
}

// cell 1: Plug your own embedder into Climb
// An embedder is one small interface: a model identity + dimension, and a batch method.
// This one hashes character trigrams into 256 buckets (a real, if simple, bag-of-n-grams encoder);
// in practice you would call your own model here (an ONNX export, a service, ...).
sealed class TrigramEmbedder : IEmbedder
{
    public EmbedderInfo Info { get; } = new("notebook/char-trigram-256", 256);

    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var m = new EmbeddingMatrix(texts.Count, Info.Dimension);
        Parallel.For(0, texts.Count, i =>
        {
            var row = m[i];
            var t = texts[i].ToLowerInvariant();
            for (int j = 0; j + 3 <= t.Length; j++)
            {
                row[(int)((uint)string.GetHashCode(t.AsSpan(j, 3), StringComparison.Ordinal) % (uint)row.Length)] += 1;
            }

            float norm = MathF.Sqrt(TensorPrimitives.SumOfSquares(row));
            if (norm > 0)
            {
                TensorPrimitives.Divide(row, norm, row);
            }
        });
        return Task.FromResult(m);
    }
}


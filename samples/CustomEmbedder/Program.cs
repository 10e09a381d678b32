// Notebook cells (scripts/build-notebook.py turns these into samples/notebooks/custom-embedder.ipynb, in cell order).
// The project has no implicit usings, as a notebook has none: every namespace the cells need is listed here.
using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Threading;
using System.Threading.Tasks;
using Climb;

// cell 2: A small pipeline on the bundled sample corpus
var corpus = ClimbCorpus.SampleCorpus();
var target = TextTarget.FromJsonl("computing", "data/sample-targets/computing.jsonl.gz");

var pipeline = new ClimbPipelineBuilder()
    .WithEmbedder(new TrigramEmbedder())
    // A notebook kernel does not copy NuGet content files next to itself, so the language models of the default
    // scorer's language identification are not there; the sample corpus is English, so name its language instead.
    .WithQualityScorer(new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { AssumedLanguage = "en" }))
    .WithArtifactsFolder("notebook-artifacts")
    .Configure(o =>
    {
        o.ClusterCount = 48;
        o.Merging = new CentroidMergerOptions { TargetClusterCount = 10 };
        o.Proxy = ProxyKind.NGram;                 // seconds per proxy on a CPU
        o.NGramProxy.TokenBudget = 200_000;
        o.Export.TokenBudget = 500_000;
    })
    .ConfigureSearch(s => s.RoundBudgets = [12, 6, 6])
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
// An embedder is one small interface: a model identity + dimension, a stable identity, and a batch method.
// This one hashes character trigrams into 256 buckets (a real, if simple, bag-of-n-grams encoder);
// in practice you would call your own model here (an ONNX export, a service, ...).
sealed class TrigramEmbedder : IEmbedder
{
    public EmbedderInfo Info { get; } = new("notebook/char-trigram-256", 256);

    // Everything that changes the output: the pipeline fingerprints its artifacts with it.
    public string Identity => Info.ModelId + ";fnv1a;lower-invariant";

    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        var m = new EmbeddingMatrix(texts.Count, Info.Dimension);
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var row = m[i];
            var t = texts[i].ToLowerInvariant();
            for (int j = 0; j + 3 <= t.Length; j++)
            {
                // FNV-1a: the same bucket in every process (string.GetHashCode is randomised per process).
                uint h = 2166136261;
                foreach (char c in t.AsSpan(j, 3))
                {
                    h = (h ^ c) * 16777619;
                }

                row[(int)(h % (uint)row.Length)] += 1;
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

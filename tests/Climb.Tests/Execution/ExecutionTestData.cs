using System.Runtime.CompilerServices;

namespace Climb.Tests.Execution;

/// <summary>Small real inputs for the executor tests: a byte-level token store of three sample-corpus domains, a target, an embedding store.</summary>
internal static class ExecutionTestData
{
    public static string TempDir(string name)
    {
        // Under the repository's parent when possible: on a cluster the tests' folders must be shared with the node; here one node sees /tmp too.
        string dir = Path.Combine(Path.GetTempPath(), "climb-exec-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static async Task<(TokenizedClusterStore Store, IReadOnlyList<EvaluationTarget> Targets)> ProxyInputsAsync(string dir)
    {
        var clusters = new[] { "bible", "python", "fortunes" }
            .Select(d => Stream(SampleCorpusData.Domain(d).Take(120)))
            .ToList();
        var store = await TokenizedClusterStore.BuildAsync(Path.Combine(dir, "tokens"), ByteTokenizer.Instance, clusters);
        var target = new TextTarget("python", SampleCorpusData.Domain("python").Skip(2000).Take(20).Select(d => d.Text.Length > 1500 ? d.Text[..1500] : d.Text).ToList());
        return (store, [target]);
    }

    public static KneserNeyProxyTrainerOptions NGram() => new() { Order = 3, TokenBudget = 30_000, SequenceLength = 256, EvaluationWindow = 256 };

    public static async Task<EmbeddingStore> EmbeddingsAsync(string dir, int rows, int dimension, int shardSize)
    {
        var docs = Enumerable.Range(0, rows).Select(i => new Document($"d{i}", $"doc {i}")).ToList();
        var rng = new Random(7);
        var centres = Enumerable.Range(0, 6).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)((rng.NextDouble() * 8) - 4)).ToArray()).ToArray();
        var embedder = new FunctionEmbedder(dimension, text =>
        {
            int i = int.Parse(text[4..], System.Globalization.CultureInfo.InvariantCulture);
            var r = new Random(i);
            var c = centres[i % centres.Length];
            return c.Select(v => v + (float)(r.NextDouble() - 0.5)).ToArray();
        });
        return await EmbeddingStore.BuildAsync(Stream(docs), embedder, Path.Combine(dir, "embeddings"), new EmbeddingStoreOptions { ShardSize = shardSize, BatchSize = 64 });
    }

    public static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> docs, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var d in docs)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return d;
        }
    }

    private sealed class FunctionEmbedder(int dimension, Func<string, float[]> embed) : IEmbedder
    {
        public EmbedderInfo Info { get; } = new("test/function-embedder", dimension);

        public string Identity => Info.ModelId;

        public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            var m = new EmbeddingMatrix(texts.Count, dimension);
            for (int i = 0; i < texts.Count; i++)
            {
                embed(texts[i]).CopyTo(m.Data.Slice(i * dimension, dimension));
            }

            return Task.FromResult(m);
        }
    }
}

using System.Runtime.CompilerServices;

namespace Climb.Tests.ProxyTraining;

/// <summary>Real inputs for the command proxy tests: a byte-level token store of sample-corpus domains, the data folder
/// written from the same documents (with the store's exact token counts), and a text target.</summary>
internal static class CommandProxyTestData
{
    public static readonly string[] Domains = ["bible", "python", "fortunes"];

    public static string TempDir(string name)
    {
        string dir = Path.Combine(Path.GetTempPath(), "climb-command-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static async Task<(TokenizedClusterStore Store, IReadOnlyList<EvaluationTarget> Targets, string Data)> CreateAsync(
        string dir, IReadOnlyList<string> names, DatasetFormat format = DatasetFormat.Jsonl, ProxyDataFolder.ShardLimits? limits = null, int documents = 40)
    {
        var docs = Domains.Take(names.Count).Select(d => SampleCorpusData.Domain(d).Take(documents).ToList()).ToList();
        var store = await TokenizedClusterStore.BuildAsync(Path.Combine(dir, "tokens"), ByteTokenizer.Instance, docs.Select(d => Stream(d)).ToList());
        var target = new TextTarget("python", SampleCorpusData.Domain("python").Skip(2000).Take(10).Select(d => d.Text.Length > 800 ? d.Text[..800] : d.Text).ToList());
        var data = await ProxyDataFolder.WriteAsync(
            Path.Combine(dir, "data"), names, Tagged(docs, store), [target], store.Tokenizer.Identity, format, limits ?? ProxyDataFolder.ShardLimits.Default, null, CancellationToken.None);
        return (store, [target], data.FolderPath);
    }

    public static ProxyTrainingRequest Request(TokenizedClusterStore store, IReadOnlyList<EvaluationTarget> targets, int seed = 5, double[]? weights = null) => new()
    {
        Mixture = new MixtureWeights(weights ?? Enumerable.Repeat(1.0 / store.ClusterCount, store.ClusterCount).ToArray()),
        Seed = seed,
        Data = store,
        Targets = targets,
    };

    /// <summary>A POSIX sh command that writes a valid result (objective 1.25, minimised) and keeps a copy of the mixture file.</summary>
    public const string ValidResult = """cp {mixture} {output}.mixture && printf '{"objective": 1.25, "goal": "minimize", "metrics": {"m": 2}, "tokens_trained": 7}' > {output}""";

    private static async IAsyncEnumerable<(int, Document, long)> Tagged(List<List<Document>> docs, TokenizedClusterStore store)
    {
        for (int c = 0; c < docs.Count; c++)
        {
            long[] offsets = store.DocumentOffsets(c);
            for (int k = 0; k < docs[c].Count; k++)
            {
                await Task.Yield();
                yield return (c, docs[c][k], offsets[k + 1] - offsets[k]);
            }
        }
    }

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> docs, [EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var d in docs)
        {
            ct.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return d;
        }
    }
}

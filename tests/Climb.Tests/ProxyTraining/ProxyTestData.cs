namespace Climb.Tests.ProxyTraining;

/// <summary>Sample-corpus documents and temporary token stores for the proxy tests.</summary>
internal static class ProxyTestData
{
    public static List<Document> Domain(string domain, int skip, int take) => [.. SampleCorpusData.Domain(domain).Skip(skip).Take(take)];

    public static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> docs)
    {
        foreach (var d in docs)
        {
            await Task.Yield();
            yield return d;
        }
    }

    public static async Task<TokenizedClusterStore> BuildAsync(string dir, ITokenizer tokenizer, params List<Document>[] clusters)
    {
        return await TokenizedClusterStore.BuildAsync(dir, tokenizer, clusters.Select(Stream).ToList());
    }

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "climb-proxy-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Bible (domain A) and Python (domain B): training documents and held-out targets.</summary>
    public static async Task<(TokenizedClusterStore Store, TextTarget HeldA, TextTarget HeldB)> TwoDomainsAsync(string dir, int trainDocs = 400, int heldDocs = 40)
    {
        var a = Domain("bible", 0, trainDocs);
        var b = Domain("python", 0, trainDocs);
        var store = await BuildAsync(dir, ByteTokenizer.Instance, a, b);
        var heldA = new TextTarget("bible", Domain("bible", 2000, heldDocs).Select(d => Truncate(d.Text, 2000)).ToList());
        var heldB = new TextTarget("python", Domain("python", 2000, heldDocs).Select(d => Truncate(d.Text, 2000)).ToList());
        return (store, heldA, heldB);
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];
}

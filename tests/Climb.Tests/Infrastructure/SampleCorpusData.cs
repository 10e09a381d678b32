using System.Collections.Concurrent;

namespace Climb.Tests;

/// <summary>The committed sample corpus, read once per domain through <see cref="CorpusReader"/> and shared by the tests.</summary>
internal static class SampleCorpusData
{
    public static readonly string[] Domains = ["fortunes", "bible", "foldoc", "jargon", "devil", "python"];

    private static readonly ConcurrentDictionary<string, IReadOnlyList<Document>> Cache = new(StringComparer.Ordinal);

    /// <summary>Gets every document of one domain, in file order.</summary>
    public static IReadOnlyList<Document> Domain(string domain) => Cache.GetOrAdd(domain, d =>
    {
        string path = Path.Combine(RepoPaths.SampleCorpus, d + ".jsonl.gz");
        Assert.True(File.Exists(path), $"Sample corpus file missing: {path}");
        return new CorpusReader(path).ReadAsync().ToBlockingEnumerable().ToList();
    });
}

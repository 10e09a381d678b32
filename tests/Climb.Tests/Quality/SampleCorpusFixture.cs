using System.IO.Compression;
using System.Text.Json;

namespace Climb.Tests.Quality;

/// <summary>Loads the committed sample corpus (data/sample-corpus/*.jsonl.gz) once per test class.</summary>
public sealed class SampleCorpusFixture
{
    public static readonly string[] Domains = ["fortunes", "bible", "foldoc", "jargon", "devil", "python"];

    public SampleCorpusFixture()
    {
        var byDomain = new Dictionary<string, IReadOnlyList<Document>>();
        foreach (var domain in Domains)
        {
            var path = Path.Combine(RepoPaths.SampleCorpus, domain + ".jsonl.gz");
            Assert.True(File.Exists(path), $"Sample corpus file missing: {path}");
            var docs = new List<Document>();
            using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
            while (reader.ReadLine() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                var root = json.RootElement;
                docs.Add(new Document(root.GetProperty("id").GetString()!, root.GetProperty("text").GetString()!, domain));
            }

            byDomain[domain] = docs;
        }

        ByDomain = byDomain;
    }

    public IReadOnlyDictionary<string, IReadOnlyList<Document>> ByDomain { get; }

    /// <summary>Takes every <paramref name="step"/>-th document of each domain (deterministic subsample).</summary>
    public List<Document> Every(int step) => [.. Domains.SelectMany(d => ByDomain[d].Where((_, i) => i % step == 0))];
}

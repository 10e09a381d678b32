using System.IO.Compression;
using System.Text.Json;

namespace Climb.Benchmarks.Embedding;

/// <summary>The documents of a folder of <c>.jsonl.gz</c> files with their label: the <c>source</c> field up to its first
/// '/' (the sample corpus's six sources; data/multilingual's four packages, one per language).</summary>
internal sealed record LabeledCorpus(string Name, IReadOnlyList<string> Texts, IReadOnlyList<string> Labels)
{
    /// <summary>Gets the rows of the corpus this one was sampled from, in order; <see langword="null"/> for a whole corpus.</summary>
    public IReadOnlyList<int>? Rows { get; init; }

    public static LabeledCorpus Read(string folder)
    {
        var texts = new List<string>();
        var labels = new List<string>();
        foreach (string file in Directory.GetFiles(folder, "*.jsonl.gz").Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
            while (reader.ReadLine() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                texts.Add(json.RootElement.GetProperty("text").GetString()!);
                string source = json.RootElement.TryGetProperty("source", out var s) ? s.GetString()! : Path.GetFileName(file);
                labels.Add(source.Split('/')[0]);
            }
        }

        return new LabeledCorpus(Path.GetFileName(folder.TrimEnd('/')), texts, labels);
    }

    /// <summary>A deterministic sample of <paramref name="count"/> documents (seeded shuffle, then the first ones).</summary>
    public IReadOnlyList<string> Sample(int count, int seed) => Subset(count, seed).Texts;

    /// <summary>A deterministic simple random sample of <paramref name="count"/> documents with their labels, in corpus
    /// order; the whole corpus when it is no larger.</summary>
    public LabeledCorpus Subset(int count, int seed)
    {
        if (count >= Texts.Count)
        {
            return this;
        }

        var order = Enumerable.Range(0, Texts.Count).ToArray();
        new Random(seed).Shuffle(order);
        var rows = order.Take(count).Order().ToList();
        return new LabeledCorpus($"{Name}-{count}-of-{Texts.Count}-seed{seed}", rows.Select(i => Texts[i]).ToList(), rows.Select(i => Labels[i]).ToList()) { Rows = rows };
    }
}

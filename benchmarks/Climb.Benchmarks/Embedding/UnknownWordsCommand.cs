using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// What the default embedder does with words outside GloVe's vocabulary, measured on clustering: for each of
/// <see cref="UnknownWordHandling.Ignore"/> and <see cref="UnknownWordHandling.HashedCharacterNgrams"/>, fit the
/// embedder on the corpus, embed it, run k-means (K = min(1000, documents/100), the pipeline's default, seed 42), and
/// report the zero vectors, the largest cluster, the purity of the clusters by the first label field, the normalized mutual information between clusters and each label
/// field, and, per value of the first label, how many clusters its documents spread over (exp of the entropy) and the
/// NMI between clusters and the second label within it.
/// Usage: <c>-- unknown-words [--labels source,topic] [--seed 42] file.jsonl[.gz] ...</c> (default: the sample corpus).
/// </summary>
internal static class UnknownWordsCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        var labelFields = new[] { "source", "topic" };
        int seed = 42;
        var files = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--labels": labelFields = args[++i].Split(','); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: files.Add(args[i]); break;
            }
        }

        if (files.Count == 0)
        {
            files.AddRange(Directory.GetFiles(Path.Combine(EmbeddingBenchmarks.FindRoot(), "data", "sample-corpus"), "*.jsonl.gz").Order(StringComparer.Ordinal));
        }

        var texts = new List<string>();
        var labels = labelFields.Select(_ => new List<string>()).ToArray();
        foreach (var file in files)
        {
            Stream stream = File.OpenRead(file);
            if (file.EndsWith(".gz", StringComparison.Ordinal))
            {
                stream = new GZipStream(stream, CompressionMode.Decompress);
            }

            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                texts.Add(json.RootElement.GetProperty("text").GetString()!);
                for (int f = 0; f < labelFields.Length; f++)
                {
                    labels[f].Add(json.RootElement.TryGetProperty(labelFields[f], out var v) ? v.ToString() : "");
                }
            }
        }

        int k = Math.Clamp(texts.Count / 100, 2, 1000);
        Console.WriteLine($"{texts.Count} documents from {files.Count} file(s); K = {k}; seed {seed}; {Environment.ProcessorCount} cores; loadavg {Evidence.EvidenceExperiment.LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine($"| unknown words | fit + embed s | zero vectors | largest cluster | purity({labelFields[0]}) | " + string.Join(" | ", labelFields.Select(f => $"NMI({f})")) + " |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | " + string.Join(" | ", labelFields.Select(_ => "---:")) + " |");
        var perGroup = new List<string>();
        foreach (var mode in new[] { UnknownWordHandling.Ignore, UnknownWordHandling.HashedCharacterNgrams })
        {
            var watch = Stopwatch.StartNew();
            var embedder = await new GloveSifEmbedder(new GloveSifEmbedderOptions { UnknownWords = mode, Seed = seed })
                .FitAsync(Reservoir(texts, 20_000, seed));
            var matrix = await embedder.EmbedAsync(texts);
            double seconds = watch.Elapsed.TotalSeconds;
            int zero = Enumerable.Range(0, matrix.Rows).Count(r => matrix[r].IndexOfAnyExcept(0f) < 0);
            var clusters = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = k, Seed = seed }).ClusterAsync(matrix);
            int[] a = clusters.Assignments;
            double largest = clusters.Sizes.Max() / (double)a.Length;
            Console.WriteLine($"| {mode} | {seconds:0.0} | {zero} | {largest:P1} | {Purity(a, labels[0]):P1} | " + string.Join(" | ", labels.Select(l => Nmi(a, l, Enumerable.Range(0, a.Length)).ToString("0.000", CultureInfo.InvariantCulture))) + " |");
            foreach (var group in labels[0].Distinct().Order(StringComparer.Ordinal))
            {
                var rows = Enumerable.Range(0, a.Length).Where(r => labels[0][r] == group).ToList();
                double spread = Math.Exp(Entropy(rows.Select(r => a[r])));
                string within = labels.Length > 1 ? Nmi(a, labels[1], rows).ToString("0.000", CultureInfo.InvariantCulture) : "";
                perGroup.Add($"| {group} | {mode} | {rows.Count} | {spread:0.0} | {within} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine($"| {labelFields[0]} | unknown words | documents | clusters spread over (exp entropy) | " + (labelFields.Length > 1 ? $"NMI({labelFields[1]}) within" : "") + " |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: |");
        foreach (var line in perGroup.Order(StringComparer.Ordinal))
        {
            Console.WriteLine(line);
        }

        var pair = await new GloveSifEmbedder().EmbedAsync(["программирование", "программированию", "собака"]);
        Console.WriteLine($"GloVe mean vector length {WordVectors.Glove.MeanNorm:0.000}; cosine программирование/программированию " +
            $"{System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(pair[0], pair[1]):0.000}, программирование/собака {System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(pair[0], pair[2]):0.000}");
        Console.WriteLine($"loadavg at end {Evidence.EvidenceExperiment.LoadAverage()}");
        return 0;
    }

    /// <summary>The share of documents whose cluster's most frequent label is their own.</summary>
    private static double Purity(int[] clusters, List<string> labels) =>
        Enumerable.Range(0, clusters.Length).GroupBy(r => clusters[r])
            .Sum(g => g.GroupBy(r => labels[r]).Max(l => l.Count())) / (double)clusters.Length;

    private static List<string> Reservoir(List<string> texts, int size, int seed)
    {
        var rng = new Random(seed);
        var sample = new List<string>(Math.Min(size, texts.Count));
        for (int i = 0; i < texts.Count; i++)
        {
            if (sample.Count < size)
            {
                sample.Add(texts[i]);
            }
            else if (rng.NextInt64(i + 1) is var j && j < size)
            {
                sample[(int)j] = texts[i];
            }
        }

        return sample;
    }

    private static double Entropy<T>(IEnumerable<T> values)
        where T : notnull
    {
        var counts = values.GroupBy(v => v).Select(g => (double)g.Count()).ToList();
        double n = counts.Sum();
        return -counts.Sum(c => c / n * Math.Log(c / n));
    }

    /// <summary>Normalized mutual information (arithmetic-mean normalization) between clusters and labels over the given rows.</summary>
    private static double Nmi(int[] clusters, List<string> labels, IEnumerable<int> rows)
    {
        var list = rows.ToList();
        double hc = Entropy(list.Select(r => clusters[r]));
        double hl = Entropy(list.Select(r => labels[r]));
        double joint = Entropy(list.Select(r => (clusters[r], labels[r])));
        double mi = hc + hl - joint;
        return hc + hl == 0 ? 0 : 2 * mi / (hc + hl);
    }
}

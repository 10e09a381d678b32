using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// The embedder table of docs/embedding.md: for each corpus (data/sample-corpus, data/multilingual) and embedder
/// (glove: GloVe-SIF fitted on the corpus as the pipeline fits it; minilm; arctic-xs), embed every document (texts handed
/// over 512 at a time, as <see cref="EmbeddingStore"/> does), time it, then run k-means (<see cref="KMeansClusterer"/>,
/// its defaults) at K = the number of sources and K = documents / 100 (the pipeline's default), three seeds each, and
/// report the NMI of the clusters against the documents' source (mean and range over the seeds).
/// Embeddings are kept in <c>--cache</c> (default /tmp/climb-embedder-table) under the embedder's identity, so an
/// interrupted run resumes; the timing of a cached embedding is the one recorded when it was computed.
/// A corpus larger than <c>--max-docs</c> (default 3,000: the transformers embed a few hundred tokens a second on two
/// shared cores) is replaced by a seeded simple random sample of that many documents, the same for every embedder.
/// Usage: <c>-- embedder-table [--embedders glove,minilm,arctic-xs] [--corpora sample-corpus,multilingual] [--max-docs 3000] [--cache DIR]</c>.
/// </summary>
internal static class EmbedderTableCommand
{
    private static readonly int[] Seeds = [1, 2, 3];

    public static async Task<int> RunAsync(string[] args)
    {
        string[] embedders = ["glove", "minilm", "arctic-xs"];
        string[] corpora = ["sample-corpus", "multilingual"];
        string cache = Path.Combine(Path.GetTempPath(), "climb-embedder-table");
        int maxDocs = 3000;
        int? sliceFrom = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--embedders": embedders = args[++i].Split(','); break;
                case "--corpora": corpora = args[++i].Split(','); break;
                case "--cache": cache = args[++i]; break;
                case "--max-docs": maxDocs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--slice-from": sliceFrom = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        Directory.CreateDirectory(cache);
        Console.WriteLine($"embedder-table: {EncoderCost.Cpu()}, {Environment.ProcessorCount} cores; load {Evidence.EvidenceExperiment.LoadAverage()}; cache {cache}");
        var rows = new List<string>();
        var identities = new List<string>();
        foreach (string name in corpora)
        {
            var whole = LabeledCorpus.Read(Path.Combine(EmbeddingBenchmarks.FindRoot(), "data", name));
            var corpus = whole.Subset(maxDocs, seed: 42);
            var larger = sliceFrom is { } n && n > maxDocs ? whole.Subset(n, seed: 42) : null;
            int[] truth = Encode(corpus.Labels);
            int sources = truth.Max() + 1;
            int kDefault = Math.Clamp(corpus.Texts.Count / 100, 2, 1000);
            foreach (string embedderName in embedders)
            {
                var (matrix, timing) = larger is not null && Slice(corpus, larger, embedderName, cache) is { } sliced
                    ? sliced
                    : await EmbedAsync(corpus, embedderName, cache);
                identities.Add($"| {embedderName} | `{timing.Identity}` |");
                string Nmi(int k)
                {
                    var scores = Seeds.Select(seed =>
                    {
                        var clusters = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = k, Seed = seed, Device = ComputeDevice.Cpu })
                            .ClusterAsync(matrix).GetAwaiter().GetResult();
                        return ClusteringMetrics.NormalizedMutualInformation(clusters.Assignments, truth);
                    }).ToList();
                    return string.Create(CultureInfo.InvariantCulture, $"{scores.Average():0.000} ({scores.Min():0.000}–{scores.Max():0.000})");
                }

                string tokens = timing.Tokens > 0 ? (timing.Tokens / timing.EmbedSeconds).ToString("N0", CultureInfo.InvariantCulture) : "–";
                string row = string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {embedderName} | {corpus.Texts.Count:N0} | {timing.FitSeconds:0.0} | {timing.EmbedSeconds:0.0} | {corpus.Texts.Count / timing.EmbedSeconds:N0} | {tokens} | {Nmi(sources)} (K = {sources}) | {Nmi(kDefault)} (K = {kDefault}) | {timing.Load} |");
                Console.WriteLine(row);
                rows.Add(row);
            }
        }

        Console.WriteLine();
        Console.WriteLine("| corpus | embedder | documents | fit s | embed s | docs/s | tokens/s | NMI, K = sources | NMI, K = docs/100 | load (1/5/15 min) when embedded |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        rows.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("| embedder | identity recorded in the store |");
        Console.WriteLine("| --- | --- |");
        identities.Distinct().ToList().ForEach(Console.WriteLine);
        Console.WriteLine($"load at end {Evidence.EvidenceExperiment.LoadAverage()}");
        return 0;
    }

    private static int[] Encode(IReadOnlyList<string> labels)
    {
        var index = labels.Distinct().Order(StringComparer.Ordinal).Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        return labels.Select(l => index[l]).ToArray();
    }

    /// <summary>
    /// The rows of a smaller seeded sample taken out of the cached embedding of a larger one (the same seeded shuffle, so
    /// the smaller sample's documents are among the larger's), with the larger run's timing; <see langword="null"/> when
    /// that embedding is not cached.
    /// </summary>
    private static (EmbeddingMatrix Matrix, Timing Timing)? Slice(LabeledCorpus corpus, LabeledCorpus larger, string embedderName, string cache)
    {
        string stem = Path.Combine(cache, $"{larger.Name}-{embedderName}");
        if (!File.Exists(stem + ".json") || !File.Exists(stem + ".f32"))
        {
            return null;
        }

        var saved = JsonSerializer.Deserialize<Timing>(File.ReadAllText(stem + ".json"))!;
        var all = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(stem + ".f32"));
        var position = larger.Rows!.Select((row, i) => (row, i)).ToDictionary(x => x.row, x => x.i);
        var matrix = new EmbeddingMatrix(corpus.Texts.Count, saved.Dimension);
        for (int r = 0; r < corpus.Texts.Count; r++)
        {
            all.Slice(position[corpus.Rows![r]] * saved.Dimension, saved.Dimension).CopyTo(matrix[r]);
        }

        Console.WriteLine($"{corpus.Name} {embedderName}: {corpus.Texts.Count} rows of the cached {larger.Name} ({saved.Identity})");
        return (matrix, saved with { Load = saved.Load + $" (rates of the {larger.Texts.Count:N0}-document run)" });
    }

    private static async Task<(EmbeddingMatrix Matrix, Timing Timing)> EmbedAsync(LabeledCorpus corpus, string embedderName, string cache)
    {
        string stem = Path.Combine(cache, $"{corpus.Name}-{embedderName}");
        if (File.Exists(stem + ".json") && File.Exists(stem + ".f32"))
        {
            var saved = JsonSerializer.Deserialize<Timing>(await File.ReadAllTextAsync(stem + ".json"))!;
            byte[] data = await File.ReadAllBytesAsync(stem + ".f32");
            var cached = new EmbeddingMatrix(corpus.Texts.Count, saved.Dimension);
            MemoryMarshal.Cast<byte, float>(data).CopyTo(cached.Data);
            Console.WriteLine($"{corpus.Name} {embedderName}: cached ({saved.Identity})");
            return (cached, saved);
        }

        var watch = Stopwatch.StartNew();
        IEmbedder embedder;
        long tokens = 0;
        double fitSeconds = 0;
        string load = Evidence.EvidenceExperiment.LoadAverage();
        if (embedderName == "glove")
        {
            var documents = corpus.Texts.Select((t, i) => new Document($"d{i}", t)).ToList();
            embedder = await new GloveSifEmbedder().FitAsync(ToAsync(documents));
            fitSeconds = watch.Elapsed.TotalSeconds;
        }
        else
        {
            var options = embedderName == "minilm" ? OnnxEmbedderOptions.MiniLM() : OnnxEmbedderOptions.ArcticXs();
            options.Device = ComputeDevice.Cpu;
            var onnx = new OnnxEmbedder(options);
            tokens = corpus.Texts.Sum(t => (long)onnx.Tokenize(t).Length);
            embedder = onnx;
            fitSeconds = watch.Elapsed.TotalSeconds; // loading the model (and counting tokens)
        }

        watch.Restart();
        var matrix = new EmbeddingMatrix(corpus.Texts.Count, embedder.Info.Dimension);
        for (int start = 0; start < corpus.Texts.Count; start += 512)
        {
            var batch = await embedder.EmbedAsync(corpus.Texts.Skip(start).Take(512).ToList());
            batch.Data.CopyTo(matrix.Data[(start * matrix.Dimension)..]);
            Console.Error.Write($"\r{corpus.Name} {embedderName}: {start + batch.Rows}/{corpus.Texts.Count} in {watch.Elapsed.TotalSeconds:0}s");
        }

        Console.Error.WriteLine();
        var timing = new Timing(embedder.Identity, embedder.Info.Dimension, fitSeconds, watch.Elapsed.TotalSeconds, tokens, load + " → " + Evidence.EvidenceExperiment.LoadAverage());
        (embedder as IDisposable)?.Dispose();
        await File.WriteAllBytesAsync(stem + ".f32", MemoryMarshal.AsBytes(matrix.Data).ToArray());
        await File.WriteAllTextAsync(stem + ".json", JsonSerializer.Serialize(timing));
        return (matrix, timing);
    }

    private static async IAsyncEnumerable<Document> ToAsync(IEnumerable<Document> documents)
    {
        foreach (var d in documents)
        {
            await Task.Yield();
            yield return d;
        }
    }

    private sealed record Timing(string Identity, int Dimension, double FitSeconds, double EmbedSeconds, long Tokens, string Load);
}

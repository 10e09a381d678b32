using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// Documents per second of <see cref="GloveSifEmbedder"/> on text outside its vocabulary: the bundled Russian fortunes
/// (data/multilingual/fortunes-ru.jsonl.gz, 250 texts) repeated to <c>documents</c> texts, embedded with
/// <see cref="UnknownWordHandling.Ignore"/> and with <see cref="UnknownWordHandling.HashedCharacterNgrams"/> (both
/// fitted on the texts first), <c>runs</c> times each; prints the mean and best. Writes the texts, one per line, to
/// <c>out</c> for the fastText peer (benchmarks/peers/fasttext_sentence_vectors.sh).
/// Usage: <c>-- unknown-words-speed [documents=25000] [runs=5] [out=benchmarks/out/ru-fortunes.txt]</c>.
/// </summary>
internal static class UnknownWordSpeedCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int documents = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 25_000;
        int runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5;
        string root = EmbeddingBenchmarks.FindRoot();
        string output = args.Length > 2 ? args[2] : Path.Combine(root, "benchmarks", "out", "ru-fortunes.txt");
        var source = new List<string>();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(root, "data", "multilingual", "fortunes-ru.jsonl.gz")), CompressionMode.Decompress)))
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                source.Add(json.RootElement.GetProperty("text").GetString()!.ReplaceLineEndings(" "));
            }
        }

        var texts = Enumerable.Range(0, documents).Select(i => source[i % source.Count]).ToList();
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        await File.WriteAllLinesAsync(output, texts);
        Console.WriteLine($"{texts.Count} texts ({texts.Sum(t => (long)t.Length) / 1e6:0.00} M characters) from {source.Count} Russian fortunes; " +
            $"{Environment.ProcessorCount} cores; loadavg {Evidence.EvidenceExperiment.LoadAverage()}; texts written to {output}");
        foreach (var mode in new[] { UnknownWordHandling.Ignore, UnknownWordHandling.HashedCharacterNgrams })
        {
            var embedder = await new GloveSifEmbedder(new GloveSifEmbedderOptions { UnknownWords = mode }).FitAsync(source);
            await embedder.EmbedAsync(texts.Take(1000).ToList()); // warm-up
            var rates = new List<double>();
            for (int r = 0; r < runs; r++)
            {
                var watch = Stopwatch.StartNew();
                await embedder.EmbedAsync(texts);
                rates.Add(texts.Count / watch.Elapsed.TotalSeconds);
            }

            Console.WriteLine($"{mode}: mean {rates.Average():N0} docs/s, best {rates.Max():N0} docs/s ({runs} runs)");
        }

        Console.WriteLine($"loadavg at end {Evidence.EvidenceExperiment.LoadAverage()}");
        return 0;
    }
}

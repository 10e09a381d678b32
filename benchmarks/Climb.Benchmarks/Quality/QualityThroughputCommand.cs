using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Climb.Benchmarks.Quality;

/// <summary>
/// Scoring throughput (documents/second) of the rule-based and trained quality scorers over the whole sample corpus.
/// Usage: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- quality [runs=3] [trained]</c>; with
/// <c>trained</c> only the trained scorer is measured (its labels still come from the rule-based scorer).
/// <c>quality langid …</c> runs <see cref="LanguageIdThroughputCommand"/> (the score stage with and without language
/// identification on 100,000+ documents, beside Lingua and CLD2); <c>quality stage …</c> runs
/// <see cref="StageThroughputCommand"/> (the score stage end to end, reading included, in fresh processes).
/// </summary>
internal static class QualityThroughputCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length > 0 && args[0] == "langid")
        {
            return await LanguageIdThroughputCommand.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "stage")
        {
            return await StageThroughputCommand.RunAsync(args[1..]);
        }

        var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 3;
        var trainedOnly = args.Length > 1 && args[1] == "trained";
        var root = FindRoot();
        var texts = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "data", "sample-corpus"), "*.jsonl.gz").Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
            while (await reader.ReadLineAsync() is { } line)
            {
                using var json = JsonDocument.Parse(line);
                texts.Add(json.RootElement.GetProperty("text").GetString()!);
            }
        }

        var chars = texts.Sum(t => (long)t.Length);
        Console.WriteLine($"sample corpus: {texts.Count} documents, {chars / 1e6:0.0} M characters; {Environment.ProcessorCount} cores; loadavg {LoadAverage()}");

        var watchLoad = Stopwatch.StartNew();
        var rule = new RuleBasedQualityScorer();
        rule.Score("Warm up the language detector so its models are loaded before timing.");
        Console.WriteLine($"language models (27 languages, low accuracy) loaded in {watchLoad.Elapsed.TotalSeconds:0.0} s");
        var single = new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { MaxDegreeOfParallelism = 1 });
        var english = new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { AssumedLanguage = "en" });
        if (!trainedOnly)
        {
            await Measure("rule-based (all cores)", rule, texts, runs);
            await Measure("rule-based (1 thread)", single, texts, runs);
            await Measure("rule-based, no language id", english, texts, runs);
        }

        var sample = texts.Where((_, i) => i % 4 == 0).ToList();
        var labels = await rule.ScoreAsync(sample);
        var annotations = sample.Select((t, i) => new QualityAnnotation(i.ToString(CultureInfo.InvariantCulture), t, labels[i])).ToList();
        var watch = Stopwatch.StartNew();
        var (trained, report) = await TrainedQualityScorer.TrainAsync(annotations, new TrainedQualityScorerOptions { Seed = 1 });
        Console.WriteLine($"trained hashed-linear models on {report.TrainCount} rule-labelled documents in {watch.Elapsed.TotalSeconds:0.0} s; held-out MAE " +
            string.Join(", ", report.Metrics.Select(m => $"{m.Criterion} {m.MeanAbsoluteError:0.000}")));
        await Measure("trained (all cores)", trained, texts, runs);
        await Measure("trained (all cores, 2nd pass)", trained, texts, runs);
        Console.WriteLine($"trained identity: {trained.Identity}");
        Console.WriteLine($"loadavg at end {LoadAverage()}");
        return 0;
    }

    private static async Task Measure(string name, IQualityScorer scorer, List<string> texts, int runs)
    {
        await scorer.ScoreAsync(texts.Take(500).ToList()); // warm-up (JIT, lazy tables)
        var rates = new List<double>();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            await scorer.ScoreAsync(texts);
            rates.Add(texts.Count / watch.Elapsed.TotalSeconds);
        }

        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds;

        // Documents per CPU-second does not depend on how many other processes share the cores: × 2 is what two
        // otherwise idle cores deliver (when scoring parallelises perfectly, which Parallel.For over documents does).
        Console.WriteLine($"{name,-28} mean {rates.Average(),9:N0} docs/s   best {rates.Max(),9:N0} docs/s   ({runs} runs)   {(double)texts.Count * runs / cpuSeconds,9:N0} docs per CPU-second");
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Climb.sln not found");
    }
}

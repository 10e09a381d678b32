using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Climb.Benchmarks.Quality;

/// <summary>
/// Score-stage throughput with and without language identification (issue 24), beside today's identification path
/// (Lingua itself) and CLD2, plus the per-language identification accuracy of docs/quality.md.
/// Usage: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- quality langid [--documents 100000]
/// [--runs 3] [--lingua-documents 10000] [--threads N] [--no-cld2] [--out benchmarks/out]</c>; with
/// <c>--write-corpus PATH</c> it only writes the documents as a JSON-lines corpus (for <c>climb score</c>).
/// </summary>
/// <remarks>
/// Texts: every document of data/sample-corpus and data/multilingual, copied until there are at least
/// <c>--documents</c>; copy r &gt; 0 of a multi-line document has its lines rotated by r, so no two copies are the same
/// text. Scoring runs as the score stage does: batches of 1,024 documents, each scored with
/// <see cref="IQualityScorer.ScoreAsync"/> (a <c>Parallel.For</c> over the batch); corpus reading is not included
/// (<c>quality stage</c>, <see cref="StageThroughputCommand"/>, runs the stage end to end). Model loading is timed once
/// per process, separately. CLD2 runs in
/// benchmarks/peers/cld2_bench (C++, -O3, the same number of threads) on the same texts, whole and as the prefix Climb
/// reads. Accuracy: every 5th sample-corpus document (English) and all 250 texts of each data/multilingual language.
/// </remarks>
internal static class LanguageIdThroughputCommand
{
    private const int BatchSize = 1024;

    public static async Task<int> RunAsync(string[] args)
    {
        var target = IntArg(args, "--documents", 100_000);
        var runs = IntArg(args, "--runs", 3);
        var linguaDocuments = IntArg(args, "--lingua-documents", 10_000);
        var threads = IntArg(args, "--threads", Environment.ProcessorCount);
        var cld2 = !args.Contains("--no-cld2");
        var root = FindRoot();
        var outDir = Path.GetFullPath(StringArg(args, "--out", Path.Combine(root, "benchmarks", "out")));
        Directory.CreateDirectory(outDir);

        Console.WriteLine($"# quality langid  {DateTime.UtcNow:u}  CPU: {CpuModel()}  cores: {Environment.ProcessorCount}  threads: {threads}  {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"# loadavg at start: {LoadAverage()}");

        var sources = await LoadSourcesAsync(root);
        var texts = BuildCorpus(sources, target, out var copies);
        Console.WriteLine($"corpus: {sources.Count:N0} documents (sample corpus + multilingual) x {copies} copies = {texts.Count:N0} documents, {texts.Sum(t => (long)t.Length) / 1e6:0.0} M characters");
        if (StringArg(args, "--write-corpus", string.Empty) is { Length: > 0 } corpusPath)
        {
            // The same documents as a JSON-lines corpus, for `climb score --corpus` (the stage end to end, reading included).
            await WriteCorpusAsync(corpusPath, texts, sources);
            Console.WriteLine($"wrote {corpusPath}");
            return 0;
        }

        var options = new RuleBasedQualityScorerOptions { MaxDegreeOfParallelism = threads };

        // 1. Model loading, paid once per process.
        Console.WriteLine();
        Console.WriteLine("## Model loading (once per process)");
        var fastId = new LanguageIdentifier(options);
        Load("Climb (TrigramLanguageDetector, Lingua's 27 trigram/bigram/unigram models)", fastId);
        var linguaId = new LanguageIdentifier(options, useLingua: true);
        Load("Lingua 2.0.0 low accuracy (today)", linguaId);

        // 2. Identification alone.
        Console.WriteLine();
        Console.WriteLine($"## Language identification alone ({options.LanguageDetectionCharacters}-character prefix)");
        var prefixes = texts.Select(t => LanguageIdentifier.TryPrefix(t, options.LanguageDetectionCharacters, out var p) ? p.ToString() : string.Empty).ToList();
        var fastRates = Measure("Climb, all threads", texts.Count, runs, () => Parallel.For(0, texts.Count, WithThreads(threads), i => fastId.Identify(texts[i])));
        Measure("Climb, 1 thread", texts.Count, 1, () =>
        {
            foreach (var t in texts)
            {
                fastId.Identify(t);
            }
        });
        var linguaStep = Math.Max(1, texts.Count / linguaDocuments);
        var linguaTexts = texts.Where((_, i) => i % linguaStep == 0).Take(linguaDocuments).ToList();
        var linguaRates = Measure($"Lingua (today), all threads, every {linguaStep}th ({linguaTexts.Count:N0})", linguaTexts.Count, 1, () => Parallel.For(0, linguaTexts.Count, WithThreads(threads), i => linguaId.Identify(linguaTexts[i])));

        var agree = 0;
        for (var i = 0; i < linguaTexts.Count; i++)
        {
            agree += fastId.Identify(linguaTexts[i]) == linguaId.Identify(linguaTexts[i]) ? 1 : 0;
        }

        Console.WriteLine($"agreement Climb vs Lingua on those {linguaTexts.Count:N0} documents: {agree:N0} ({100.0 * agree / linguaTexts.Count:0.00} %)");

        // 3. The score stage's scoring loop.
        Console.WriteLine();
        Console.WriteLine("## Rule-based scorer, batches of 1,024 as the score stage (reading excluded)");
        var withId = new RuleBasedQualityScorer(options);
        var withoutId = new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { MaxDegreeOfParallelism = threads, AssumedLanguage = "en" });
        var linguaScorer = new RuleBasedQualityScorer(options, useLingua: true);
        var scoreRates = await MeasureScoringAsync("with language identification", withId, texts, runs);
        var noIdRates = await MeasureScoringAsync("without (AssumedLanguage = en)", withoutId, texts, runs);
        var linguaScoreRates = await MeasureScoringAsync($"today's identification (Lingua), every {linguaStep}th ({linguaTexts.Count:N0})", linguaScorer, linguaTexts, 1);

        // 4. CLD2 on the same texts.
        (double Wall, double Cpu)? cld2Full = null, cld2Prefix = null;
        string[]? cld2Labels = null;
        var labelled = Labelled(sources);
        if (cld2)
        {
            Console.WriteLine();
            Console.WriteLine($"## CLD2 (benchmarks/peers/cld2_bench, {threads} threads)");
            var full = Path.Combine(outDir, "langid-full.bin");
            var prefix = Path.Combine(outDir, "langid-prefix.bin");
            var labels = Path.Combine(outDir, "langid-labelled.bin");
            WriteTexts(full, texts);
            WriteTexts(prefix, prefixes);
            WriteTexts(labels, labelled.Select(l => l.Text));
            cld2Full = RunCld2(root, full, threads, runs, null, "whole documents");
            cld2Prefix = RunCld2(root, prefix, threads, runs, null, $"{options.LanguageDetectionCharacters}-character prefixes");
            var predictions = Path.Combine(outDir, "langid-labelled.cld2.txt");
            if (RunCld2(root, labels, 1, 1, predictions, "labelled texts (for accuracy)") is not null)
            {
                cld2Labels = File.ReadAllLines(predictions);
            }
        }

        // 5. Accuracy, as docs/quality.md measures it.
        Console.WriteLine();
        Console.WriteLine("## Identification accuracy (share identified as the text's language)");
        Accuracy(labelled, options, fastId, linguaId, cld2Labels);

        Console.WriteLine();
        Console.WriteLine("## Summary (wall docs/s: best of runs; CPU: documents per CPU-second of this process)");
        Console.WriteLine("| path | docs/s wall | docs per CPU-second |");
        Console.WriteLine("|---|---:|---:|");
        Row("score, with identification (Climb)", scoreRates);
        Row("score, without identification", noIdRates);
        Row("score, with identification (Lingua, today)", linguaScoreRates);
        Row("identification alone (Climb)", fastRates);
        Row("identification alone (Lingua, today)", linguaRates);
        if (cld2Full is { } f)
        {
            Row("identification alone (CLD2, whole documents)", f);
        }

        if (cld2Prefix is { } p)
        {
            Row("identification alone (CLD2, same prefixes)", p);
        }

        Console.WriteLine($"# loadavg at end: {LoadAverage()}");
        return 0;
    }

    private static void Row(string name, (double Wall, double Cpu) r) =>
        Console.WriteLine($"| {name} | {r.Wall:N0} | {r.Cpu:N0} |");

    private static void Load(string name, LanguageIdentifier identifier)
    {
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        identifier.Preload();
        identifier.Identify("Load the models before anything is timed.");
        var wall = watch.Elapsed.TotalSeconds;
        var cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        var after = GC.GetTotalMemory(true);
        Console.WriteLine($"{name,-75} {wall,6:0.00} s wall, {cpuSeconds,6:0.00} s CPU, {(after - before) / 1e6,7:0} MB managed");
    }

    private static (double Wall, double Cpu) Measure(string name, int count, int runs, Action action)
    {
        action(); // warm-up (JIT, pools)
        var best = 0.0;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            action();
            best = Math.Max(best, count / watch.Elapsed.TotalSeconds);
        }

        process.Refresh();
        var perCpu = (double)count * runs / (process.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"{name,-60} best {best,10:N0} docs/s   {perCpu,10:N0} docs per CPU-second   ({runs} runs, loadavg {LoadAverage()})");
        return (best, perCpu);
    }

    private static async Task<(double Wall, double Cpu)> MeasureScoringAsync(string name, IQualityScorer scorer, List<string> texts, int runs)
    {
        await ScoreAllAsync(scorer, texts.Take(2000).ToList()); // warm-up
        var best = 0.0;
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu = process.TotalProcessorTime;
        for (var r = 0; r < runs; r++)
        {
            var watch = Stopwatch.StartNew();
            await ScoreAllAsync(scorer, texts);
            best = Math.Max(best, texts.Count / watch.Elapsed.TotalSeconds);
        }

        process.Refresh();
        var perCpu = (double)texts.Count * runs / (process.TotalProcessorTime - cpu).TotalSeconds;
        Console.WriteLine($"{name,-60} best {best,10:N0} docs/s   {perCpu,10:N0} docs per CPU-second   ({runs} runs, loadavg {LoadAverage()})");
        return (best, perCpu);
    }

    private static async Task ScoreAllAsync(IQualityScorer scorer, List<string> texts)
    {
        for (var start = 0; start < texts.Count; start += BatchSize)
        {
            await scorer.ScoreAsync(texts.GetRange(start, Math.Min(BatchSize, texts.Count - start)));
        }
    }

    private static void Accuracy(List<(string Domain, string Expected, string Text)> labelled, RuleBasedQualityScorerOptions options, LanguageIdentifier fast, LanguageIdentifier lingua, string[]? cld2)
    {
        var fastCodes = labelled.Select(l => fast.Identify(l.Text).Code).ToArray();
        var linguaCodes = labelled.Select(l => lingua.Identify(l.Text).Code).ToArray();
        Console.WriteLine($"| domain | texts | Climb | Lingua (today) |{(cld2 is null ? string.Empty : " CLD2 (whole text) |")}");
        Console.WriteLine($"|---|---:|---:|---:|{(cld2 is null ? string.Empty : "---:|")}");
        foreach (var group in labelled.Select((l, i) => (l, i)).GroupBy(p => p.l.Domain))
        {
            var idx = group.Select(p => p.i).ToList();
            var expected = group.First().l.Expected;
            Console.WriteLine($"| {group.Key} ({expected}) | {idx.Count} | {Share(idx, fastCodes, expected)} | {Share(idx, linguaCodes, expected)} |{(cld2 is null ? string.Empty : $" {Share(idx, cld2, expected)} |")}");
        }

        var disagreements = fastCodes.Where((c, i) => c != linguaCodes[i]).Count();
        Console.WriteLine($"Climb and Lingua disagree on {disagreements} of {labelled.Count} labelled texts.");

        // The five-language summary of docs/quality.md: 250 texts per language (English: evenly spread sample documents).
        var english = labelled.Select((l, i) => (l, i)).Where(p => p.l.Expected == "en").ToList();
        var step = Math.Max(1, english.Count / 250);
        var five = english.Where((_, k) => k % step == 0).Take(250).Select(p => p.i)
            .Concat(labelled.Select((l, i) => (l, i)).Where(p => p.l.Expected != "en").Select(p => p.i)).ToList();
        Console.WriteLine($"five languages (250 each of en es it ru fr, {five.Count} texts): Climb {Correct(five, fastCodes, labelled)}, Lingua {Correct(five, linguaCodes, labelled)}"
            + (cld2 is null ? string.Empty : $", CLD2 {Correct(five, cld2, labelled)}")
            + $"  (candidates: {options.Languages.Count} languages, prefix {options.LanguageDetectionCharacters})");
    }

    private static string Share(List<int> idx, string[] codes, string expected) =>
        (100.0 * idx.Count(i => codes[i] == expected) / idx.Count).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static string Correct(List<int> idx, string[] codes, List<(string Domain, string Expected, string Text)> labelled) =>
        (100.0 * idx.Count(i => codes[i] == labelled[i].Expected) / idx.Count).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    internal static (double Wall, double Cpu)? RunCld2(string root, string texts, int threads, int runs, string? predictions, string what)
    {
        var script = Path.Combine(root, "benchmarks", "peers", "cld2_bench.sh");
        var info = new ProcessStartInfo("bash", [script, texts, threads.ToString(CultureInfo.InvariantCulture), predictions ?? string.Empty, runs.ToString(CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            Console.WriteLine($"CLD2 peer failed ({what}): {error.Trim()} {output.Trim()}");
            return null;
        }

        Console.WriteLine($"### {what}");
        Console.Write(output);
        double best = 0, cpu = 0;
        foreach (var line in output.Split('\n').Where(l => l.StartsWith("cld2 run", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            best = Math.Max(best, double.Parse(parts[3], CultureInfo.InvariantCulture));
            cpu = Math.Max(cpu, double.Parse(parts[8], CultureInfo.InvariantCulture));
        }

        return (best, cpu);
    }

    /// <summary>Writes the documents as a JSON-lines corpus (id, text, source = the original's file).</summary>
    internal static async Task WriteCorpusAsync(string path, List<string> texts, List<(string Domain, string Text)> sources)
    {
        await using var writer = new StreamWriter(path);
        for (var i = 0; i < texts.Count; i++)
        {
            await writer.WriteLineAsync(JsonSerializer.Serialize(new { id = i.ToString(CultureInfo.InvariantCulture), text = texts[i], source = sources[i % sources.Count].Domain }));
        }
    }

    internal static void WriteTexts(string path, IEnumerable<string> texts)
    {
        using var file = new BinaryWriter(File.Create(path));
        foreach (var text in texts)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            file.Write((uint)bytes.Length);
            file.Write(bytes);
        }
    }

    private static List<(string Domain, string Expected, string Text)> Labelled(List<(string Domain, string Text)> sources)
    {
        var result = new List<(string, string, string)>();
        foreach (var domain in sources.GroupBy(s => s.Domain))
        {
            var expected = domain.Key switch
            {
                "fortunes-es" => "es",
                "fortunes-it" => "it",
                "fortunes-ru" => "ru",
                "debian-faq-fr" => "fr",
                _ => "en",
            };
            var step = expected == "en" ? 5 : 1;
            result.AddRange(domain.Where((_, i) => i % step == 0).Select(d => (domain.Key, expected, d.Text)));
        }

        return result;
    }

    internal static async Task<List<(string Domain, string Text)>> LoadSourcesAsync(string root)
    {
        var result = new List<(string, string)>();
        foreach (var folder in new[] { "sample-corpus", "multilingual" })
        {
            foreach (var file in Directory.GetFiles(Path.Combine(root, "data", folder), "*.jsonl.gz").Order(StringComparer.Ordinal))
            {
                var domain = Path.GetFileName(file)[..^".jsonl.gz".Length];
                using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
                while (await reader.ReadLineAsync() is { } line)
                {
                    using var json = JsonDocument.Parse(line);
                    result.Add((domain, json.RootElement.GetProperty("text").GetString()!));
                }
            }
        }

        return result;
    }

    internal static List<string> BuildCorpus(List<(string Domain, string Text)> sources, int target, out int copies)
    {
        copies = Math.Max(1, (target + sources.Count - 1) / sources.Count);
        var texts = new List<string>(copies * sources.Count);
        for (var r = 0; r < copies; r++)
        {
            foreach (var (_, text) in sources)
            {
                var lines = text.Split('\n');
                texts.Add(r == 0 || lines.Length < 2 ? text : string.Join('\n', lines.Skip(r % lines.Length).Concat(lines.Take(r % lines.Length))));
            }
        }

        return texts;
    }

    private static ParallelOptions WithThreads(int threads) => new() { MaxDegreeOfParallelism = threads };

    internal static int IntArg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    internal static string StringArg(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    internal static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : RuntimeInformation.ProcessArchitecture.ToString();

    internal static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Climb.sln not found");
    }
}

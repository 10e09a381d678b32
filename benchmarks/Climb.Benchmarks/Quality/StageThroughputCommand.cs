using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Climb.Benchmarks.Quality;

/// <summary>
/// The score stage end to end (issue 24): corpus reading and JSON parsing, batching, scoring, writing the scores, each
/// run in a fresh process as <c>climb score</c> runs it, with and without language identification, beside CLD2 on the
/// same texts and beside the <c>climb</c> tool itself (this build, and optionally another one such as main's).
/// Usage: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- quality stage [--documents 100000] [--runs 3]
/// [--threads N] [--no-cld2] [--climb DIR] [--baseline DIR] [--reference-scores FILE] [--out benchmarks/out]</c>.
/// </summary>
/// <remarks>
/// Texts: those of <c>quality langid</c> (<see cref="LanguageIdThroughputCommand"/>), written once as a JSON-lines corpus.
/// Embed and cluster run once (reused after that); each timed run deletes <c>03-score</c> and runs the pipeline to the
/// score stage in a child process (this program with <c>--child</c>, under the <c>climb</c> tool's JIT settings), so
/// every run pays its JIT and reads the corpus as the tool does. The child loads the language models first and reports
/// that time on its own line; the stage's docs/s is the corpus size over the stage's time in the pipeline's stage report.
/// <c>--climb DIR</c> and <c>--baseline DIR</c> (folders holding a built <c>Climb.Cli.dll</c>) also time
/// <c>climb score</c> itself, model loading included, from the stage table it prints. <c>--reference-scores</c> names
/// a <c>scores.f32</c> (for example main's) that every run's scores are compared with byte for byte.
/// </remarks>
internal static partial class StageThroughputCommand
{
    /// <summary>The <c>climb</c> tool's runtime settings (src/Climb.Cli/Climb.Cli.csproj), given to the child processes.</summary>
    private static readonly (string Name, string Value)[] ToolJitSettings = [("DOTNET_TieredPGO", "0"), ("DOTNET_TC_QuickJitForLoops", "0")];

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Contains("--child"))
        {
            return await ChildAsync(args);
        }

        var target = LanguageIdThroughputCommand.IntArg(args, "--documents", 100_000);
        var runs = LanguageIdThroughputCommand.IntArg(args, "--runs", 3);
        var threads = LanguageIdThroughputCommand.IntArg(args, "--threads", Environment.ProcessorCount);
        var root = LanguageIdThroughputCommand.FindRoot();
        var outDir = Path.GetFullPath(LanguageIdThroughputCommand.StringArg(args, "--out", Path.Combine(root, "benchmarks", "out")));
        var work = Path.Combine(outDir, "stage");
        Directory.CreateDirectory(work);
        var reference = LanguageIdThroughputCommand.StringArg(args, "--reference-scores", string.Empty);

        Console.WriteLine($"# quality stage  {DateTime.UtcNow:u}  CPU: {LanguageIdThroughputCommand.CpuModel()}  cores: {Environment.ProcessorCount}  {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"# loadavg at start: {LanguageIdThroughputCommand.LoadAverage()}");
        var sources = await LanguageIdThroughputCommand.LoadSourcesAsync(root);
        var texts = LanguageIdThroughputCommand.BuildCorpus(sources, target, out var copies);
        var corpusPath = Path.Combine(work, $"corpus-{texts.Count}.jsonl");
        if (!File.Exists(corpusPath))
        {
            await LanguageIdThroughputCommand.WriteCorpusAsync(corpusPath + ".tmp", texts, sources);
            File.Move(corpusPath + ".tmp", corpusPath);
        }

        Console.WriteLine($"corpus: {sources.Count:N0} documents x {copies} copies = {texts.Count:N0} documents, {texts.Sum(t => (long)t.Length) / 1e6:0.0} M characters, {new FileInfo(corpusPath).Length / 1e6:0.0} MB of JSON lines ({corpusPath})");

        // Embed and cluster once (the score stage reads the embedding store's document ids); reused afterwards.
        var artifacts = Path.Combine(work, $"artifacts-{texts.Count}");
        var watch = Stopwatch.StartNew();
        await new ClimbPipelineBuilder().WithArtifactsFolder(artifacts).Build().RunUntilAsync(ClimbCorpus.FromFiles([corpusPath]), [], "cluster");
        Console.WriteLine($"embed and cluster ready in {watch.Elapsed.TotalSeconds:0.0} s ({artifacts})");

        var rows = new List<(string Name, (double Load, double Without, double With, double BestWithout) Value)>();
        Console.WriteLine();
        Console.WriteLine("## Score stage in a fresh process per run (the pipeline's stage; model loading timed before it)");
        rows.Add(("score stage, with identification", Runs(runs, texts.Count, loadInStage: false, () => Child(artifacts, corpusPath, null))));
        rows.Add(("score stage, without identification (AssumedLanguage = en)", Runs(runs, texts.Count, loadInStage: false, () => Child(artifacts, corpusPath, "en"))));

        foreach (var (option, label) in new[] { ("--climb", "climb score, this build"), ("--baseline", "climb score, baseline build") })
        {
            if (LanguageIdThroughputCommand.StringArg(args, option, string.Empty) is not { Length: > 0 } dir)
            {
                continue;
            }

            var dll = Path.Combine(Path.GetFullPath(dir), "Climb.Cli.dll");
            var toolArtifacts = Path.Combine(work, $"tool-artifacts-{texts.Count}");
            Console.WriteLine();
            Console.WriteLine($"## {label} ({dll}; stage table seconds, model loading included)");
            Tool(dll, "cluster", corpusPath, toolArtifacts); // embed and cluster once
            rows.Add((label, Runs(runs, texts.Count, loadInStage: true, () => Tool(dll, "score", corpusPath, toolArtifacts))));
        }

        (double Wall, double Cpu)? cld2Full = null, cld2Prefix = null;
        if (!args.Contains("--no-cld2"))
        {
            var options = new RuleBasedQualityScorerOptions();
            var full = Path.Combine(outDir, "langid-full.bin");
            var prefix = Path.Combine(outDir, "langid-prefix.bin");
            LanguageIdThroughputCommand.WriteTexts(full, texts);
            LanguageIdThroughputCommand.WriteTexts(prefix, texts.Select(t => LanguageIdentifier.TryPrefix(t, options.LanguageDetectionCharacters, out var p) ? p.ToString() : string.Empty));
            Console.WriteLine();
            Console.WriteLine($"## CLD2 (benchmarks/peers/cld2_bench, {threads} threads, texts in memory)");
            cld2Full = LanguageIdThroughputCommand.RunCld2(root, full, threads, runs, null, "whole documents");
            cld2Prefix = LanguageIdThroughputCommand.RunCld2(root, prefix, threads, runs, null, $"{options.LanguageDetectionCharacters}-character prefixes");
        }

        Console.WriteLine();
        Console.WriteLine($"## Summary ({texts.Count:N0} documents, median of {runs} runs; docs/s = documents / seconds of the score stage, without and with the model loading)");
        Console.WriteLine("| path | model loading (s) | docs/s, loading apart | docs/s, loading included | best run, loading apart |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, s) in rows)
        {
            Console.WriteLine($"| {name} | {(double.IsNaN(s.Load) ? "in the stage, not reported" : s.Load.ToString("0.00", CultureInfo.InvariantCulture))} | {(double.IsNaN(s.Without) ? "–" : s.Without.ToString("N0", CultureInfo.InvariantCulture))} | {s.With:N0} | {(double.IsNaN(s.BestWithout) ? "–" : s.BestWithout.ToString("N0", CultureInfo.InvariantCulture))} |");
        }

        if (cld2Full is { } f)
        {
            Console.WriteLine($"| identification alone, CLD2, whole documents (texts in memory, best run) | – | {f.Wall:N0} | – | – |");
        }

        if (cld2Prefix is { } p)
        {
            Console.WriteLine($"| identification alone, CLD2, the same prefixes (texts in memory, best run) | – | {p.Wall:N0} | – | – |");
        }

        Console.WriteLine($"# loadavg at end: {LanguageIdThroughputCommand.LoadAverage()}");
        return 0;

        (double Load, double Stage, string Scores) Child(string artifactsFolder, string corpus, string? assume)
        {
            var scoreFolder = Path.Combine(artifactsFolder, "03-score");
            if (Directory.Exists(scoreFolder))
            {
                Directory.Delete(scoreFolder, recursive: true);
            }

            string[] childArgs = [typeof(StageThroughputCommand).Assembly.Location, "quality", "stage", "--child", "--corpus", corpus, "--artifacts", artifactsFolder, .. assume is null ? Array.Empty<string>() : ["--assume", assume]];
            var output = Execute("dotnet", childArgs, ToolJitSettings);
            var match = ChildResult().Match(output);
            if (!match.Success)
            {
                throw new InvalidOperationException("The child run printed no result:\n" + output);
            }

            return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture), ScoresHash(artifactsFolder, compare: assume is null));
        }

        (double Load, double Stage, string Scores) Tool(string dll, string command, string corpus, string artifactsFolder)
        {
            var scoreFolder = Path.Combine(artifactsFolder, "03-score");
            if (Directory.Exists(scoreFolder))
            {
                Directory.Delete(scoreFolder, recursive: true);
            }

            var output = Execute("dotnet", [dll, command, "--corpus", corpus, "--artifacts", artifactsFolder], []);
            if (command != "score")
            {
                return (double.NaN, double.NaN, string.Empty);
            }

            var stage = ToolStageSeconds().Match(output);
            if (!stage.Success)
            {
                throw new InvalidOperationException("climb score printed no score row:\n" + output);
            }

            var load = ToolLoadSeconds().Match(output);
            return (load.Success ? double.Parse(load.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN, double.Parse(stage.Groups[1].Value, CultureInfo.InvariantCulture), ScoresHash(artifactsFolder, compare: true));
        }

        string ScoresHash(string artifactsFolder, bool compare)
        {
            var scores = File.ReadAllBytes(Path.Combine(artifactsFolder, "03-score", "scores.f32"));
            var hash = Convert.ToHexString(SHA256.HashData(scores))[..16];
            return reference.Length == 0 || !compare ? hash : hash + (scores.AsSpan().SequenceEqual(File.ReadAllBytes(reference)) ? ", identical to the reference" : ", DIFFERENT from the reference");
        }
    }

    /// <summary>Runs <paramref name="run"/> <paramref name="runs"/> times and returns the medians of docs/s without and
    /// with the model loading (<paramref name="loadInStage"/>: the stage's seconds include it, as in <c>climb score</c>).</summary>
    private static (double Load, double Without, double With, double BestWithout) Runs(int runs, int documents, bool loadInStage, Func<(double Load, double Stage, string Scores)> run)
    {
        var without = new List<double>();
        var with = new List<double>();
        var loads = new List<double>();
        for (var r = 0; r < runs; r++)
        {
            var (load, stage, scores) = run();
            var known = !double.IsNaN(load);
            var apart = loadInStage ? (known ? documents / (stage - load) : double.NaN) : documents / stage;
            var included = loadInStage ? documents / stage : documents / (stage + load);
            without.Add(apart);
            with.Add(included);
            loads.Add(load);
            Console.WriteLine($"run {r + 1}: model loading {(known ? $"{load:0.00} s" : "in the stage, not reported")}, stage {stage:0.00} s; docs/s {(double.IsNaN(apart) ? "–" : apart.ToString("N0", CultureInfo.InvariantCulture))} loading apart, {included:N0} loading included   scores.f32 {scores}   (loadavg {LanguageIdThroughputCommand.LoadAverage()})");
        }

        return (Median(loads), Median(without), Median(with), without.Max());

        static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    }

    /// <summary>One timed run in this process (started by the parent): load the models, then run the pipeline to the
    /// score stage and print both times.</summary>
    private static async Task<int> ChildAsync(string[] args)
    {
        var corpus = LanguageIdThroughputCommand.StringArg(args, "--corpus", string.Empty);
        var artifacts = LanguageIdThroughputCommand.StringArg(args, "--artifacts", string.Empty);
        var assume = LanguageIdThroughputCommand.StringArg(args, "--assume", string.Empty);
        var scorer = new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { AssumedLanguage = assume.Length == 0 ? null : assume });
        var watch = Stopwatch.StartNew();
        scorer.LoadModels();
        var load = watch.Elapsed.TotalSeconds;
        var reports = await new ClimbPipelineBuilder().WithArtifactsFolder(artifacts).WithQualityScorer(scorer).Build()
            .RunUntilAsync(ClimbCorpus.FromFiles([corpus]), [], "score");
        var score = reports.Single(r => r.Stage == "score");
        if (score.Outcome != StageOutcome.Ran)
        {
            throw new InvalidOperationException($"The score stage was {score.Outcome}, not run.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"RESULT load={load:0.000} stage={score.Elapsed.TotalSeconds:0.000}"));
        return 0;
    }

    private static string Execute(string file, string[] arguments, (string Name, string Value)[] environment)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}):\n{output}\n{error.Result}");
        }

        return output;
    }

    [GeneratedRegex(@"RESULT load=([\d.]+) stage=([\d.]+)")]
    private static partial Regex ChildResult();

    [GeneratedRegex(@"[│|]\s*score\s*[│|]\s*Ran\s*[│|]\s*([\d.]+)\s*[│|]")]
    private static partial Regex ToolStageSeconds();

    [GeneratedRegex(@"language models loaded in ([\d.]+) s")]
    private static partial Regex ToolLoadSeconds();
}

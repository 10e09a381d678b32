using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Climb.Tests.Infrastructure;
using Climb.Tests.Pipeline;

namespace Climb.Tests.ProxyTraining;

/// <summary>Runs <c>climb</c> (the built CLI) for the command proxy's end-to-end tests, kills it mid-run, and reads the journals it leaves.</summary>
internal static class CommandProxyCli
{
    /// <summary>The small run of the tests: 24 clusters, 6 super-clusters, two rounds of 4 and 2 proxies, byte tokens.</summary>
    public static string[] Small(string corpus, string target, string artifacts, string command) =>
    [
        "run", "--corpus", corpus, "--target", target, "--artifacts", artifacts, "--clusters", "24", "--super-clusters", "6", "--budgets", "4,2",
        "--tokenizer", "byte", "--export-tokens", "100000", "--seed", "11", "--proxy", "Command", "--proxy-command", command,
    ];

    /// <summary>Writes the pipeline fixtures' corpus (with each document's source) and the python target as JSON lines.</summary>
    public static async Task<(string Corpus, string Target)> WriteSmallInputsAsync(string dir)
    {
        string corpus = Path.Combine(dir, "corpus.jsonl");
        string target = Path.Combine(dir, "target.jsonl");
        await File.WriteAllLinesAsync(corpus, PipelineFixtures.Corpus.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
        await File.WriteAllLinesAsync(target, PipelineFixtures.Target("python").Texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        return (corpus, target);
    }

    public static Task<ChildProcess.Result> ClimbAsync(string[] args) =>
        ChildProcess.RunAsync("dotnet", [CliInterruptTests.CliDll, .. args], RepoPaths.Root, TimeSpan.FromMinutes(12));

    /// <summary>Runs climb and SIGKILLs the driver alone (its Slurm jobs run on) as soon as <paramref name="when"/> holds; returns its exit code.</summary>
    public static async Task<int> KillWhenAsync(string[] args, Func<bool> when)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = RepoPaths.Root };
        psi.ArgumentList.Add(CliInterruptTests.CliDll);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(12));
        while (!p.HasExited)
        {
            if (when())
            {
                p.Kill(entireProcessTree: false);
                break;
            }

            await Task.Delay(100, limit.Token);
        }

        await p.WaitForExitAsync(limit.Token);
        await stdout;
        await stderr;
        return p.ExitCode;
    }

    public static string Event(JsonObject o) => o["event"]!.GetValue<string>();

    /// <summary>The search journal's proxy lines (results and failures), without its header.</summary>
    public static List<JsonObject> SearchJournal(string artifacts) =>
        File.ReadAllLines(Path.Combine(artifacts, "08-search", "journal.jsonl")).Skip(1).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    /// <summary>The Slurm executor's journal lines about proxy jobs (complete lines only: the driver may be writing).</summary>
    public static List<JsonObject> SlurmJournal(string artifacts) => !Directory.Exists(artifacts)
        ? []
        : Directory.GetFiles(artifacts, "slurm-journal.jsonl", SearchOption.AllDirectories)
            .SelectMany(ReadLines)
            .Select(l => JsonNode.Parse(l) as JsonObject)
            .OfType<JsonObject>()
            .Where(o => o["request"]?.GetValue<string>().StartsWith("proxy-", StringComparison.Ordinal) == true)
            .ToList();

    private static List<string> ReadLines(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var r = new StreamReader(s);
        var lines = new List<string>();
        while (r.ReadLine() is { } line)
        {
            if (line.EndsWith('}'))
            {
                lines.Add(line);
            }
        }

        return lines;
    }
}

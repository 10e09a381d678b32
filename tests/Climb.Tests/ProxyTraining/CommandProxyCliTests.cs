using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Climb.Tests.Execution;
using Climb.Tests.Infrastructure;
using Climb.Tests.Pipeline;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// <c>climb run --proxy Command --proxy-command "…"</c> with the shipped PyTorch sample trainer
/// (samples/ExternalProxy/train_proxy.py; needs python3-torch): locally, on the local Slurm (one job per proxy), and with
/// the driver killed mid-search and run again.
/// </summary>
public class CommandProxyCliTests
{
    [PythonTorchFact]
    public async Task Climb_run_with_the_sample_trainer_completes_locally_with_a_feasible_answer_and_every_proxy_journaled()
    {
        string dir = CommandProxyTestData.TempDir("cli-local");
        var (corpus, target) = await WriteSmallInputsAsync(dir);
        string artifacts = Path.Combine(dir, "artifacts");

        var run = await ClimbAsync([.. Small(corpus, target, artifacts), "--parallel", "2"]);

        Assert.True(run.ExitCode == 0, run.Both);
        Assert.Contains("proxy-data", run.StandardOutput, StringComparison.Ordinal);
        CommandProxyPipelineTests.AssertFeasible(artifacts);
        var results = SearchJournal(artifacts);
        Assert.True(results.Count >= 9, $"{results.Count} runs journaled");
        Assert.All(results, r => Assert.StartsWith("command proxy-", r["proxyConfiguration"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Equal(results.Count, Directory.GetFiles(Path.Combine(artifacts, "08-search", "command"), "outcome.json", SearchOption.AllDirectories).Length);
    }

    [SlurmTorchFact]
    [Trait("Category", "Slurm")]
    public async Task Climb_run_with_the_sample_trainer_runs_one_slurm_job_per_proxy_and_the_journal_names_every_job()
    {
        string dir = ExecutionTestData.TempDir("cli-command-slurm");
        var (corpus, target) = await WriteSmallInputsAsync(dir);
        string artifacts = Path.Combine(dir, "artifacts");

        var run = await ClimbAsync([.. Small(corpus, target, artifacts), "--parallel", "2", "--executor", "Slurm", "--slurm-args", "--job-name=climb-command-test"]);

        Assert.True(run.ExitCode == 0, run.Both);
        CommandProxyPipelineTests.AssertFeasible(artifacts);
        var slurm = SlurmJournal(artifacts);
        var done = slurm.Where(o => o["event"]!.GetValue<string>() == "done").ToDictionary(o => o["request"]!.GetValue<string>(), o => o["job"]!.GetValue<string>());
        var results = SearchJournal(artifacts);
        Assert.All(results, r => Assert.Equal("result", r["kind"]!.GetValue<string>()));
        Assert.True(results.Count >= 9, $"{results.Count} runs journaled");
        Assert.Equal(results.Count, done.Count);
        // Every journaled proxy names the Slurm job that ran it, and each job is one of the executor's.
        var jobs = results.Select(r => Assert.Single(System.Text.RegularExpressions.Regex.Matches(r["device"]!.GetValue<string>(), @"slurm job (\d+) on ")).Groups[1].Value).ToList();
        Assert.Equal(done.Values.Order(), jobs.Order());
    }

    [SlurmTorchFact]
    [Trait("Category", "Slurm")]
    [Trait("Category", "Slow")]
    public async Task On_the_sample_corpus_a_killed_slurm_driver_reattaches_and_ends_with_the_local_answer()
    {
        string dir = ExecutionTestData.TempDir("cli-command-kill");
        string template = PythonTorch.Template(PythonTorch.Python!);
        string[] common = ["run", "--proxy", "Command", "--proxy-command", template, "--budgets", "4,2", "--export-tokens", "20000", "--parallel", "2", "--seed", "11"];

        var local = await ClimbAsync([.. common, "--artifacts", Path.Combine(dir, "local")]);
        Assert.True(local.ExitCode == 0, local.Both);

        string slurm = Path.Combine(dir, "slurm");
        string[] onSlurm = [.. common, "--artifacts", slurm, "--executor", "Slurm", "--slurm-args", "--job-name=climb-command-kill"];
        int killed = await KillWhenAsync(onSlurm, () => SlurmJournal(slurm) is var j && j.Any(o => Event(o) == "done") && j.Count(o => Event(o) == "submit") > j.Count(o => Event(o) == "done"));
        Assert.NotEqual(0, killed);
        var before = SlurmJournal(slurm);
        var submittedBefore = before.Where(o => Event(o) == "submit").Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        Assert.True(submittedBefore.Count > before.Count(o => Event(o) == "done"), "killed while proxies were still running");

        var rerun = await ClimbAsync(onSlurm);
        Assert.True(rerun.ExitCode == 0, rerun.Both);

        var after = SlurmJournal(slurm);
        var submits = after.Where(o => Event(o) is "submit" or "retry").GroupBy(o => o["request"]!.GetValue<string>()).ToList();
        Assert.All(submits, g => Assert.Single(g)); // nothing submitted twice: not the finished, not the running
        Assert.Contains(after, o => Event(o) == "attach");
        Assert.Subset(submittedBefore, after.Where(o => Event(o) == "attach").Select(o => o["job"]!.GetValue<string>()).ToHashSet());
        var journaled = SearchJournal(slurm);
        Assert.Equal(journaled.Count, submits.Count); // one job per journaled proxy
        Assert.All(journaled, r => Assert.Matches(@"slurm job \d+ on ", r["device"]!.GetValue<string>()));
        // The same seed gives the same answer, wherever the proxies ran and however often the driver was killed.
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "local", "weights.json")), File.ReadAllText(Path.Combine(slurm, "weights.json")));
        CommandProxyPipelineTests.AssertFeasible(slurm);
    }

    private static string[] Small(string corpus, string target, string artifacts) =>
    [
        "run", "--corpus", corpus, "--target", target, "--artifacts", artifacts, "--clusters", "24", "--super-clusters", "6", "--budgets", "4,2",
        "--tokenizer", "byte", "--export-tokens", "100000", "--proxy", "Command", "--proxy-command", PythonTorch.Template(PythonTorch.Python!),
    ];

    private static async Task<(string Corpus, string Target)> WriteSmallInputsAsync(string dir)
    {
        string corpus = Path.Combine(dir, "corpus.jsonl");
        string target = Path.Combine(dir, "target.jsonl");
        await File.WriteAllLinesAsync(corpus, PipelineFixtures.Corpus.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
        await File.WriteAllLinesAsync(target, PipelineFixtures.Target("python").Texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        return (corpus, target);
    }

    private static Task<ChildProcess.Result> ClimbAsync(string[] args) =>
        ChildProcess.RunAsync("dotnet", [CliInterruptTests.CliDll, .. args], RepoPaths.Root, TimeSpan.FromMinutes(12));

    private static async Task<int> KillWhenAsync(string[] args, Func<bool> when)
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
                p.Kill(entireProcessTree: false); // SIGKILL of the driver only: its Slurm jobs keep running
                break;
            }

            await Task.Delay(100, limit.Token);
        }

        await p.WaitForExitAsync(limit.Token);
        await stdout;
        await stderr;
        return p.ExitCode;
    }

    private static string Event(JsonObject o) => o["event"]!.GetValue<string>();

    private static List<JsonObject> SearchJournal(string artifacts) =>
        File.ReadAllLines(Path.Combine(artifacts, "08-search", "journal.jsonl")).Skip(1).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    private static List<JsonObject> SlurmJournal(string artifacts) => !Directory.Exists(artifacts)
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

/// <summary>A test that needs the local Slurm (as <see cref="SlurmFactAttribute"/>) and python3 with PyTorch (as <see cref="PythonTorchFactAttribute"/>); skipped with the missing piece named otherwise.</summary>
public sealed class SlurmTorchFactAttribute : FactAttribute
{
    public SlurmTorchFactAttribute()
    {
        Skip = new SlurmFactAttribute().Skip ?? new PythonTorchFactAttribute().Skip;
    }
}

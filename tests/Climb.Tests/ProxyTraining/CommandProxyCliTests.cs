using Climb.Tests.Execution;
using static Climb.Tests.ProxyTraining.CommandProxyCli;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// <c>climb run --proxy Command</c> with the shipped PyTorch sample trainer (samples/ExternalProxy/train_proxy.py; needs
/// python3-torch), locally and on the local Slurm (one job per proxy). Slow (a minute or more each on two busy cores):
/// the default suite runs the same paths with the tests' own trainer (<see cref="CommandProxyKnownFunctionCliTests"/>);
/// docs/external-proxies.md records these runs.
/// </summary>
[Trait("Category", "Slow")]
public class CommandProxyCliTests
{
    [PythonTorchFact]
    public async Task Climb_run_with_the_sample_trainer_completes_locally_with_a_feasible_answer_and_every_proxy_journaled()
    {
        string dir = CommandProxyTestData.TempDir("cli-local");
        var (corpus, target) = await WriteSmallInputsAsync(dir);
        string artifacts = Path.Combine(dir, "artifacts");

        var run = await ClimbAsync([.. Small(corpus, target, artifacts, PythonTorch.Template(PythonTorch.Python!)), "--parallel", "2"]);

        Assert.True(run.ExitCode == 0, run.Both);
        Assert.Matches("│ proxy-data +│ Ran", run.StandardOutput);
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

        var run = await ClimbAsync([.. Small(corpus, target, artifacts, PythonTorch.Template(PythonTorch.Python!)), "--parallel", "2", "--executor", "Slurm", "--slurm-args", "--job-name=climb-command-test"]);

        Assert.True(run.ExitCode == 0, run.Both);
        CommandProxyPipelineTests.AssertFeasible(artifacts);
        var done = SlurmJournal(artifacts).Where(o => Event(o) == "done").ToDictionary(o => o["request"]!.GetValue<string>(), o => o["job"]!.GetValue<string>());
        var results = SearchJournal(artifacts);
        Assert.All(results, r => Assert.Equal("result", r["kind"]!.GetValue<string>()));
        Assert.True(results.Count >= 9, $"{results.Count} runs journaled");
        Assert.Equal(results.Count, done.Count);
        // Every journaled proxy names the Slurm job that ran it, and each job is one of the executor's.
        var jobs = results.Select(r => Assert.Single(System.Text.RegularExpressions.Regex.Matches(r["device"]!.GetValue<string>(), @"slurm job (\d+) on ")).Groups[1].Value).ToList();
        Assert.Equal(done.Values.Order(), jobs.Order());
    }
}

using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Climb.Tests.Execution;

/// <summary>
/// The real <c>climb run --executor Slurm</c> process killed (SIGKILL) mid-search and run again: nothing finished is
/// submitted again, jobs still running are re-attached, and the weights equal an in-process run's.
/// </summary>
[Trait("Category", "Slurm")]
[Trait("Category", "Slow")]
public sealed class SlurmCliTests
{
    [SlurmFact]
    public async Task Killed_climb_run_reattaches_on_rerun_and_ends_with_the_local_weights()
    {
        string dir = ExecutionTestData.TempDir("slurm-cli");
        // The bundled sample corpus and target (the CLI's defaults): a small custom corpus makes the n-gram proxy's
        // objective infinite for sparse mixtures, which is not what this test is about.
        string[] common = ["run", "--budgets", "4,4", "--proxy", "NGram", "--export-tokens", "20000", "--parallel", "4", "--seed", "7"];

        var (localExit, localOut) = await RunAsync([.. common, "--artifacts", Path.Combine(dir, "local")]);
        Assert.True(localExit == 0, localOut);

        string slurm = Path.Combine(dir, "slurm");
        string[] onSlurm = [.. common, "--artifacts", slurm, "--executor", "Slurm", "--slurm-args", "--job-name=climb-cli-test"];
        var (killedExit, _) = await RunAsync(onSlurm, killWhen: () => Journal(slurm) is var j && j.Any(o => Event(o) == "done") && j.Count(o => Event(o) == "submit") > j.Count(o => Event(o) == "done"));
        Assert.NotEqual(0, killedExit);
        var before = Journal(slurm);
        var submittedBefore = before.Where(o => Event(o) == "submit").Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        var finishedBefore = before.Where(o => Event(o) == "done").Select(Request).ToHashSet();
        Assert.True(submittedBefore.Count > finishedBefore.Count, "killed while proxies were still running");

        var (exit, output) = await RunAsync(onSlurm);
        Assert.True(exit == 0, output);

        var after = Journal(slurm);
        var submitsPerRequest = after.Where(o => Event(o) == "submit" || Event(o) == "retry").GroupBy(Request).ToList();
        Assert.All(submitsPerRequest, g => Assert.Single(g)); // nothing submitted twice: not the finished, not the running
        var attached = after.Where(o => Event(o) == "attach").Select(o => o["job"]!.GetValue<string>()).ToList();
        Assert.NotEmpty(attached);
        Assert.Subset(submittedBefore, attached.ToHashSet());
        // 17 proxy runs (4 + 4 of the two rounds, 3 replicates that measure the proxy's noise, and the confirmation round's
        // 2 candidates × 3 fresh seeds), each with one result file (a job that finished after the kill is found by its
        // result, without an event).
        Assert.Equal(17, Directory.GetFiles(slurm, "proxy-*.result.json", SearchOption.AllDirectories).Length);
        Assert.Equal(17, submitsPerRequest.Count);
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "local", "weights.json")), File.ReadAllText(Path.Combine(slurm, "weights.json")));
    }

    private static string Event(JsonObject o) => o["event"]!.GetValue<string>();

    private static string Request(JsonObject o) => o["request"]!.GetValue<string>();

    private static List<JsonObject> Journal(string artifacts) => ProxyTraining.CommandProxyCli.SlurmJournal(artifacts);

    private static async Task<(int Exit, string Output)> RunAsync(string[] args, Func<bool>? killWhen = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(SlurmTestCommands.CliDll!);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        while (!p.HasExited)
        {
            if (killWhen is not null && killWhen())
            {
                p.Kill(entireProcessTree: false); // SIGKILL: no scancel, no cleanup; its Slurm jobs keep running
                break;
            }

            await Task.Delay(100, limit.Token);
        }

        await p.WaitForExitAsync(limit.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}

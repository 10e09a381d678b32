using Climb.Tests.Execution;
using static Climb.Tests.ProxyTraining.CommandProxyCli;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// <c>climb run --proxy Command --proxy-command "…"</c> end to end with the tests' own trainer (<see cref="KnownFunctionTrainer"/>,
/// a known function of the mixture read from the data folder): locally with parallel proxies, and on the local Slurm
/// with the driver killed mid-search and run again.
/// </summary>
public class CommandProxyKnownFunctionCliTests
{
    [PythonFact]
    public async Task Climb_run_with_parallel_command_proxies_journals_every_proxy_and_answers_near_the_known_optimum()
    {
        string dir = CommandProxyTestData.TempDir("cli-known");
        var (corpus, target) = await WriteSmallInputsAsync(dir);
        string artifacts = Path.Combine(dir, "artifacts");

        var run = await ClimbAsync([.. Small(corpus, target, artifacts, KnownFunctionTrainer.Template()), "--parallel", "2"]);

        Assert.True(run.ExitCode == 0, run.Both);
        Assert.Matches("│ proxy-data +│ Ran", run.StandardOutput);
        CommandProxyPipelineTests.AssertFeasible(artifacts);
        var journal = SearchJournal(artifacts);
        Assert.True(journal.Count >= 9, $"{journal.Count} runs journaled");
        Assert.All(journal, r =>
        {
            Assert.Equal("result", r["kind"]!.GetValue<string>());
            Assert.Equal("known-function", r["device"]!.GetValue<string>());
            Assert.StartsWith("command proxy-", r["proxyConfiguration"]!.GetValue<string>(), StringComparison.Ordinal);
        });
        Assert.Equal(journal.Count, Directory.GetFiles(Path.Combine(artifacts, "08-search", "command"), "outcome.json", SearchOption.AllDirectories).Length);
        AssertNearOptimum(artifacts);

        // --target-tokens and --max-repetition bound each weight by tokens_i × R / T (the search runs again; the data is reused).
        long[] tokens = Tokens(artifacts);
        long targetTokens = tokens.Sum() * 3 / 4; // R = 1.5: bounds of about 2/6 each, so they bind
        var bounded = await ClimbAsync([.. Small(corpus, target, artifacts, KnownFunctionTrainer.Template()), "--parallel", "2", "--target-tokens", targetTokens.ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-repetition", "1.5"]);
        Assert.True(bounded.ExitCode == 0, bounded.Both);
        Assert.Matches("│ proxy-data +│ Reused", bounded.StandardOutput);
        var (_, weights, maxWeights) = KnownFunctionTrainer.Answer(artifacts);
        Assert.Equal(tokens.Select(t => Math.Min(1, t * 1.5 / targetTokens)), maxWeights, (a, b) => Math.Abs(a - b) < 1e-9);
        Assert.Contains(maxWeights, m => m < 1);
        Assert.All(weights.Zip(maxWeights), p => Assert.True(p.First <= p.Second + 1e-9, $"{p.First} > {p.Second}"));

        // A budget no mixture can meet is an error before any proxy runs, naming the flags and the largest feasible budget.
        var infeasible = await ClimbAsync([.. Small(corpus, target, artifacts, KnownFunctionTrainer.Template()), "--target-tokens", (tokens.Sum() * 3).ToString(System.Globalization.CultureInfo.InvariantCulture), "--max-repetition", "2"]);
        Assert.NotEqual(0, infeasible.ExitCode);
        string message = System.Text.RegularExpressions.Regex.Replace(infeasible.Both, @"\s+", " "); // the console wraps long lines
        Assert.Contains(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"the largest feasible budget is {tokens.Sum() * 2:N0} tokens"), message, StringComparison.Ordinal);
        Assert.Contains("(--target-tokens, --max-repetition)", message, StringComparison.Ordinal);
        Assert.DoesNotContain("round 1 done", message, StringComparison.Ordinal); // before any proxy ran

        // --no-feasibility lifts the bounds.
        var off = await ClimbAsync([.. Small(corpus, target, artifacts, KnownFunctionTrainer.Template()), "--parallel", "2", "--target-tokens", (tokens.Sum() * 3).ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-feasibility"]);
        Assert.True(off.ExitCode == 0, off.Both);
        Assert.All(KnownFunctionTrainer.Answer(artifacts).MaxWeights, m => Assert.Equal(1.0, m));
    }

    private static long[] Tokens(string artifacts) =>
        System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "07-proxy-data", "data.json")))!["super_clusters"]!.AsArray().Select(c => c!["tokens"]!.GetValue<long>()).ToArray();

    [SlurmPythonFact]
    [Trait("Category", "Slurm")]
    public async Task A_killed_slurm_driver_reattaches_to_its_running_jobs_and_ends_with_the_local_answer()
    {
        string dir = ExecutionTestData.TempDir("cli-known-kill");
        var (corpus, target) = await WriteSmallInputsAsync(dir);
        string release = Path.Combine(dir, "release");
        string command = KnownFunctionTrainer.Template(waitFor: release); // each proxy waits for the release file
        string local = Path.Combine(dir, "local"), slurm = Path.Combine(dir, "slurm");
        await File.WriteAllTextAsync(release, string.Empty);
        var localRun = await ClimbAsync([.. Small(corpus, target, local, command), "--parallel", "2"]);
        Assert.True(localRun.ExitCode == 0, localRun.Both);

        // On Slurm the first two proxies' jobs wait for the release file; the driver is killed while they run.
        File.Delete(release);
        string[] onSlurm = [.. Small(corpus, target, slurm, command), "--parallel", "2", "--executor", "Slurm", "--slurm-args", "--job-name=climb-command-kill"];
        int killed = await KillWhenAsync(onSlurm, () => SlurmJournal(slurm).Count(o => Event(o) == "submit") >= 2);
        Assert.NotEqual(0, killed);
        var submittedBefore = SlurmJournal(slurm).Where(o => Event(o) == "submit").Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(2, submittedBefore.Count);

        // Run again: it re-attaches to both running jobs; then they are released and the search finishes.
        var rerunning = ClimbAsync(onSlurm);
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            while (!rerunning.IsCompleted && SlurmJournal(slurm).Count(o => Event(o) == "attach") < submittedBefore.Count)
            {
                await Task.Delay(200, limit.Token);
            }
        }

        await File.WriteAllTextAsync(release, string.Empty);
        var rerun = await rerunning;
        Assert.True(rerun.ExitCode == 0, rerun.Both);

        var after = SlurmJournal(slurm);
        var submits = after.Where(o => Event(o) is "submit" or "retry").GroupBy(o => o["request"]!.GetValue<string>()).ToList();
        Assert.All(submits, g => Assert.Single(g)); // nothing submitted twice: not the finished, not the running
        var attached = after.Where(o => Event(o) == "attach").Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        Assert.True(submittedBefore.SetEquals(attached), $"attached to {string.Join(", ", attached)}, the killed run had submitted {string.Join(", ", submittedBefore)}");
        // The journal names every job: each proxy's line names the Slurm job that ran it, one job per proxy.
        var journal = SearchJournal(slurm);
        Assert.All(journal, r => Assert.Equal("result", r["kind"]!.GetValue<string>()));
        var jobs = journal.Select(r => Assert.Single(System.Text.RegularExpressions.Regex.Matches(r["device"]!.GetValue<string>(), @"slurm job (\d+) on ")).Groups[1].Value).ToList();
        Assert.Equal(jobs.Count, jobs.Distinct().Count());
        Assert.Equal(submits.Select(g => g.Single()["job"]!.GetValue<string>()).Order(), jobs.Order());
        // The same seed gives the same answer, wherever the proxies ran and however often the driver was killed.
        var (names, weights, _) = KnownFunctionTrainer.Answer(local);
        var (slurmNames, slurmWeights, _) = KnownFunctionTrainer.Answer(slurm);
        Assert.Equal(names, slurmNames);
        Assert.Equal(weights, slurmWeights);
        CommandProxyPipelineTests.AssertFeasible(slurm);
        AssertNearOptimum(slurm);
    }

    /// <summary>The answer closes at least half of the gap between the optimum of f and f at the uniform mixture and at the prior (token shares).</summary>
    private static void AssertNearOptimum(string artifacts)
    {
        string data = Path.Combine(artifacts, "07-proxy-data");
        double[] shares = KnownFunctionTrainer.SourceShares(data, "python");
        var (_, weights, maxWeights) = KnownFunctionTrainer.Answer(artifacts);
        long[] tokens = Tokens(artifacts);
        double optimum = KnownFunctionTrainer.Optimum(shares, maxWeights);
        double answer = KnownFunctionTrainer.Value(weights, shares);
        double uniform = KnownFunctionTrainer.Value(shares.Select(_ => 1.0 / shares.Length).ToArray(), shares);
        double prior = KnownFunctionTrainer.Value(tokens.Select(t => t / (double)tokens.Sum()).ToArray(), shares);
        Assert.True(answer >= optimum - 1e-9, $"f(answer) {answer} below the optimum {optimum}: the optimum is wrong");
        Assert.True(answer - optimum <= 0.5 * (Math.Min(uniform, prior) - optimum), $"f(answer) {answer:F4}, optimum {optimum:F4}, uniform {uniform:F4}, prior {prior:F4}; shares {string.Join(", ", shares.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}, weights {string.Join(", ", weights.Select(s => s.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
    }
}

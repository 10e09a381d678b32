using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Climb.Tests.ProxyTraining;

public class CommandProxyTrainerTests
{
    private static readonly string[] Names = ["0: bible god lord", "1: python def return", "2: fortunes love life"];

    [Fact]
    public async Task Runs_the_command_with_the_mixture_by_name_and_reads_its_result()
    {
        string dir = CommandProxyTestData.TempDir("runs");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        var trainer = Trainer(CommandProxyTestData.ValidResult, data, dir);

        var result = await trainer.TrainAsync(CommandProxyTestData.Request(store, targets, seed: 9, weights: [0.5, 0.3, 0.2]));

        Assert.Equal(1.25, result.Objective);
        Assert.Equal(ObjectiveGoal.Minimize, result.Goal);
        Assert.Equal(2, result.Metrics["m"]);
        Assert.Equal(7, result.TokensTrained);
        Assert.Equal([0.5, 0.3, 0.2], result.Mixture.ToArray());
        string attempt = Directory.GetDirectories(Path.Combine(dir, "work"), "attempt-*", SearchOption.AllDirectories).Single();
        var mixture = JsonNode.Parse(File.ReadAllText(Path.Combine(attempt, "result.json.mixture")))!.AsObject();
        var weights = mixture["weights"]!.AsObject();
        Assert.Equal(Names, weights.Select(p => p.Key));
        Assert.Equal([0.5, 0.3, 0.2], weights.Select(p => p.Value!.GetValue<double>()));
        Assert.Equal(9, mixture["seed"]!.GetValue<int>());
        Assert.Equal(data, mixture["data"]!.GetValue<string>());
        Assert.Contains(Path.GetFileName(attempt), result.ProxyConfiguration, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_super_cluster_name_full_of_shell_metacharacters_never_reaches_the_command_line()
    {
        // Names are built from document terms: plant one that would run commands if it were ever pasted into a command line.
        string planted = "0: $(touch PWNED1); `touch PWNED2` | touch PWNED3 && touch PWNED4 ' \" {output} {{ } \\ * ~ > PWNED5 \n touch PWNED6 #";
        string dir = CommandProxyTestData.TempDir("metacharacters");
        string cwd = Directory.CreateDirectory(Path.Combine(dir, "cwd")).FullName;
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, [planted, Names[1], Names[2]]);
        string command = "printf '%s\\n' {mixture} {data} {output} {seed} > {output}.args; " + CommandProxyTestData.ValidResult;
        var trainer = new CommandProxyTrainer(new CommandProxyTrainerOptions { Command = command, DataFolder = data, WorkDirectory = Path.Combine(dir, "work"), WorkingDirectory = cwd });

        var result = await trainer.TrainAsync(CommandProxyTestData.Request(store, targets, seed: 3, weights: [0.2, 0.3, 0.5]));

        // Nothing ran but the template: no file the name asks for exists anywhere under the test's folders.
        Assert.Empty(Directory.GetFiles(dir, "PWNED*", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetFiles(cwd));
        string attempt = Directory.GetDirectories(Path.Combine(dir, "work"), "attempt-*", SearchOption.AllDirectories).Single();
        string line = File.ReadAllText(Path.Combine(attempt, "command.sh"));
        Assert.DoesNotContain("PWNED", line, StringComparison.Ordinal);
        Assert.DoesNotContain("touch", line, StringComparison.Ordinal);
        // The command received exactly its four values: three paths Climb made and the seed.
        string mixturePath = Path.Combine(attempt, "mixture.json");
        string output = Path.Combine(attempt, "result.json");
        Assert.Equal($"{mixturePath}\n{data}\n{output}\n3\n", File.ReadAllText(output + ".args"));
        // The name reached the trainer, exactly, only inside the JSON file; the result is the trainer's.
        var weights = JsonNode.Parse(File.ReadAllText(mixturePath))!["weights"]!.AsObject();
        Assert.Equal(0.2, weights[planted]!.GetValue<double>());
        Assert.Equal(1.25, result.Objective);
    }

    [Fact]
    public async Task A_non_zero_exit_is_a_failed_proxy_with_the_tail_of_its_standard_error()
    {
        string dir = CommandProxyTestData.TempDir("exit");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        string command = "for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do echo \"line $i\" >&2; done; echo 'CUDA out of memory' >&2; exit 3; : {mixture} {output}";
        var trainer = Trainer(command, data, dir);

        var ex = await Assert.ThrowsAsync<ProxyRunFailedException>(() => trainer.TrainAsync(CommandProxyTestData.Request(store, targets)));

        Assert.Contains("exited with code 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 25 | CUDA out of memory", ex.Message, StringComparison.Ordinal);
        Assert.Contains("line 7 |", ex.Message, StringComparison.Ordinal); // the last 20 lines: 7 … 25 and the error
        Assert.DoesNotContain("line 6 |", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true", "wrote no result file")]
    [InlineData("printf 'not json' > {output}", "is not valid JSON")]
    [InlineData("printf '{\"objective\": NaN, \"goal\": \"minimize\"}' > {output}", "NaN and Infinity are not JSON")]
    [InlineData("printf '{\"objective\": \"low\", \"goal\": \"minimize\"}' > {output}", "has \"objective\": \"low\", not a finite number")]
    [InlineData("printf '{\"objective\": 1.5}' > {output}", "has no \"goal\"")]
    [InlineData("printf '{\"objective\": 1.5, \"goal\": \"lower\"}' > {output}", "has \"goal\": \"lower\", not \"minimize\" or \"maximize\"")]
    [InlineData("printf '{\"objective\": 1.5, \"goal\": \"minimize\", \"metrics\": {\"acc\": \"high\"}}' > {output}", "has metric \"acc\": \"high\", not a finite number")]
    [InlineData("printf '[1, 2]' > {output}", "is a JSON array")]
    public async Task A_malformed_result_file_is_a_failed_proxy_naming_what_is_wrong(string write, string expected)
    {
        string dir = CommandProxyTestData.TempDir("malformed");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        var trainer = Trainer("echo 'about to write' >&2; " + write + "; : {mixture} {output}", data, dir);

        var ex = await Assert.ThrowsAsync<ProxyRunFailedException>(() => trainer.TrainAsync(CommandProxyTestData.Request(store, targets)));

        Assert.Contains("exited with code 0 but", ex.Message, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Contains("about to write", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_command_that_runs_too_long_is_killed_with_its_children_and_fails_its_proxy()
    {
        string dir = CommandProxyTestData.TempDir("timeout");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        string pidFile = Path.Combine(dir, "sleeper.pid");
        var trainer = new CommandProxyTrainer(new CommandProxyTrainerOptions
        {
            Command = $"echo started >&2; sleep 120 & echo $! > '{pidFile}'; wait; : {{mixture}} {{output}}",
            DataFolder = data,
            WorkDirectory = Path.Combine(dir, "work"),
            Timeout = TimeSpan.FromSeconds(2),
        });

        var clock = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<ProxyRunFailedException>(() => trainer.TrainAsync(CommandProxyTestData.Request(store, targets)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
        Assert.Contains("timed out after 2 s and was killed", ex.Message, StringComparison.Ordinal);
        Assert.Contains("started", ex.Message, StringComparison.Ordinal);
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Alive(pid), $"the command's child {pid} still runs");
    }

    [Fact]
    public async Task Cancelling_kills_the_command_and_cancels_the_run()
    {
        string dir = CommandProxyTestData.TempDir("cancel");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        string pidFile = Path.Combine(dir, "sleeper.pid");
        var trainer = Trainer($"sleep 120 & echo $! > '{pidFile}'; wait; : {{mixture}} {{output}}", data, dir);
        using var cts = new CancellationTokenSource();
        var run = trainer.TrainAsync(CommandProxyTestData.Request(store, targets), null, cts.Token);
        for (int i = 0; i < 600 && !File.Exists(pidFile); i++)
        {
            await Task.Delay(100);
        }

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.False(Alive(pid), $"the command's child {pid} still runs");
    }

    [Fact]
    public async Task A_finished_proxy_is_not_trained_again_and_a_failed_one_is()
    {
        string dir = CommandProxyTestData.TempDir("reuse");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        string counter = Path.Combine(dir, "runs.txt");
        var trainer = Trainer($"echo run >> '{counter}'; " + CommandProxyTestData.ValidResult, data, dir);

        var first = await trainer.TrainAsync(CommandProxyTestData.Request(store, targets, seed: 4));
        var again = await Trainer($"echo run >> '{counter}'; " + CommandProxyTestData.ValidResult, data, dir).TrainAsync(CommandProxyTestData.Request(store, targets, seed: 4));
        var otherSeed = await trainer.TrainAsync(CommandProxyTestData.Request(store, targets, seed: 5));

        Assert.Equal(first.Objective, again.Objective);
        Assert.Equal(first.ProxyConfiguration, again.ProxyConfiguration);
        Assert.Equal(2, File.ReadAllLines(counter).Length); // seed 4 once, seed 5 once
        Assert.NotEqual(first.ProxyConfiguration, otherSeed.ProxyConfiguration);
    }

    [Fact]
    public async Task A_data_folder_of_other_data_or_other_targets_is_refused_as_a_configuration_error()
    {
        string dir = CommandProxyTestData.TempDir("mismatch");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, Names);
        var (otherStore, _, _) = await CommandProxyTestData.CreateAsync(Path.Combine(dir, "other"), Names, documents: 30);
        var trainer = Trainer(CommandProxyTestData.ValidResult, data, dir);

        var tokens = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(CommandProxyTestData.Request(otherStore, targets)));
        Assert.Contains("does not hold the proxies' data", tokens.Message, StringComparison.Ordinal);
        var other = new TextTarget("other", ["some other text to score"]);
        var target = await Assert.ThrowsAsync<ArgumentException>(() => trainer.TrainAsync(CommandProxyTestData.Request(store, [other])));
        Assert.Contains("holds the texts of other evaluation targets", target.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new CommandProxyTrainer(new CommandProxyTrainerOptions { Command = CommandProxyTestData.ValidResult })
            .TrainAsync(CommandProxyTestData.Request(store, targets)).GetAwaiter().GetResult());
    }

    private static CommandProxyTrainer Trainer(string command, string data, string dir) => new(new CommandProxyTrainerOptions
    {
        Command = command,
        DataFolder = data,
        WorkDirectory = Path.Combine(dir, "work"),
    });

    private static bool Alive(int pid)
    {
        // A killed child may linger a moment as a zombie until reaped: give it a few seconds, then look at its state.
        for (int i = 0; i < 50; i++)
        {
            string stat = Path.Combine("/proc", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "stat");
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z")
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }
}

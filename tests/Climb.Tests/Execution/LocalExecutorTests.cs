using System.Text.Json.Nodes;

namespace Climb.Tests.Execution;

public sealed class LocalExecutorTests
{
    [Fact]
    public async Task Proxy_run_through_request_files_equals_the_direct_run()
    {
        string dir = ExecutionTestData.TempDir("local-proxy");
        var (store, targets) = await ExecutionTestData.ProxyInputsAsync(dir);
        using var _ = store;
        var mixture = new MixtureWeights([0.2, 0.5, 0.3]);
        var direct = await new KneserNeyProxyTrainer(ExecutionTestData.NGram()).TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 11, Data = store, Targets = targets });
        var viaFiles = new ExecutorProxyTrainer(ProxyTrainerSpec.NGram(ExecutionTestData.NGram()), new LocalExecutor(), Path.Combine(dir, "work"));

        var first = await viaFiles.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 11, Data = store, Targets = targets });

        Assert.Equal(direct.Objective, first.Objective);
        Assert.Equal(direct.Metrics.OrderBy(k => k.Key), first.Metrics.OrderBy(k => k.Key));
        Assert.Equal(direct.TokensTrained, first.TokensTrained);
        Assert.Equal(direct.Goal, first.Goal);
        Assert.Equal(mixture, first.Mixture);
        string request = Assert.Single(Directory.GetFiles(Path.Combine(dir, "work"), "proxy-*.request.json"));
        Assert.True(File.Exists(WorkRequest.ResultPathOf(request)));

        // Another seed is another request; the same mixture and seed finds the result file and trains nothing.
        var other = await viaFiles.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 12, Data = store, Targets = targets });
        Assert.NotEqual(first.Objective, other.Objective);
        DateTime written = File.GetLastWriteTimeUtc(WorkRequest.ResultPathOf(request));
        var again = await viaFiles.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 11, Data = store, Targets = targets });
        Assert.Equal(first.Objective, again.Objective);
        Assert.Equal(written, File.GetLastWriteTimeUtc(WorkRequest.ResultPathOf(request)));
        Assert.Equal(2, Directory.GetFiles(Path.Combine(dir, "work"), "proxy-*.result.json").Length);
    }

    [Fact]
    public async Task Sharded_assignment_equals_the_clusterers_assignment()
    {
        string dir = ExecutionTestData.TempDir("local-assign");
        using var store = await ExecutionTestData.EmbeddingsAsync(dir, rows: 1000, dimension: 16, shardSize: 300);
        var clustering = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 6, Seed = 3, Device = ComputeDevice.Cpu }).ClusterAsync(store);

        var sharded = await ShardedAssignment.AssignAsync(store, clustering.Centroids, spherical: new KMeansClustererOptions().Spherical, Path.Combine(dir, "work"), new LocalExecutor(new LocalExecutorOptions { MaxDegreeOfParallelism = 2 }), shardRows: 170);

        Assert.Equal(clustering.Assignments, sharded.Assignments);
        Assert.Equal(clustering.Sizes, sharded.Sizes);
        Assert.Equal(clustering.Inertia, sharded.Inertia, 1e-6 * clustering.Inertia);
        Assert.True(clustering.Sizes.Count(s => s > 0) >= 4, "the data has several clusters, so equal assignments are not trivial");
        Assert.Equal(6, Directory.GetFiles(Path.Combine(dir, "work"), "assign-*.labels.i32").Length); // ceil(1000 / 170) shards
    }

    [Fact]
    public async Task A_request_that_is_not_on_this_nodes_storage_is_refused_with_a_clear_message()
    {
        string missing = Path.Combine(ExecutionTestData.TempDir("missing"), "not-shared", "proxy-0.request.json");
        var ex = await Assert.ThrowsAsync<WorkRequestNotFoundException>(() => new WorkRunner().RunAsync(missing));
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
        Assert.Contains("every node sees", ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist on this node", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_request_leaves_an_error_file_and_no_result()
    {
        string dir = ExecutionTestData.TempDir("error");
        var request = WorkRequest.Create(dir, "proxy", "proxy-broken", new JsonObject { ["tokens"] = dir, ["targets"] = Path.Combine(dir, "none.json") });
        await Assert.ThrowsAsync<WorkRequestNotFoundException>(() => new LocalExecutor().ExecuteAsync(request));
        Assert.False(File.Exists(request.ResultPath));
        Assert.Contains("none.json", File.ReadAllText(request.ErrorPath), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Slurm_executor_without_sbatch_on_path_says_so_before_submitting()
    {
        string dir = ExecutionTestData.TempDir("nosbatch");
        var request = WorkRequest.Create(dir, "proxy", "proxy-x", new JsonObject());
        var executor = new SlurmExecutor(new SlurmExecutorOptions { BinDirectory = Path.Combine(dir, "bin-without-slurm") });
        var ex = await Assert.ThrowsAsync<SlurmSetupException>(() => executor.ExecuteAsync(request));
        Assert.Contains("'sbatch' was not found", ex.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "slurm-journal.jsonl")));
    }

    [Theory]
    [InlineData("--qos=high --constraint=a100", new[] { "--qos=high", "--constraint=a100" })]
    [InlineData("--comment=\"climb run\"  -x 'node 1'", new[] { "--comment=climb run", "-x", "node 1" })]
    [InlineData("", new string[0])]
    public void Sbatch_arguments_split_like_a_shell(string text, string[] expected) =>
        Assert.Equal(expected, SlurmExecutorOptions.ParseArguments(text));

    [Fact]
    public void An_unclosed_quote_in_sbatch_arguments_is_an_error() =>
        Assert.Throws<ArgumentException>(() => SlurmExecutorOptions.ParseArguments("--comment=\"oops"));
}

public sealed class ProxyWorkFilesTests
{
    [Fact]
    public void Non_finite_objectives_and_metrics_survive_the_result_file()
    {
        var result = new ProxyResult
        {
            Mixture = new MixtureWeights([0.5, 0.5]),
            Seed = 3,
            Objective = double.PositiveInfinity,
            Goal = ObjectiveGoal.Minimize,
            Metrics = new Dictionary<string, double> { ["target:a/loss"] = double.PositiveInfinity, ["mc:b/acc"] = double.NaN, ["x"] = 0.1 + 0.2 },
            TokensTrained = 1234,
            Elapsed = TimeSpan.FromSeconds(1.5),
            Device = "cpu",
            ProxyConfiguration = "test",
        };
        string text = ProxyWorkFiles.ResultToJson(result).ToJsonString(WorkFiles.Json);

        var back = ProxyWorkFiles.ResultFromJson(JsonNode.Parse(text)!.AsObject(), result.Mixture, 3, "77", "node1");

        Assert.Equal(double.PositiveInfinity, back.Objective);
        Assert.True(double.IsNaN(back.Metrics["mc:b/acc"]));
        Assert.Equal(0.1 + 0.2, back.Metrics["x"]); // doubles round-trip exactly
        Assert.Equal("cpu (slurm job 77 on node1)", back.Device);
        Assert.Equal(1234, back.TokensTrained);
    }
}

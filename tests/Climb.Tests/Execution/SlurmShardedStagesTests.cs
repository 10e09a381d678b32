using System.Text.Json.Nodes;

namespace Climb.Tests.Execution;

/// <summary>
/// Embedding and k-means assignment as Slurm job arrays on the real local Slurm (scripts/slurm/start.sh): the same store
/// bytes, assignments, sizes and inertia as in process, with the job ids in the journal and Slurm confirming the jobs ran.
/// </summary>
[Trait("Category", "Slurm")]
public sealed class SlurmShardedStagesTests
{
    private static string JobName() => "climb-test-" + Guid.NewGuid().ToString("N")[..6];

    private static List<JsonObject> Journal(string workDir) => File.Exists(Path.Combine(workDir, "slurm-journal.jsonl"))
        ? File.ReadAllLines(Path.Combine(workDir, "slurm-journal.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList()
        : [];

    private static List<string> Jobs(string workDir, string ev) =>
        Journal(workDir).Where(o => o["event"]!.GetValue<string>() == ev).Select(o => o["job"]!.GetValue<string>()).ToList();

    /// <summary>Asserts that Slurm ran the jobs to completion (scontrol while it remembers them) and that each result file names its job.</summary>
    private static void AssertRanOnSlurm(string workDir, string pattern, IReadOnlyList<string> jobs)
    {
        foreach (string job in jobs)
        {
            var (exit, show) = SlurmTestCommands.ShowFinishedJob(job);

            Assert.True(exit == 0 && show.Contains("JobState=COMPLETED", StringComparison.Ordinal), $"job {job}: {show}");
        }

        var recorded = Directory.GetFiles(workDir, pattern).Select(f => JsonNode.Parse(File.ReadAllText(f))!["job"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(jobs.Order(StringComparer.Ordinal), recorded);
    }

    [SlurmFact]
    public async Task Embedding_shards_as_a_job_array_write_the_in_process_store_byte_for_byte()
    {
        string dir = ExecutionTestData.TempDir("slurm-embed");
        var docs = ShardedStagesTests.Documents(120);
        var fitted = await ShardedStagesTests.FittedGloveAsync(docs);
        var options = new EmbeddingStoreOptions { ShardSize = 100, BatchSize = 32 };
        using (await EmbeddingStore.BuildAsync(ExecutionTestData.Stream(docs), fitted, Path.Combine(dir, "local"), options))
        {
        }

        string work = Path.Combine(dir, "work");
        var slurm = SlurmTestCommands.Options(JobName());
        slurm.ArrayThrottle = 2;
        var jobs = new EmbeddingShardJobs(new SlurmExecutor(slurm), work, EmbedderSpec.TryDescribe(fitted, out _)!);
        using (var store = await EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, jobs, Path.Combine(dir, "slurm"), options, null, null, default))
        {
            Assert.Equal(360, store.RowCount);
        }

        ShardedStagesTests.AssertSameStore(Path.Combine(dir, "local"), Path.Combine(dir, "slurm"));
        var submitted = Jobs(work, "submit");
        Assert.Equal(4, submitted.Count); // ceil(360 / 100) shards: one array of four tasks
        string array = submitted[0].Split('_')[0];
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"{array}_{i}"), submitted);
        Assert.Equal(submitted.Order(StringComparer.Ordinal), Jobs(work, "done").Order(StringComparer.Ordinal));
        AssertRanOnSlurm(work, "embed-*.result.json", submitted);
    }

    [SlurmFact]
    public async Task A_driver_killed_during_the_embedding_array_reattaches_to_its_tasks_on_rerun()
    {
        string dir = ExecutionTestData.TempDir("slurm-embed-reattach");
        var docs = ShardedStagesTests.Documents(100);
        var fitted = await ShardedStagesTests.FittedGloveAsync(docs);
        var options = new EmbeddingStoreOptions { ShardSize = 100 };
        using (await EmbeddingStore.BuildAsync(ExecutionTestData.Stream(docs), fitted, Path.Combine(dir, "local"), options))
        {
        }

        string work = Path.Combine(dir, "work");
        string name = JobName();
        var spec = EmbedderSpec.TryDescribe(fitted, out _)!;

        // First driver: submits the array, then goes away without cancelling its tasks (what a killed process leaves).
        string release = Path.Combine(dir, "release");
        var slow = SlurmTestCommands.Options(name, 3, SlurmTestCommands.HoldUntil(release));
        slow.CancelJobsOnCancellation = false;
        using (var kill = new CancellationTokenSource())
        {
            var first = EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, new EmbeddingShardJobs(new SlurmExecutor(slow), work, spec), Path.Combine(dir, "slurm"), options, null, null, kill.Token);
            for (int i = 0; i < 600 && Jobs(work, "submit").Count < 3; i++)
            {
                await Task.Delay(100);
            }

            kill.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        var submitted = Jobs(work, "submit");
        Assert.Equal(3, submitted.Count);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "slurm"), "shard-*.f32"));

        // Second driver: no new submission; it follows the same three array tasks to the end. The tasks are released
        // only once all three are attached, so the second driver cannot find them already finished.
        var rerun = EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, new EmbeddingShardJobs(new SlurmExecutor(SlurmTestCommands.Options(name)), work, spec), Path.Combine(dir, "slurm"), options, null, null, default);
        for (int i = 0; i < 600 && Jobs(work, "attach").Count < 3 && !rerun.IsCompleted; i++)
        {
            await Task.Delay(100);
        }

        File.WriteAllText(release, "");
        using (var store = await rerun)
        {
            Assert.Equal(300, store.RowCount);
        }

        Assert.Equal(submitted, Jobs(work, "submit"));
        Assert.Empty(Jobs(work, "retry"));
        Assert.Equal(submitted.Order(StringComparer.Ordinal), Jobs(work, "attach").Order(StringComparer.Ordinal));
        ShardedStagesTests.AssertSameStore(Path.Combine(dir, "local"), Path.Combine(dir, "slurm"));
        AssertRanOnSlurm(work, "embed-*.result.json", submitted);
    }

    [SlurmFact]
    public async Task Assignment_shards_after_a_fit_here_equal_the_clusterer_to_the_last_bit()
    {
        string dir = ExecutionTestData.TempDir("slurm-assign-exact");
        using var store = await ExecutionTestData.EmbeddingsAsync(dir, rows: 9000, dimension: 8, shardSize: 2500);
        var clusterer = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 6, Seed = 5, Device = ComputeDevice.Cpu, MaxPointsPerCentroid = 100, AssignBatchRows = 1000 });
        var inProcess = await clusterer.ClusterAsync(store);
        var fit = await ((ICentroidFitter)clusterer).FitCentroidsAsync(store, null, default);
        string work = Path.Combine(dir, "work");

        var sharded = await ShardedAssignment.AssignCoreAsync(store, fit.Centroids, fit.Spherical, work, new SlurmExecutor(SlurmTestCommands.Options(JobName())), 3000, fit.SumRows, default);

        Assert.Equal(inProcess.Assignments, sharded.Assignments);
        Assert.Equal(inProcess.Sizes, sharded.Sizes);
        Assert.Equal(BitConverter.DoubleToInt64Bits(inProcess.Inertia), BitConverter.DoubleToInt64Bits(sharded.Inertia));
        var submitted = Jobs(work, "submit");
        Assert.Equal(3, submitted.Count);
        Assert.Equal(submitted, sharded.Jobs);
        AssertRanOnSlurm(work, "assign-*.result.json", submitted);
    }

    [SlurmFact]
    public async Task More_shards_than_an_array_may_hold_go_out_as_several_arrays()
    {
        string dir = ExecutionTestData.TempDir("slurm-array-split");
        using var store = await ExecutionTestData.EmbeddingsAsync(dir, rows: 1000, dimension: 8, shardSize: 500);
        var clustering = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 5, Seed = 2, Device = ComputeDevice.Cpu }).ClusterAsync(store);
        var options = SlurmTestCommands.Options(JobName());
        options.MaxArrayTasks = 2; // as if the cluster's MaxArraySize were 2
        string work = Path.Combine(dir, "work");

        var sharded = await ShardedAssignment.AssignAsync(store, clustering.Centroids, false, work, new SlurmExecutor(options), shardRows: 200);

        Assert.Equal(clustering.Assignments, sharded.Assignments);
        var submitted = Jobs(work, "submit");
        Assert.Equal(5, submitted.Count);
        var arrays = submitted.Select(j => j.Split('_')[0]).Distinct().ToList();
        Assert.Equal(3, arrays.Count); // tasks 0-1, 0-1, and a single job for the fifth shard
        Assert.Equal([$"{arrays[0]}_0", $"{arrays[0]}_1", $"{arrays[1]}_0", $"{arrays[1]}_1", arrays[2]], submitted);
        AssertRanOnSlurm(work, "assign-*.result.json", submitted);
    }

    [SlurmFact]
    public async Task A_pipeline_with_the_Slurm_executor_embeds_and_clusters_in_jobs_with_the_local_artifacts()
    {
        string dir = ExecutionTestData.TempDir("slurm-pipeline");
        var corpus = ClimbCorpus.FromDocuments(ShardedStagesTests.Documents(100));
        ClimbPipelineBuilder Builder(string artifacts) => new ClimbPipelineBuilder()
            .WithArtifactsFolder(artifacts)
            .Configure(o =>
            {
                o.ClusterCount = 8;
                o.Seed = 3;
                o.Device = ComputeDevice.Cpu;
            });

        await Builder(Path.Combine(dir, "local")).Build().RunUntilAsync(corpus, [], "cluster");
        var stages = await Builder(Path.Combine(dir, "slurm")).WithExecutor(new SlurmExecutor(SlurmTestCommands.Options(JobName()))).Build().RunUntilAsync(corpus, [], "cluster");

        Assert.Equal(["embed", "cluster"], stages.Select(s => s.Stage));
        ShardedStagesTests.AssertSameStore(Path.Combine(dir, "local", "01-embed", "store"), Path.Combine(dir, "slurm", "01-embed", "store"));
        foreach (string file in new[] { "01-embed/fit.json", "02-cluster/assignments.i32", "02-cluster/centroids.f32", "02-cluster/clustering.json" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(dir, "local", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, "slurm", file))), file + " differs");
        }

        Assert.False(Directory.Exists(Path.Combine(dir, "local", "01-embed", "work")), "the local executor embeds in process");
        foreach (var (work, pattern) in new[] { ("01-embed/work", "embed-*.result.json"), ("02-cluster/work", "assign-*.result.json") })
        {
            string folder = Path.Combine(dir, "slurm", work);
            var submitted = Jobs(folder, "submit");
            Assert.Single(submitted); // the 300 documents are one store shard and one assignment shard
            AssertRanOnSlurm(folder, pattern, submitted);
        }
    }
}

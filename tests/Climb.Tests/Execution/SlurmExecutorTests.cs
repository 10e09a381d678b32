using System.Text.Json.Nodes;

namespace Climb.Tests.Execution;

/// <summary>The Slurm executor against a real Slurm (scripts/slurm/start.sh): jobs, arrays, journal, retries, re-attachment.</summary>
[Trait("Category", "Slurm")]
public sealed class SlurmExecutorTests
{
    private static readonly KneserNeyProxyTrainerOptions NGram = ExecutionTestData.NGram();

    private static string JobName() => "climb-test-" + Guid.NewGuid().ToString("N")[..6];

    private static List<JsonObject> Journal(string workDir) => File.Exists(Path.Combine(workDir, "slurm-journal.jsonl"))
        ? File.ReadAllLines(Path.Combine(workDir, "slurm-journal.jsonl")).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!.AsObject()).ToList()
        : [];

    private static List<JsonObject> Events(string workDir, string ev) => Journal(workDir).Where(o => o["event"]!.GetValue<string>() == ev).ToList();

    private static async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 60)
    {
        for (int i = 0; i < seconds * 10; i++)
        {
            if (condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("waited " + seconds + " s for " + what);
    }

    private static ProxyTrainingRequest Request(TokenizedClusterStore store, IReadOnlyList<EvaluationTarget> targets, double a, int seed = 5) =>
        new() { Mixture = MixtureWeights.Normalize([a, 1 - a, 0.25]), Seed = seed, Data = store, Targets = targets };

    [SlurmFact]
    public async Task A_proxy_job_gives_the_local_result_and_the_journal_names_its_job()
    {
        string dir = ExecutionTestData.TempDir("slurm-proxy");
        var (store, targets) = await ExecutionTestData.ProxyInputsAsync(dir);
        using var _ = store;
        string work = Path.Combine(dir, "work");
        var slurm = new ExecutorProxyTrainer(ProxyTrainerSpec.NGram(NGram), new SlurmExecutor(SlurmTestCommands.Options(JobName())), work);
        var local = new ExecutorProxyTrainer(ProxyTrainerSpec.NGram(NGram), new LocalExecutor(), Path.Combine(dir, "local"));

        var onSlurm = await slurm.TrainAsync(Request(store, targets, 0.6));
        var inProcess = await local.TrainAsync(Request(store, targets, 0.6));

        Assert.Equal(inProcess.Objective, onSlurm.Objective);
        Assert.Equal(inProcess.Metrics.OrderBy(k => k.Key), onSlurm.Metrics.OrderBy(k => k.Key));
        var submit = Assert.Single(Events(work, "submit"));
        string job = submit["job"]!.GetValue<string>();
        Assert.Contains($"slurm job {job} on ", onSlurm.Device, StringComparison.Ordinal);
        Assert.Single(Events(work, "done"));
        var (exit, show) = SlurmTestCommands.ShowFinishedJob(job);
        Assert.True(exit == 0 && show.Contains("JobState=COMPLETED", StringComparison.Ordinal), show);
        Assert.Contains("climb worker: job " + job, File.ReadAllText(Path.Combine(work, "slurm", submit["request"]!.GetValue<string>() + "-" + job + ".out")), StringComparison.Ordinal);
    }

    [SlurmFact]
    public async Task An_unknown_partition_is_refused_before_anything_is_submitted()
    {
        string dir = ExecutionTestData.TempDir("slurm-partition");
        var options = SlurmTestCommands.Options(JobName());
        options.Partition = "no-such-partition";
        var request = WorkRequest.Create(dir, "proxy", "proxy-p", new JsonObject());
        var ex = await Assert.ThrowsAsync<SlurmSetupException>(() => new SlurmExecutor(options).ExecuteAsync(request));
        Assert.Contains("Unknown Slurm partition 'no-such-partition'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("debug (default)", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Journal(dir));

        var gpus = SlurmTestCommands.Options(JobName());
        gpus.GpusPerProxy = 1;
        var gex = await Assert.ThrowsAsync<SlurmSetupException>(() => new SlurmExecutor(gpus).ExecuteAsync(request));
        Assert.Contains("has no GPU", gex.Message, StringComparison.Ordinal);
    }

    [SlurmFact]
    public async Task A_rerun_reattaches_to_running_jobs_and_submits_nothing_for_finished_work()
    {
        string dir = ExecutionTestData.TempDir("slurm-reattach");
        var (store, targets) = await ExecutionTestData.ProxyInputsAsync(dir);
        using var _ = store;
        string work = Path.Combine(dir, "work");
        string name = JobName();
        var spec = ProxyTrainerSpec.NGram(NGram);

        // First run: one proxy finishes; two more are submitted, then the main process goes away without cancelling
        // its jobs (what a killed process leaves behind: jobs in the queue, submissions in the journal).
        var finished = await new ExecutorProxyTrainer(spec, new SlurmExecutor(SlurmTestCommands.Options(name)), work).TrainAsync(Request(store, targets, 0.1));
        string release = Path.Combine(dir, "release");
        var slow = SlurmTestCommands.Options(name, 3, SlurmTestCommands.HoldUntil(release));
        slow.CancelJobsOnCancellation = false;
        var first = new ExecutorProxyTrainer(spec, new SlurmExecutor(slow), work);
        using var kill = new CancellationTokenSource();
        var abandoned = new[] { first.TrainAsync(Request(store, targets, 0.4), null, kill.Token), first.TrainAsync(Request(store, targets, 0.7), null, kill.Token) };
        await WaitUntilAsync(() => Events(work, "submit").Count == 3, "two submissions");
        kill.Cancel();
        foreach (var t in abandoned)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t);
        }

        var running = Events(work, "submit").Skip(1).Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        var (_, queue) = SlurmTestCommands.Run("squeue", "-h", "-o", "%i", "-n", name);
        Assert.True(running.IsSubsetOf(queue.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)), "the abandoned jobs are still queued or running: " + queue);

        // Re-run: the finished proxy needs no job; the two held ones are re-attached, not submitted again. They are
        // released only once both are attached, so the re-run cannot find them already finished.
        var second = new ExecutorProxyTrainer(spec, new SlurmExecutor(SlurmTestCommands.Options(name)), work);
        var rerun = Task.WhenAll(second.TrainAsync(Request(store, targets, 0.1)), second.TrainAsync(Request(store, targets, 0.4)), second.TrainAsync(Request(store, targets, 0.7)));
        await WaitUntilAsync(() => Events(work, "attach").Count == 2, "both re-attachments");
        File.WriteAllText(release, "");
        var results = await rerun;

        Assert.Equal(finished.Objective, results[0].Objective);
        Assert.Equal(3, Events(work, "submit").Count);
        Assert.Empty(Events(work, "retry"));
        var attached = Events(work, "attach").Select(o => o["job"]!.GetValue<string>()).ToHashSet();
        Assert.Equal(running, attached);
        foreach (var r in results.Skip(1))
        {
            Assert.Contains(running, j => r.Device.Contains($"slurm job {j} on ", StringComparison.Ordinal));
        }
    }

    [SlurmFact]
    public async Task A_worker_killed_by_scancel_is_retried_and_the_run_completes()
    {
        string dir = ExecutionTestData.TempDir("slurm-scancel");
        var (store, targets) = await ExecutionTestData.ProxyInputsAsync(dir);
        using var _ = store;
        string work = Path.Combine(dir, "work");
        string marker = Path.Combine(dir, "first-job-started");
        var trainer = new ExecutorProxyTrainer(ProxyTrainerSpec.NGram(NGram), new SlurmExecutor(SlurmTestCommands.Options(JobName(), 3, SlurmTestCommands.BlockFirstJob(marker))), work);

        var run = trainer.TrainAsync(Request(store, targets, 0.3));
        await WaitUntilAsync(() => Events(work, "submit").Count == 1, "the submission");
        string victim = Events(work, "submit")[0]["job"]!.GetValue<string>();

        // The first job blocks once it has created the marker, so the kill cannot land after it has finished.
        await WaitUntilAsync(() => File.Exists(marker), "the job to run");
        Assert.Equal(0, SlurmTestCommands.Run("scancel", victim).Exit);

        var result = await run;

        var failed = Assert.Single(Events(work, "failed"));
        Assert.Equal(victim, failed["job"]!.GetValue<string>());
        Assert.Contains("CANCELLED", failed["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        string retry = Assert.Single(Events(work, "retry"))["job"]!.GetValue<string>();
        Assert.NotEqual(victim, retry);
        Assert.Contains($"slurm job {retry} on ", result.Device, StringComparison.Ordinal);
        var direct = await new KneserNeyProxyTrainer(NGram).TrainAsync(Request(store, targets, 0.3));
        Assert.Equal(direct.Objective, result.Objective);
    }

    [SlurmFact]
    public async Task Assignment_shards_as_a_job_array_equal_the_local_assignment()
    {
        string dir = ExecutionTestData.TempDir("slurm-array");
        using var store = await ExecutionTestData.EmbeddingsAsync(dir, rows: 900, dimension: 16, shardSize: 250);
        var clustering = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 6, Seed = 4, Device = ComputeDevice.Cpu }).ClusterAsync(store);
        var options = SlurmTestCommands.Options(JobName());
        options.ArrayThrottle = 2;
        string work = Path.Combine(dir, "work");

        var onSlurm = await ShardedAssignment.AssignAsync(store, clustering.Centroids, new KMeansClustererOptions().Spherical, work, new SlurmExecutor(options), shardRows: 200);
        var local = await ShardedAssignment.AssignAsync(store, clustering.Centroids, new KMeansClustererOptions().Spherical, Path.Combine(dir, "local"), new LocalExecutor(), shardRows: 200);

        Assert.Equal(clustering.Assignments, onSlurm.Assignments);
        Assert.Equal(local.Assignments, onSlurm.Assignments);
        Assert.Equal(local.Inertia, onSlurm.Inertia);
        var submits = Events(work, "submit");
        Assert.Equal(5, submits.Count);
        string array = submits[0]["job"]!.GetValue<string>().Split('_')[0];
        Assert.All(submits.Select((s, i) => (s, i)), x => Assert.Equal($"{array}_{x.i}", x.s["job"]!.GetValue<string>()));
        Assert.Equal(submits.Select(s => s["job"]!.GetValue<string>()), onSlurm.Jobs);
        Assert.Contains("ArrayTaskThrottle=2", SlurmTestCommands.Run("scontrol", "show", "job", "-o", array + "_0").Output, StringComparison.Ordinal);
    }

    [SlurmFact]
    public async Task A_request_the_node_cannot_see_stops_the_run_with_a_shared_storage_message()
    {
        string dir = ExecutionTestData.TempDir("slurm-unshared");
        var request = WorkRequest.Create(Path.Combine(dir, "work"), "proxy", "proxy-unseen", new JsonObject());
        string release = Path.Combine(dir, "release");
        var run = new SlurmExecutor(SlurmTestCommands.Options(JobName(), 3, SlurmTestCommands.HoldUntil(release))).ExecuteAsync(request);
        await WaitUntilAsync(() => Events(Path.Combine(dir, "work"), "submit").Count == 1, "the submission");
        File.Delete(request.RequestPath); // as if the folder were on the submitting machine's local disk only
        File.WriteAllText(release, "");

        var ex = await Assert.ThrowsAsync<SlurmJobFailedException>(() => run);
        Assert.Contains("could not find its request file", ex.Message, StringComparison.Ordinal);
        Assert.Contains("every node sees", ex.Message, StringComparison.Ordinal);
        Assert.Single(Events(Path.Combine(dir, "work"), "submit"));
        Assert.Empty(Events(Path.Combine(dir, "work"), "retry"));
    }
}

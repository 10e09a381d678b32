using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Runs the pipeline's parallel work as Slurm jobs (<see cref="ClimbPipelineBuilder.WithExecutor(SlurmExecutor)"/>):
/// one job per proxy run, one job array per batch of embedding or assignment shards, submitted with <c>sbatch --parsable</c>.
/// Job ids go to <c>slurm-journal.jsonl</c> in the request folder; the executor follows its jobs with
/// <c>squeue</c> and the result files, submits a failed job again up to <see cref="SlurmExecutorOptions.MaxAttempts"/>
/// times (logging why it failed), cancels its jobs with <c>scancel</c> when the run is cancelled, and on a re-run
/// re-attaches to jobs still queued or running instead of submitting them again.
/// </summary>
/// <remarks>
/// The request folders (the artifacts folder) must be on storage that every compute node sees at the same path.
/// Before the first submission the executor checks that the Slurm commands are on PATH, that the partition exists
/// and, when GPUs are asked for, that the partition has GPUs; a worker that cannot see its request exits with code 2
/// and the executor stops with a message about shared storage instead of retrying.
/// </remarks>
public sealed partial class SlurmExecutor : IWorkExecutor
{
    private const int RequestNotFoundExitCode = 2;
    private const int DefaultMaxArraySize = 1001;
    private static readonly HashSet<string> ActiveStates = new(StringComparer.Ordinal)
    {
        "PENDING", "RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
    };

    private readonly SlurmExecutorOptions _options;
    private readonly TimeSpan _firstPoll;
    private readonly ILogger _logger;
    private readonly SlurmClient _client;
    private readonly ConcurrentDictionary<string, SlurmJournal> _journals = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _queueGate = new(1, 1);
    private readonly Lazy<Task> _preflight;
    private (DateTime At, Dictionary<string, (string State, string Reason)> Jobs)? _queue;
    private int _maxArraySize = DefaultMaxArraySize;

    /// <summary>Initializes the executor (nothing is checked or submitted until the first call).</summary>
    /// <param name="options">Options (validated here).</param>
    /// <param name="logger">Logger.</param>
    public SlurmExecutor(SlurmExecutorOptions options, ILogger<SlurmExecutor>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? throw new ArgumentNullException(nameof(options)), nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _client = new SlurmClient(_options.BinDirectory);
        _firstPoll = TimeSpan.FromTicks(Math.Min(_options.PollInterval.Ticks, TimeSpan.FromSeconds(1).Ticks));
        _preflight = new Lazy<Task>(() => PreflightAsync(CancellationToken.None));
    }

    /// <summary>Gets a description of where the work runs ("slurm partition=gpu …"); it does not change results.</summary>
    public string Identity => _options.Describe();

    /// <summary>Checks the setup now (commands on PATH, partition, GPUs) instead of at the first submission.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that fails with <see cref="SlurmSetupException"/> when the setup cannot run the work.</returns>
    public Task CheckAsync(CancellationToken cancellationToken = default) => _preflight.Value.WaitAsync(cancellationToken);

    /// <summary>Runs one request as one Slurm job and returns its result.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the wait and the job.</param>
    /// <returns>The result.</returns>
    internal async Task<WorkResult> ExecuteAsync(WorkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await RunAsync([request], _options.GpusPerProxy, cancellationToken).ConfigureAwait(false))[0];
    }

    /// <summary>Runs many requests as one job array and returns their results in order.</summary>
    /// <param name="requests">The requests.</param>
    /// <param name="cancellationToken">Cancels the wait and the jobs.</param>
    /// <returns>One result per request, in order.</returns>
    internal Task<IReadOnlyList<WorkResult>> ExecuteManyAsync(IReadOnlyList<WorkRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return RunAsync(requests, _options.GpusPerShard, cancellationToken);
    }

    /// <inheritdoc />
    Task<WorkResult> IWorkExecutor.ExecuteAsync(WorkRequest request, CancellationToken cancellationToken) => ExecuteAsync(request, cancellationToken);

    /// <inheritdoc />
    Task<IReadOnlyList<WorkResult>> IWorkExecutor.ExecuteManyAsync(IReadOnlyList<WorkRequest> requests, CancellationToken cancellationToken) => ExecuteManyAsync(requests, cancellationToken);

    private async Task<IReadOnlyList<WorkResult>> RunAsync(IReadOnlyList<WorkRequest> requests, int gpus, CancellationToken ct)
    {
        var results = new WorkResult?[requests.Count];
        if (requests.Count == 0)
        {
            return [];
        }

        // Finished by an earlier run: no job at all.
        var pending = new List<Unit>();
        for (int i = 0; i < requests.Count; i++)
        {
            if (TryResult(requests[i], 0) is { } done)
            {
                results[i] = done;
            }
            else
            {
                pending.Add(new Unit(i, requests[i], Journal(requests[i])));
            }
        }

        if (pending.Count == 0)
        {
            return results!;
        }

        await _preflight.Value.WaitAsync(ct).ConfigureAwait(false);
        var queue = await QueueAsync(force: true, ct).ConfigureAwait(false);

        // Re-attach to jobs of an earlier run that are still queued or running.
        var toSubmit = new List<Unit>();
        foreach (var u in pending)
        {
            if (u.Journal.TryGetLastJob(u.Request.Id, out string job, out int attempts) && queue.TryGetValue(job, out var state) && ActiveStates.Contains(state.State))
            {
                u.Job = job;
                u.Attempts = 1;
                u.LogPattern = job.Contains('_', StringComparison.Ordinal) ? null : Path.Combine(LogFolder(u.Request), u.Request.Id + "-%j.out");
                u.Journal.Append("attach", u.Request.Id, job, attempts);
                LogAttached(u.Request.Id, job, state.State);
            }
            else
            {
                toSubmit.Add(u);
            }
        }

        try
        {
            // Slurm refuses an array with an index of MaxArraySize or more: a larger batch is several arrays.
            foreach (var part in toSubmit.Chunk(_options.MaxArrayTasks ?? _maxArraySize))
            {
                if (part.Length == 1)
                {
                    await SubmitSingleAsync(part[0], gpus, "submit", ct).ConfigureAwait(false);
                }
                else
                {
                    await SubmitArrayAsync([.. part], gpus, ct).ConfigureAwait(false);
                }
            }

            await FollowAsync(pending, results, gpus, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await CancelJobsAsync(pending.Where(u => !u.Finished && u.Job is not null).ToList()).ConfigureAwait(false);
            throw;
        }

        return results!;
    }

    private async Task FollowAsync(List<Unit> units, WorkResult?[] results, int gpus, CancellationToken ct)
    {
        // Poll soon after submitting, then back off to PollInterval while nothing changes.
        var delay = _firstPoll;
        while (units.Any(u => !u.Finished))
        {
            await Task.Delay(delay, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(_options.PollInterval.Ticks, (long)(delay.Ticks * 1.5)));
            var queue = await QueueAsync(force: false, ct).ConfigureAwait(false);
            foreach (var u in units.Where(u => !u.Finished))
            {
                if (TryResult(u.Request, u.Attempts) is { } done)
                {
                    results[u.Index] = done;
                    u.Finished = true;
                    delay = _firstPoll;
                    u.Journal.Append("done", u.Request.Id, done.Job ?? u.Job, u.Attempts);
                    continue;
                }

                string state = queue.TryGetValue(u.Job!, out var s) ? s.State : "GONE";
                if (ActiveStates.Contains(state))
                {
                    u.LeftQueueAt = null;
                    continue;
                }

                if (state is "COMPLETED" or "GONE")
                {
                    // The job ended without a result we can see yet: shared file systems may lag.
                    u.LeftQueueAt ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - u.LeftQueueAt < _options.ResultGracePeriod)
                    {
                        continue;
                    }
                }

                var (reason, exitCode) = await DescribeFailureAsync(u, state, s.Reason, ct).ConfigureAwait(false);
                u.Failures.Add($"job {u.Job}: {reason}");
                u.Journal.Append("failed", u.Request.Id, u.Job, u.Attempts, reason);
                if (exitCode == RequestNotFoundExitCode)
                {
                    throw new SlurmJobFailedException(
                        $"Work {u.Request.Id}: the worker on the compute node could not find its request file '{u.Request.RequestPath}' ({reason}). " +
                        "The artifacts folder must be on storage that every node sees at the same path (NFS, Lustre, GPFS…), not a local disk or /tmp of the submitting machine.",
                        u.Request.RequestPath);
                }

                if (u.Attempts >= _options.MaxAttempts)
                {
                    throw new SlurmJobFailedException(
                        $"Work {u.Request.Id} failed {u.Attempts} time(s) on Slurm (MaxAttempts = {_options.MaxAttempts}): {string.Join("; ", u.Failures)}",
                        u.Request.RequestPath);
                }

                LogRetrying(u.Request.Id, u.Job!, reason, u.Attempts + 1, _options.MaxAttempts);
                u.LeftQueueAt = null;
                await SubmitSingleAsync(u, gpus, "retry", ct).ConfigureAwait(false);
            }
        }
    }

    private WorkResult? TryResult(WorkRequest request, int attempts)
    {
        if (!File.Exists(request.ResultPath))
        {
            return null;
        }

        try
        {
            var (payload, job, host) = WorkRunner.ReadResult(request.ResultPath);
            return new WorkResult(request, payload, job, host, attempts);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException)
        {
            return null; // not there completely yet (results are renamed into place, so this is a lagging file system)
        }
    }

    private async Task SubmitSingleAsync(Unit u, int gpus, string ev, CancellationToken ct)
    {
        string dir = LogFolder(u.Request);
        string script = Script($"REQ={Quote(u.Request.RequestPath)}");
        string output = Path.Combine(dir, u.Request.Id + "-%j.out");
        string job = await SbatchAsync(script, Path.Combine(dir, u.Request.Id + ".sbatch"), output, gpus, null, ct).ConfigureAwait(false);
        u.Job = job;
        u.Attempts++;
        u.LogPattern = output;
        u.Journal.Append(ev, u.Request.Id, job, u.Attempts);
        LogSubmitted(u.Request.Id, job, u.Attempts);
    }

    private async Task SubmitArrayAsync(List<Unit> units, int gpus, CancellationToken ct)
    {
        string dir = LogFolder(units[0].Request);
        string name = "array-" + WorkRequest.HashOf(units.Select(u => u.Request.RequestPath).ToArray());
        string list = Path.Combine(dir, name + ".list");
        WorkFiles.WriteAtomic(list, string.Join('\n', units.Select(u => u.Request.RequestPath)) + "\n");
        string script = Script($"REQ=$(sed -n \"$((SLURM_ARRAY_TASK_ID + 1))p\" {Quote(list)})");
        string range = $"0-{units.Count - 1}" + (_options.ArrayThrottle > 0 ? "%" + _options.ArrayThrottle.ToString(CultureInfo.InvariantCulture) : string.Empty);
        string output = Path.Combine(dir, name + "-%A_%a.out");
        string arrayJob = await SbatchAsync(script, Path.Combine(dir, name + ".sbatch"), output, gpus, range, ct).ConfigureAwait(false);
        for (int i = 0; i < units.Count; i++)
        {
            var u = units[i];
            u.Job = arrayJob + "_" + i.ToString(CultureInfo.InvariantCulture);
            u.Attempts++;
            u.LogPattern = output.Replace("%A_%a", u.Job, StringComparison.Ordinal);
            u.Journal.Append("submit", u.Request.Id, u.Job, u.Attempts);
        }

        LogSubmittedArray(units.Count, arrayJob, range);
    }

    private async Task<string> SbatchAsync(string script, string scriptPath, string output, int gpus, string? array, CancellationToken ct)
    {
        WorkFiles.WriteAtomic(scriptPath, script);
        var args = new List<string> { "--parsable", "--job-name=" + _options.JobName, "--output=" + output, "--cpus-per-task=" + _options.CpusPerTask.ToString(CultureInfo.InvariantCulture) };
        if (_options.Partition is { } p)
        {
            args.Add("--partition=" + p);
        }

        if (_options.Account is { } a)
        {
            args.Add("--account=" + a);
        }

        if (gpus > 0)
        {
            args.Add("--gres=gpu:" + (_options.GpuType is { } t ? t + ":" : string.Empty) + gpus.ToString(CultureInfo.InvariantCulture));
        }

        if (_options.Memory is { } m)
        {
            args.Add("--mem=" + m);
        }

        if (_options.TimeLimit is { } limit)
        {
            args.Add("--time=" + ((int)Math.Ceiling(limit.TotalMinutes)).ToString(CultureInfo.InvariantCulture));
        }

        if (array is not null)
        {
            args.Add("--array=" + array);
        }

        args.AddRange(_options.ExtraArguments);
        args.Add(scriptPath);
        var (exit, stdout, stderr) = await _client.RunAsync("sbatch", args, ct).ConfigureAwait(false);
        string first = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim() ?? string.Empty;
        string id = first.Split(';')[0];
        if (exit != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new SlurmSetupException($"sbatch {string.Join(' ', args)} failed (exit {exit}): {(stderr.Length > 0 ? stderr : stdout)}");
        }

        return id;
    }

    private string Script(string requestLine)
    {
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n# Written by Climb's SlurmExecutor: runs one work request with a Climb worker.\nset -eo pipefail\n");
        foreach (string line in _options.Setup)
        {
            sb.Append(line).Append('\n');
        }

        sb.Append(requestLine).Append('\n');
        sb.Append("echo \"climb worker: job ${SLURM_JOB_ID} on $(hostname) runs $REQ\"\n");
        sb.Append("exec ").Append(_options.WorkerCommand).Append(" \"$REQ\"\n");
        return sb.ToString();
    }

    private async Task<Dictionary<string, (string State, string Reason)>> QueueAsync(bool force, CancellationToken ct)
    {
        await _queueGate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (!force && _queue is { } q && DateTime.UtcNow - q.At < _firstPoll / 2)
            {
                return q.Jobs;
            }

            var jobs = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
            Exception? last = null;
            for (int attempt = 0; attempt < 5; attempt++)
            {
                try
                {
                    var (exit, stdout, stderr) = await _client.RunAsync("squeue", ["-h", "-r", "-t", "all", "-u", Environment.UserName, "-o", "%i|%T|%r"], ct).ConfigureAwait(false);
                    if (exit == 0)
                    {
                        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        {
                            string[] f = line.Split('|');
                            if (f.Length >= 2)
                            {
                                jobs[f[0]] = (f[1], f.Length > 2 ? f[2] : string.Empty);
                            }
                        }

                        _queue = (DateTime.UtcNow, jobs);
                        return jobs;
                    }

                    last = new SlurmSetupException($"squeue failed (exit {exit}): {stderr}");
                }
                catch (TimeoutException ex)
                {
                    last = ex;
                }

                LogQueueUnavailable(last.Message);
                await Task.Delay(TimeSpan.FromSeconds(2 << attempt), ct).ConfigureAwait(false);
            }

            throw new SlurmSetupException("Slurm does not answer: " + last!.Message);
        }
        finally
        {
            _queueGate.Release();
        }
    }

    private async Task<(string Reason, int? ExitCode)> DescribeFailureAsync(Unit u, string state, string? queueReason, CancellationToken ct)
    {
        var parts = new List<string> { state == "GONE" ? "left the queue without a result file" : "state " + state };
        if (!string.IsNullOrEmpty(queueReason) && queueReason != "None")
        {
            parts.Add("reason " + queueReason);
        }

        int? exitCode = null;
        try
        {
            var (exit, stdout, _) = await _client.RunAsync("scontrol", ["show", "job", "-o", u.Job!], ct, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (exit == 0)
            {
                foreach (string token in stdout.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.StartsWith("ExitCode=", StringComparison.Ordinal))
                    {
                        parts.Add("exit code " + token["ExitCode=".Length..]);
                        if (int.TryParse(token["ExitCode=".Length..].Split(':')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int code))
                        {
                            exitCode = code;
                        }
                    }
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException or SlurmSetupException or System.ComponentModel.Win32Exception)
        {
            // the record may be gone already; the other sources still explain the failure
        }

        if (File.Exists(u.Request.ErrorPath))
        {
            try
            {
                var err = JsonNode.Parse(File.ReadAllText(u.Request.ErrorPath));
                parts.Add("worker error: " + err?["error"]?.GetValue<string>());
            }
            catch (Exception ex) when (ex is IOException or System.Text.Json.JsonException)
            {
            }
        }

        if (u.LogPattern is { } log)
        {
            string path = log.Replace("%j", u.Job, StringComparison.Ordinal);
            string tail = WorkFiles.Tail(path, 3);
            parts.Add(tail.Length > 0 ? $"log {path}: {tail}" : $"no log at {path} (is the artifacts folder shared with the node?)");
        }

        return (string.Join(", ", parts), exitCode);
    }

    private async Task CancelJobsAsync(List<Unit> units)
    {
        if (units.Count == 0)
        {
            return;
        }

        if (!_options.CancelJobsOnCancellation)
        {
            LogLeftRunning(units.Count);
            return;
        }

        var jobs = units.Select(u => u.Job!).ToList();
        try
        {
            var (exit, _, stderr) = await _client.RunAsync("scancel", jobs, CancellationToken.None, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            foreach (var u in units)
            {
                u.Journal.Append("cancel", u.Request.Id, u.Job, u.Attempts);
            }

            LogCancelled(string.Join(' ', jobs), exit, stderr);
        }
        catch (Exception ex) when (ex is TimeoutException or SlurmSetupException or System.ComponentModel.Win32Exception)
        {
            LogCancelFailed(string.Join(' ', jobs), ex.Message);
        }
    }

    private async Task PreflightAsync(CancellationToken ct)
    {
        _client.Resolve();
        var (exit, stdout, stderr) = await _client.RunAsync("sinfo", ["-h", "-o", "%P|%G|%a"], ct).ConfigureAwait(false);
        if (exit != 0)
        {
            throw new SlurmSetupException($"sinfo failed (exit {exit}): {stderr}. Is slurmctld running and reachable (scontrol ping)?");
        }

        var partitions = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        string? defaultPartition = null;
        foreach (string line in stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string[] f = line.Split('|');
            string name = f[0].TrimEnd('*');
            if (f[0].EndsWith('*'))
            {
                defaultPartition = name;
            }

            if (!partitions.TryGetValue(name, out var gres))
            {
                partitions[name] = gres = [];
            }

            if (f.Length > 1)
            {
                gres.Add(f[1]);
            }
        }

        string known = partitions.Count == 0 ? "none" : string.Join(", ", partitions.Keys.Select(k => k == defaultPartition ? k + " (default)" : k));
        string? partition = _options.Partition ?? defaultPartition;
        if (partition is null)
        {
            throw new SlurmSetupException($"No Slurm partition given and the cluster has no default partition; set SlurmExecutorOptions.Partition (--slurm-partition) to one of: {known}.");
        }

        if (!partitions.TryGetValue(partition, out var partitionGres))
        {
            throw new SlurmSetupException($"Unknown Slurm partition '{partition}' (SlurmExecutorOptions.Partition, --slurm-partition); this cluster has: {known}.");
        }

        if ((_options.GpusPerProxy > 0 || _options.GpusPerShard > 0) && !partitionGres.Any(g => g.Contains("gpu", StringComparison.OrdinalIgnoreCase)))
        {
            throw new SlurmSetupException(
                $"GPUs were asked for (GpusPerProxy = {_options.GpusPerProxy}, GpusPerShard = {_options.GpusPerShard}) but partition '{partition}' has no GPU generic resource (gres: {string.Join(", ", partitionGres)}); choose a GPU partition or ask for 0 GPUs.");
        }

        _maxArraySize = await MaxArraySizeAsync(ct).ConfigureAwait(false);
        LogReady(partition, string.Join(",", partitionGres));
    }

    /// <summary>Reads the cluster's MaxArraySize (array indices must stay below it); Slurm's default when it cannot be read.</summary>
    private async Task<int> MaxArraySizeAsync(CancellationToken ct)
    {
        try
        {
            var (exit, stdout, _) = await _client.RunAsync("scontrol", ["show", "config"], ct, TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            if (exit == 0)
            {
                foreach (string line in stdout.Split('\n'))
                {
                    string[] kv = line.Split('=', 2, StringSplitOptions.TrimEntries);
                    if (kv.Length == 2 && kv[0] == "MaxArraySize" && int.TryParse(kv[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) && size > 0)
                    {
                        return size;
                    }
                }
            }
        }
        catch (Exception ex) when (ex is TimeoutException or SlurmSetupException or System.ComponentModel.Win32Exception)
        {
            // keep Slurm's default
        }

        return DefaultMaxArraySize;
    }

    private SlurmJournal Journal(WorkRequest r) => _journals.GetOrAdd(Path.GetDirectoryName(r.RequestPath)!, d => new SlurmJournal(d));

    private static string LogFolder(WorkRequest r)
    {
        string dir = Path.Combine(Path.GetDirectoryName(r.RequestPath)!, "slurm");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    [LoggerMessage(Level = LogLevel.Information, Message = "Slurm ready: partition {Partition} (gres {Gres})")]
    private partial void LogReady(string partition, string gres);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {Id}: submitted Slurm job {Job} (attempt {Attempt})")]
    private partial void LogSubmitted(string id, string job, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Submitted {Count} work units as Slurm job array {Job} ({Range})")]
    private partial void LogSubmittedArray(int count, string job, string range);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {Id}: re-attached to Slurm job {Job} ({State}) of an earlier run")]
    private partial void LogAttached(string id, string job, string state);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Work {Id}: Slurm job {Job} failed ({Reason}); submitting attempt {Attempt} of {MaxAttempts}")]
    private partial void LogRetrying(string id, string job, string reason, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "squeue did not answer ({Message}); trying again")]
    private partial void LogQueueUnavailable(string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cancelled; scancel {Jobs} (exit {Exit}) {Error}")]
    private partial void LogCancelled(string jobs, int exit, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Cancelled, but scancel {Jobs} failed: {Message}")]
    private partial void LogCancelFailed(string jobs, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cancelled; {Count} Slurm job(s) left running (CancelJobsOnCancellation = false): a re-run re-attaches to them")]
    private partial void LogLeftRunning(int count);

    private sealed class Unit(int index, WorkRequest request, SlurmJournal journal)
    {
        public int Index { get; } = index;

        public WorkRequest Request { get; } = request;

        public SlurmJournal Journal { get; } = journal;

        public string? Job { get; set; }

        public int Attempts { get; set; }

        public string? LogPattern { get; set; }

        public bool Finished { get; set; }

        public DateTime? LeftQueueAt { get; set; }

        public List<string> Failures { get; } = [];
    }
}

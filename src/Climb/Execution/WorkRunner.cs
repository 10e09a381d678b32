using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// The worker: executes one <see cref="WorkRequest"/> with the handler of its kind and writes the result file
/// beside it atomically (or an error file when it fails). <c>climb worker &lt;request&gt;</c> runs it on a node; an
/// executor can run it in process.
/// </summary>
internal sealed partial class WorkRunner
{
    private readonly Dictionary<string, IWorkHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    /// <summary>Initializes a runner with the built-in handlers (proxy runs, embedding and assignment shards).</summary>
    /// <param name="loggers">Logger factory, or <see langword="null"/>.</param>
    public WorkRunner(ILoggerFactory? loggers = null)
        : this(loggers, null)
    {
    }

    /// <summary>Initializes a runner with the built-in handlers and extra ones; one with the kind of a built-in one replaces it.</summary>
    internal WorkRunner(ILoggerFactory? loggers, IEnumerable<IWorkHandler>? handlers)
    {
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _logger = _loggers.CreateLogger<WorkRunner>();
        foreach (var h in new IWorkHandler[] { new ProxyWorkHandler(), new AssignmentShardWorkHandler(), new EmbedShardWorkHandler() }.Concat(handlers ?? []))
        {
            _handlers[h.Kind] = h;
        }
    }

    /// <summary>Gets the kinds this runner executes.</summary>
    internal IReadOnlyCollection<string> Kinds => _handlers.Keys;

    /// <summary>Executes a request file and writes its result file; an existing result is kept and returned.</summary>
    /// <param name="requestPath">The request file.</param>
    /// <param name="cancellationToken">Cancels the work (no result is written).</param>
    /// <returns>The result file's path.</returns>
    /// <exception cref="WorkRequestNotFoundException">The request is not on this node's storage.</exception>
    public async Task<string> RunAsync(string requestPath, CancellationToken cancellationToken = default)
    {
        var request = WorkRequest.Load(requestPath);
        if (File.Exists(request.ResultPath))
        {
            LogAlreadyDone(request.Id);
            return request.ResultPath;
        }

        if (!_handlers.TryGetValue(request.Kind, out var handler))
        {
            throw new InvalidDataException($"{request.RequestPath}: no handler for work kind '{request.Kind}' (this worker knows {string.Join(", ", _handlers.Keys)}).");
        }

        var clock = Stopwatch.StartNew();
        string? job = SlurmJobKeyFromEnvironment();
        LogStarted(request.Id, request.Kind, Environment.MachineName, job ?? "-");
        try
        {
            var payload = await handler.ExecuteAsync(request, _loggers, cancellationToken).ConfigureAwait(false);
            var doc = new JsonObject
            {
                ["format"] = 1,
                ["kind"] = request.Kind,
                ["id"] = request.Id,
                ["host"] = Environment.MachineName,
                ["job"] = job,
                ["elapsedSeconds"] = clock.Elapsed.TotalSeconds,
                ["finished"] = WorkRequest.Now(),
                ["payload"] = payload,
            };
            WorkFiles.WriteAtomic(request.ResultPath, doc.ToJsonString(WorkFiles.Json));
            TryDelete(request.ErrorPath);
            LogFinished(request.Id, clock.Elapsed.TotalSeconds);
            return request.ResultPath;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            var doc = new JsonObject
            {
                ["id"] = request.Id,
                ["host"] = Environment.MachineName,
                ["job"] = job,
                ["error"] = ex.GetType().Name + ": " + ex.Message,
                ["detail"] = ex.ToString(),
                ["finished"] = WorkRequest.Now(),
            };
            try
            {
                WorkFiles.WriteAtomic(request.ErrorPath, doc.ToJsonString(WorkFiles.Json));
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    /// <summary>Reads the payload of a result file.</summary>
    /// <param name="resultPath">The result file.</param>
    /// <returns>The payload and the Slurm job recorded by the worker (or <see langword="null"/>).</returns>
    public static (JsonObject Payload, string? Job, string? Host) ReadResult(string resultPath)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(resultPath)) as JsonObject ?? throw new InvalidDataException($"{resultPath}: not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{resultPath}: not valid JSON ({ex.Message}).", ex);
        }

        var payload = root["payload"] as JsonObject ?? throw new InvalidDataException($"{resultPath}: 'payload' is missing.");
        return (payload, root["job"]?.GetValue<string>(), root["host"]?.GetValue<string>());
    }

    internal static string? SlurmJobKeyFromEnvironment()
    {
        string? array = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID");
        string? task = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        if (!string.IsNullOrEmpty(array) && !string.IsNullOrEmpty(task))
        {
            return array + "_" + task;
        }

        string? id = Environment.GetEnvironmentVariable("SLURM_JOB_ID");
        return string.IsNullOrEmpty(id) ? null : id;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {Id} already has a result; nothing to do")]
    private partial void LogAlreadyDone(string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {Id} ({Kind}) started on {Host}, Slurm job {Job}")]
    private partial void LogStarted(string id, string kind, string host, string job);

    [LoggerMessage(Level = LogLevel.Information, Message = "Work {Id} finished in {Seconds:F1} s")]
    private partial void LogFinished(string id, double seconds);
}

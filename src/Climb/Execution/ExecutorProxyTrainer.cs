using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// A proxy trainer that sends each run to an <see cref="IWorkExecutor"/>: it writes the run as a request file
/// (the token store named by its folder, the targets in a file beside it, the trainer by its
/// <see cref="ProxyTrainerSpec"/>), lets the executor run it (in process, or as one Slurm job) and returns the
/// worker's <see cref="ProxyResult"/>. Results are identical to the inner trainer's; on Slurm,
/// <see cref="ProxyResult.Device"/> also names the job and host, so the search journal records them.
/// </summary>
/// <remarks>The work folder and the token store must be on storage every node sees. Requests are named by a hash of
/// everything that determines the result, so a re-run finds the result (or the running job) of an earlier one.</remarks>
internal sealed partial class ExecutorProxyTrainer : IProxyTrainer
{
    private readonly ProxyTrainerSpec _trainer;
    private readonly IWorkExecutor _executor;
    private readonly string _folder;
    private readonly ILogger _logger;

    /// <summary>Initializes the decorator.</summary>
    /// <param name="trainer">The trainer the workers build.</param>
    /// <param name="executor">Where the runs execute.</param>
    /// <param name="workDirectory">The folder of request and result files (in the artifacts folder, on shared storage).</param>
    /// <param name="logger">Logger.</param>
    public ExecutorProxyTrainer(ProxyTrainerSpec trainer, IWorkExecutor executor, string workDirectory, ILogger<ExecutorProxyTrainer>? logger = null)
    {
        _trainer = trainer ?? throw new ArgumentNullException(nameof(trainer));
        _executor = executor ?? throw new ArgumentNullException(nameof(executor));
        ArgumentException.ThrowIfNullOrWhiteSpace(workDirectory);
        _folder = Path.GetFullPath(workDirectory);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the identity of the trainer the workers build (where it runs does not change results).</summary>
    public string Identity => _trainer.Identity;

    /// <inheritdoc />
    public async Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        string targets = ProxyWorkFiles.WriteTargets(_folder, request.Targets);
        double[] mixture = request.Mixture.ToArray();
        string store = Path.GetFullPath(request.Data.DirectoryPath ?? throw new ArgumentException(
            "A proxy trained by a worker opens the tokenised clusters from shared storage: the request's Data has no DirectoryPath (clusters held in memory cannot be sent).", nameof(request)));
        string id = "proxy-" + WorkRequest.HashOf(
            _trainer.Identity,
            store,
            string.Join(',', request.Data.TokenCounts),
            Path.GetFileName(targets),
            string.Join(',', mixture.Select(w => w.ToString("R", CultureInfo.InvariantCulture))),
            request.Seed.ToString(CultureInfo.InvariantCulture));
        var payload = new JsonObject
        {
            ["trainer"] = _trainer.ToJson(),
            ["tokens"] = store,
            ["targets"] = targets,
            ["mixture"] = new JsonArray(mixture.Select(w => (JsonNode?)JsonValue.Create(w)).ToArray()),
            ["seed"] = request.Seed,
        };
        var work = WorkRequest.Create(_folder, ProxyWorkFiles.Kind, id, payload);
        WorkResult result;
        try
        {
            result = await _executor.ExecuteAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (SlurmJobFailedException ex) when (_trainer.Kind == ProxyTrainerSpec.CommandKind)
        {
            // An external trainer's job that Slurm killed (time limit, memory, node) as often as allowed fails its proxy, not the search.
            throw new ProxyRunFailedException(ex.Message, ex);
        }

        LogRan(id, result.Job ?? "in process", result.Host ?? "-", result.Attempts);
        if (ProxyWorkFiles.FailureFromJson(result.Payload) is { } reason)
        {
            throw new ProxyRunFailedException(result.Job is null ? reason : $"{reason} (slurm job {result.Job} on {result.Host})");
        }

        var proxy = ProxyWorkFiles.ResultFromJson(result.Payload, request.Mixture, request.Seed, result.Job, result.Host);
        progress?.Report(new ProxyTrainingProgress("evaluate", 1, 1, double.NaN, proxy.TokensTrained, proxy.Elapsed));
        return proxy;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxy {Id}: ran as {Job} on {Host} ({Attempts} attempt(s))")]
    private partial void LogRan(string id, string job, string host, int attempts);
}

using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// The default executor: runs each request in this process with a <see cref="WorkRunner"/>, through the same
/// request and result files as a cluster worker, so both paths give identical results.
/// </summary>
internal sealed class LocalExecutor : IWorkExecutor
{
    private readonly WorkRunner _runner;
    private readonly LocalExecutorOptions _options;

    /// <summary>Initializes the executor.</summary>
    /// <param name="options">Options, or <see langword="null"/> for the defaults.</param>
    /// <param name="loggers">Logger factory for the handlers, or <see langword="null"/>.</param>
    /// <param name="handlers">Extra work handlers.</param>
    public LocalExecutor(LocalExecutorOptions? options = null, ILoggerFactory? loggers = null, IEnumerable<IWorkHandler>? handlers = null)
    {
        _options = OptionsValidation.Validate(options ?? new LocalExecutorOptions(), nameof(options));
        _runner = new WorkRunner(loggers, handlers);
    }

    /// <inheritdoc />
    public string Identity => "local";

    /// <inheritdoc />
    public async Task<WorkResult> ExecuteAsync(WorkRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        bool existed = File.Exists(request.ResultPath);
        string path = await _runner.RunAsync(request.RequestPath, cancellationToken).ConfigureAwait(false);
        var (payload, job, host) = WorkRunner.ReadResult(path);
        return new WorkResult(request, payload, job, host, existed ? 0 : 1);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<WorkResult>> ExecuteManyAsync(IReadOnlyList<WorkRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var results = new WorkResult[requests.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, requests.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (i, ct) => results[i] = await ExecuteAsync(requests[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        return results;
    }
}

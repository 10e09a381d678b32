using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// A built-in proxy trainer whose runs go through an <see cref="IWorkExecutor"/> (in process, or one Slurm job per
/// proxy): shared state such as the base model is prepared in this process first, then every run is written as a
/// request file under the search stage's <c>work/</c> folder and executed by a worker that rebuilds the trainer from
/// its <see cref="ProxyTrainerSpec"/>.
/// </summary>
/// <remarks>Where a run executes does not change its result, so the identity (and the search fingerprint) is the local
/// trainer's: a search started locally can be finished on Slurm and the other way round.</remarks>
internal sealed class ExecutorRoutedProxyTrainer(IProxyTrainer local, Func<ProxyTrainerSpec> spec, IWorkExecutor executor, ILoggerFactory loggers)
    : DelegatingProxyTrainer(local), IPreparedProxyTrainer
{
    private ExecutorProxyTrainer? _remote;

    public async Task PrepareAsync(ITokenizedClusters data, string folder, int seed, Action<string> report, CancellationToken cancellationToken)
    {
        if (InnerTrainer.GetService<IPreparedProxyTrainer>() is { } prepared)
        {
            await prepared.PrepareAsync(data, folder, seed, report, cancellationToken).ConfigureAwait(false);
        }

        _remote = new ExecutorProxyTrainer(spec(), executor, Path.Combine(folder, "work"), loggers.CreateLogger<ExecutorProxyTrainer>());
    }

    /// <inheritdoc />
    public override Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        (_remote ?? throw new InvalidOperationException("The executor-routed proxy trainer has not been prepared.")).TrainAsync(request, progress, cancellationToken);
}

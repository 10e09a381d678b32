namespace Climb.Benchmarks.Evidence;

/// <summary>
/// The benchmark's proxy evaluator (the trainer behind the per-seed proxy cache) as an <see cref="IProxyTrainer"/>, so
/// answers are re-measured through <see cref="MixtureMeasurement"/>, the code path of <c>climb measure</c>, and a
/// re-measurement interrupted half-way resumes from the cache.
/// </summary>
internal sealed class EvaluatorProxyTrainer(ProxyEvaluator evaluate, string identity) : IProxyTrainer
{
    public string Identity => identity;

    public Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return evaluate(request.Mixture, request.Seed, cancellationToken);
    }
}

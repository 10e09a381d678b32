namespace Climb;

/// <summary>
/// A proxy trainer that passes every call to an inner trainer: the base of middleware such as logging, retries or a
/// cache of finished runs. Override the members whose behaviour changes; the rest delegate.
/// </summary>
/// <remarks>
/// <see cref="Identity"/> is the inner trainer's (the search stage fingerprints it); override it when the results change.
/// <see cref="GetService"/> answers for this wrapper first, then asks the inner trainer, so the pipeline still prepares a
/// wrapped default (the shared base model every proxy continues from) before the first run.
/// </remarks>
public class DelegatingProxyTrainer : IProxyTrainer
{
    /// <summary>Initializes the wrapper.</summary>
    /// <param name="innerTrainer">The trainer every call goes to.</param>
    protected DelegatingProxyTrainer(IProxyTrainer innerTrainer)
    {
        ArgumentNullException.ThrowIfNull(innerTrainer);
        InnerTrainer = innerTrainer;
    }

    /// <summary>Gets the trainer every call goes to.</summary>
    protected IProxyTrainer InnerTrainer { get; }

    /// <inheritdoc />
    public virtual string Identity => InnerTrainer.Identity;

    /// <inheritdoc />
    public virtual Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        InnerTrainer.TrainAsync(request, progress, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerTrainer.GetService(serviceType, serviceKey);
    }
}

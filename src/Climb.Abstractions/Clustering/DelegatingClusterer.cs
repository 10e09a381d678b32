namespace Climb;

/// <summary>
/// A clusterer that passes every call to an inner clusterer: the base of middleware such as logging or timing. Override
/// the members whose behaviour changes; the rest delegate.
/// </summary>
/// <remarks>
/// <see cref="Identity"/> is the inner clusterer's; override it when the output changes. <see cref="GetService"/> answers
/// for this wrapper first, then asks the inner clusterer, so the pipeline still finds the capabilities of a wrapped
/// default (the built-in k-means fits its centroids in this process and assigns the rows as shard jobs on an executor;
/// that path calls the inner k-means directly).
/// </remarks>
public class DelegatingClusterer : IClusterer
{
    /// <summary>Initializes the wrapper.</summary>
    /// <param name="innerClusterer">The clusterer every call goes to.</param>
    protected DelegatingClusterer(IClusterer innerClusterer)
    {
        ArgumentNullException.ThrowIfNull(innerClusterer);
        InnerClusterer = innerClusterer;
    }

    /// <summary>Gets the clusterer every call goes to.</summary>
    protected IClusterer InnerClusterer { get; }

    /// <inheritdoc />
    public virtual string Identity => InnerClusterer.Identity;

    /// <inheritdoc />
    public virtual Task<ClusteringResult> ClusterAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress = null, CancellationToken cancellationToken = default) =>
        InnerClusterer.ClusterAsync(embeddings, progress, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerClusterer.GetService(serviceType, serviceKey);
    }
}

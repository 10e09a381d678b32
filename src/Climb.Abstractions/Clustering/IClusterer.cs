namespace Climb;

/// <summary>Partitions document embeddings into clusters.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface IClusterer
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    string Identity { get; }

    /// <summary>Clusters every row of <paramref name="embeddings"/>.</summary>
    /// <param name="embeddings">The rows to cluster (in memory or an on-disk store).</param>
    /// <param name="progress">Receives progress reports, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The clustering.</returns>
    Task<ClusteringResult> ClusterAsync(
        IEmbeddingSource embeddings,
        IProgress<ClusteringProgress>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/> that this component is or holds: a capability the
    /// pipeline looks for (such as a k-means that fits centroids here and assigns rows in shards elsewhere), or a component a wrapper delegates to.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; the default implementation answers only unkeyed requests.</param>
    /// <returns>The object, or <see langword="null"/>. The default returns this component when it is a
    /// <paramref name="serviceType"/>; <see cref="DelegatingClusterer"/> asks its inner component next, so capabilities survive wrapping.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}

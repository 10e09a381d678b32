namespace Climb;

/// <summary>Partitions document embeddings into clusters.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface IClusterer
{
    /// <summary>Clusters every row of <paramref name="embeddings"/>.</summary>
    /// <param name="embeddings">The rows to cluster (in memory or an on-disk store).</param>
    /// <param name="progress">Receives progress reports, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The clustering.</returns>
    Task<ClusteringResult> ClusterAsync(
        IEmbeddingSource embeddings,
        IProgress<ClusteringProgress>? progress = null,
        CancellationToken cancellationToken = default);
}

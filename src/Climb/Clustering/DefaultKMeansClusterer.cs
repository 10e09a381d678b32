using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// The pipeline's default clusterer: <see cref="KMeansClusterer"/> with <see cref="ClimbPipelineOptions.ClusterCount"/>
/// clusters, or min(1000, max(2, documents / 100)) when that is unset (the count is then a function of the corpus,
/// which the upstream fingerprint already covers).
/// </summary>
internal sealed class DefaultKMeansClusterer(KMeansClustererOptions template, int? clusterCount, string clusterCountName, ILoggerFactory loggers) : IClusterer, ICentroidFitter
{
    /// <inheritdoc />
    public string Identity => ComponentIdentity.Of("kmeans", Options(clusterCount ?? 0)) +
        (clusterCount is null ? ";clusters=min(1000,max(2,rows/100))" : string.Empty);

    /// <inheritdoc />
    public Task<ClusteringResult> ClusterAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Create(embeddings).ClusterAsync(embeddings, progress, cancellationToken);

    /// <inheritdoc />
    public Task<CentroidFit> FitCentroidsAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress, CancellationToken cancellationToken) =>
        ((ICentroidFitter)Create(embeddings)).FitCentroidsAsync(embeddings, progress, cancellationToken);

    private KMeansClusterer Create(IEmbeddingSource embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        long n = embeddings.RowCount;
        int k = clusterCount ?? (int)Math.Clamp(n / 100, 2, 1000);
        if (k > n)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{clusterCountName} {k} is larger than the {n} documents of the corpus; choose at most {n} clusters."),
                nameof(embeddings));
        }

        return new KMeansClusterer(Options(k), loggers.CreateLogger<KMeansClusterer>());
    }

    private KMeansClustererOptions Options(int k)
    {
        var options = OptionsCopy.Clone(template);
        options.ClusterCount = Math.Max(k, 1);
        return options;
    }
}

namespace Climb;

/// <summary>Centroids fitted on a sample in the main process, for an assignment pass that runs elsewhere as shards.</summary>
/// <param name="Centroids">The centroids (k × dimension).</param>
/// <param name="Iterations">The Lloyd iterations run.</param>
/// <param name="SampleCount">The rows the fit used.</param>
/// <param name="SampleIsAllRows">Whether the sample was every row (then the in-process pass sums the inertia over 4096-row blocks of the whole source, otherwise per chunk of <paramref name="ChunkRows"/>).</param>
/// <param name="Spherical">Whether rows are L2-normalised before assignment.</param>
/// <param name="ChunkRows">The rows the in-process assignment pass reads at once.</param>
/// <param name="Device">The device the fit ran on.</param>
internal sealed record CentroidFit(EmbeddingMatrix Centroids, int Iterations, long SampleCount, bool SampleIsAllRows, bool Spherical, int ChunkRows, string Device)
{
    /// <summary>The rows of one block of <see cref="KMeansClusterer.Tally"/>.</summary>
    public const int TallyBlockRows = 4096;

    /// <summary>Gets the rows over which the in-process pass forms one partial inertia sum: a sharded pass reports one sum per
    /// such unit and adds them in order, so its inertia is the in-process one to the last bit.</summary>
    public int SumRows => SampleIsAllRows ? TallyBlockRows : ChunkRows;
}

/// <summary>A clusterer that can fit its centroids without assigning every row, so that the assignment pass can run as
/// shards through an executor (<see cref="ShardedAssignment"/>) with the same result as <see cref="IClusterer.ClusterAsync"/>.</summary>
internal interface ICentroidFitter
{
    /// <summary>Fits the centroids on the clusterer's sample of <paramref name="embeddings"/>.</summary>
    Task<CentroidFit> FitCentroidsAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress, CancellationToken cancellationToken);
}

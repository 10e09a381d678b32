namespace Climb;

/// <summary>The outcome of clustering a set of embeddings.</summary>
public sealed class ClusteringResult
{
    /// <summary>Gets the cluster of every row, in row order.</summary>
    public required int[] Assignments { get; init; }

    /// <summary>Gets the centroids, one row per cluster.</summary>
    public required EmbeddingMatrix Centroids { get; init; }

    /// <summary>Gets the number of rows assigned to each cluster.</summary>
    public required long[] Sizes { get; init; }

    /// <summary>Gets the sum of squared distances of every row to its centroid (over all assigned rows).</summary>
    public required double Inertia { get; init; }

    /// <summary>Gets the number of Lloyd iterations run while fitting.</summary>
    public required int Iterations { get; init; }

    /// <summary>Gets how many rows the fit used (the rest were only assigned).</summary>
    public required long FitSampleCount { get; init; }

    /// <summary>Gets the device that ran the work (for example "cpu" or "cuda:0").</summary>
    public required string Device { get; init; }

    /// <summary>Gets the number of clusters.</summary>
    public int ClusterCount => Centroids.Rows;
}

/// <summary>Progress of a clustering run.</summary>
/// <param name="Phase">What is running ("init", "fit", "assign").</param>
/// <param name="Iteration">The current iteration of the phase.</param>
/// <param name="Completed">Units done in the phase.</param>
/// <param name="Total">Units in the phase.</param>
/// <param name="Inertia">The current inertia, when known.</param>
public sealed record ClusteringProgress(string Phase, int Iteration, long Completed, long Total, double? Inertia);

using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>How <see cref="KMeansClusterer"/> chooses its first centroids.</summary>
public enum KMeansInitialization
{
    /// <summary>Greedy k-means++ (Arthur and Vassilvitskii; 2 + ln K trials per step as scikit-learn): each new centroid drawn with probability proportional to the squared distance to the nearest chosen one, on at most 20·K rows of the fit sample.</summary>
    KMeansPlusPlus = 0,

    /// <summary>Scalable k-means‖ (Bahmani et al.): a few rounds that each draw about 2K candidates in parallel, then weighted k-means++ on the candidates. Preferable for large K × sample size.</summary>
    KMeansParallel = 1,
}

/// <summary>Options of <see cref="KMeansClusterer"/>.</summary>
public sealed class KMeansClustererOptions : IValidatableOptions
{
    /// <summary>Gets or sets the number of clusters K.</summary>
    /// <value>Default 1000 (the paper's K_init).</value>
    [Range(1, 10_000_000)]
    public int ClusterCount { get; set; } = 1000;

    /// <summary>Gets or sets the most Lloyd iterations.</summary>
    /// <value>Default 25.</value>
    [Range(0, 100_000)]
    public int MaxIterations { get; set; } = 25;

    /// <summary>Gets or sets the relative inertia improvement below which the fit stops: (previous − current) / previous &lt; tolerance.</summary>
    /// <value>Default 1e-4; 0 runs exactly <see cref="MaxIterations"/> iterations.</value>
    [Range(0.0, 1.0)]
    public double Tolerance { get; set; } = 1e-4;

    /// <summary>Gets or sets the random seed; the same seed, data and options give the same result (also across thread counts).</summary>
    /// <value>Default 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the initialisation.</summary>
    /// <value>Default <see cref="KMeansInitialization.KMeansPlusPlus"/>.</value>
    public KMeansInitialization Initialization { get; set; } = KMeansInitialization.KMeansPlusPlus;

    /// <summary>Gets or sets the k-means‖ rounds.</summary>
    /// <value>Default 5.</value>
    [Range(1, 100)]
    public int ParallelInitRounds { get; set; } = 5;

    /// <summary>Gets or sets starting centroids (K rows of the data's dimension) that replace the initialisation, for warm starts and comparisons.</summary>
    /// <value>Default <see langword="null"/> (use <see cref="Initialization"/>).</value>
    public EmbeddingMatrix? InitialCentroids { get; set; }

    /// <summary>Gets or sets spherical mode: rows and centroids are L2-normalised, so clusters follow cosine similarity.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool Spherical { get; set; }

    /// <summary>Gets or sets the fraction of rows to fit on (the rest are only assigned); combined with <see cref="MaxPointsPerCentroid"/>, the smaller sample wins.</summary>
    /// <value>Default <see langword="null"/>: no fraction limit.</value>
    [Range(1e-9, 1.0)]
    public double? FitSampleFraction { get; set; }

    /// <summary>Gets or sets the most fit rows per centroid (FAISS's max_points_per_centroid); 0 means no cap.</summary>
    /// <value>Default 256, as FAISS.</value>
    [Range(0, int.MaxValue)]
    public int MaxPointsPerCentroid { get; set; } = 256;

    /// <summary>Gets or sets where the Lloyd iterations run.</summary>
    /// <value>Default <see cref="ComputeDevice.Auto"/> (CUDA when ILGPU finds a CUDA device, else the CPU).</value>
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Gets or sets the most CPU threads (−1: all cores).</summary>
    /// <value>Default −1.</value>
    [Range(-1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Gets or sets how many rows the streaming assignment pass reads from the source at a time.</summary>
    /// <value>Default 65 536.</value>
    [Range(1, int.MaxValue)]
    public int AssignBatchRows { get; set; } = 65_536;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (MaxDegreeOfParallelism == 0)
        {
            yield return "MaxDegreeOfParallelism must be -1 (all cores) or positive.";
        }

        if (InitialCentroids is { } c && c.Rows != ClusterCount)
        {
            yield return $"InitialCentroids has {c.Rows} rows but ClusterCount is {ClusterCount}.";
        }

        if (Device is not (ComputeDevice.Auto or ComputeDevice.Cpu or ComputeDevice.Cuda))
        {
            yield return $"Device {Device} is not a known device.";
        }
    }
}

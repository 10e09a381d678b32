using ILGPU.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>Merges fine clusters into super-clusters by the distances between their centroids.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
internal interface ICentroidMerger
{
    /// <summary>Merges fine clusters.</summary>
    /// <param name="centroids">The fine centroids, one row per cluster.</param>
    /// <param name="sizes">The rows in each fine cluster.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The mapping and the merged clusters.</returns>
    CentroidMergeResult Merge(EmbeddingMatrix centroids, IReadOnlyList<long> sizes, CancellationToken cancellationToken = default);
}

/// <summary>One agglomeration step.</summary>
/// <param name="First">The first group (a fine cluster index below K, or K + step for a group formed at that step).</param>
/// <param name="Second">The second group, numbered likewise.</param>
/// <param name="Distance">The linkage distance at which they merged.</param>
/// <param name="Size">The rows in the merged group (its fine-cluster count when not weighting by size).</param>
internal sealed record CentroidMergeStep(int First, int Second, double Distance, double Size);

/// <summary>The outcome of merging fine clusters.</summary>
internal sealed class CentroidMergeResult
{
    /// <summary>Gets the super-cluster of every fine cluster (super-clusters are numbered by their lowest fine cluster).</summary>
    public required int[] SuperClusterOf { get; init; }

    /// <summary>Gets the super-cluster centroids: size-weighted means of their fine centroids.</summary>
    public required EmbeddingMatrix Centroids { get; init; }

    /// <summary>Gets the rows in every super-cluster.</summary>
    public required long[] Sizes { get; init; }

    /// <summary>Gets the full dendrogram (K − 1 steps in increasing distance), whatever the cut.</summary>
    public required IReadOnlyList<CentroidMergeStep> Dendrogram { get; init; }

    /// <summary>Gets the number of super-clusters.</summary>
    public int SuperClusterCount => Sizes.Length;
}

/// <summary>
/// Agglomerative merging of fine clusters (Ward or average linkage) with a nearest-neighbour chain over the full
/// K × K distance matrix: O(K²) time and memory (8 bytes per pair; K = 1000 takes milliseconds).
/// </summary>
/// <remarks>
/// <para>Distances start as Euclidean distances between centroids. Average linkage updates them as size-weighted
/// means (Lance–Williams). Ward works on the merge cost ΔSSE(u, v) = wᵤ·wᵥ/(wᵤ + wᵥ)·‖cᵤ − cᵥ‖², the increase in the
/// within-group sum of squares, and reports the Ward distance √(2·ΔSSE / w̄), where w̄ is the mean weight of the input
/// clusters: with equal weights this is SciPy's Ward distance, which equals the Euclidean distance between two
/// single clusters, so the paper's threshold of 1.5 keeps its meaning.</para>
/// <para>The pairwise distances come from the ILGPU kernel (CUDA) or the same arithmetic on the CPU.</para>
/// </remarks>
internal sealed partial class CentroidMerger : ICentroidMerger
{
    private readonly CentroidMergerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new merger.</summary>
    /// <param name="options">The options (validated here); <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public CentroidMerger(CentroidMergerOptions? options = null, ILogger<CentroidMerger>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new CentroidMergerOptions(), nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Merges the clusters of a k-means result.</summary>
    /// <param name="clustering">The clustering.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The mapping and the merged clusters.</returns>
    public CentroidMergeResult Merge(ClusteringResult clustering, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        return Merge(clustering.Centroids, clustering.Sizes, cancellationToken);
    }

    /// <inheritdoc />
    public CentroidMergeResult Merge(EmbeddingMatrix centroids, IReadOnlyList<long> sizes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(sizes);
        int k = centroids.Rows;
        int d = centroids.Dimension;
        if (k == 0)
        {
            throw new ArgumentException("There are no centroids to merge.", nameof(centroids));
        }

        if (sizes.Count != k)
        {
            throw new ArgumentException($"{sizes.Count} sizes were given for {k} centroids.", nameof(sizes));
        }

        for (int i = 0; i < k; i++)
        {
            if (sizes[i] < 0 || (_options.WeightBySize && sizes[i] == 0))
            {
                throw new ArgumentException($"Cluster {i} has size {sizes[i]}; sizes must be positive when weighting by size (drop empty clusters first).", nameof(sizes));
            }

            foreach (float v in centroids[i])
            {
                if (!float.IsFinite(v))
                {
                    throw new ArgumentException($"Centroid {i} has a NaN or infinite value.", nameof(centroids));
                }
            }
        }

        if (_options.TargetClusterCount is int target && target > k)
        {
            throw new ArgumentException($"TargetClusterCount {target} exceeds the {k} clusters to merge.", nameof(centroids));
        }

        var weights = new double[k];
        for (int i = 0; i < k; i++)
        {
            weights[i] = _options.WeightBySize ? sizes[i] : 1.0;
        }

        var distances = PairwiseDistances(centroids, cancellationToken);
        var steps = Agglomerate(distances, weights, _options.Linkage, cancellationToken);

        // Cut: replay the sorted steps with a union-find.
        var parent = Enumerable.Range(0, 2 * k).ToArray();
        int applied = _options.TargetClusterCount is int t2
            ? k - t2
            : steps.TakeWhile(s => s.Distance <= _options.DistanceThreshold).Count();
        for (int s = 0; s < applied; s++)
        {
            parent[steps[s].First] = k + s;
            parent[steps[s].Second] = k + s;
        }

        var superOf = new int[k];
        var rootToSuper = new Dictionary<int, int>();
        for (int i = 0; i < k; i++)
        {
            int r = i;
            while (parent[r] != r)
            {
                r = parent[r];
            }

            if (!rootToSuper.TryGetValue(r, out int sIndex))
            {
                sIndex = rootToSuper.Count;
                rootToSuper[r] = sIndex;
            }

            superOf[i] = sIndex;
        }

        int m = rootToSuper.Count;
        var mergedSizes = new long[m];
        var sums = new double[m * d];
        var weightSums = new double[m];
        for (int i = 0; i < k; i++)
        {
            int s = superOf[i];
            mergedSizes[s] += sizes[i];
            // Size-weighted; a super-cluster made only of empty fine clusters (possible when not weighting) gets the plain mean.
            double w = sizes[i] > 0 ? sizes[i] : 1e-300;
            weightSums[s] += w;
            var c = centroids[i];
            for (int t = 0; t < d; t++)
            {
                sums[(s * d) + t] += w * c[t];
            }
        }

        var merged = new EmbeddingMatrix(m, d);
        for (int s = 0; s < m; s++)
        {
            var row = merged[s];
            for (int t = 0; t < d; t++)
            {
                row[t] = (float)(sums[(s * d) + t] / weightSums[s]);
            }
        }

        LogMerged(k, m, _options.Linkage, applied > 0 ? steps[applied - 1].Distance : 0);
        return new CentroidMergeResult { SuperClusterOf = superOf, Centroids = merged, Sizes = mergedSizes, Dendrogram = steps };
    }

    private double[] PairwiseDistances(EmbeddingMatrix centroids, CancellationToken ct)
    {
        int k = centroids.Rows;
        int d = centroids.Dimension;
        var result = new double[(long)k * k];
        var floats = new float[(long)k * k];
        AcceleratorSession? session = _options.Device switch
        {
            ComputeDevice.Cuda => AcceleratorSession.TryCreateCuda() ?? throw new InvalidOperationException("Device is Cuda but ILGPU found no CUDA device."),
            ComputeDevice.Auto => AcceleratorSession.TryCreateCuda(),
            _ => null,
        };
        using (session)
        {
            if (session is not null)
            {
                PairwiseOnAccelerator(session, centroids, floats);
            }
            else
            {
                PairwiseOnCpu(centroids, floats, ct);
            }
        }

        for (long i = 0; i < floats.LongLength; i++)
        {
            result[i] = floats[i];
        }

        return result;
    }

    /// <summary>Euclidean distances between all centroids on the CPU (the arithmetic of the ILGPU kernel).</summary>
    internal static void PairwiseOnCpu(EmbeddingMatrix centroids, float[] distances, CancellationToken ct)
    {
        int k = centroids.Rows;
        int d = centroids.Dimension;
        var data = centroids.Buffer;
        Parallel.For(0, k, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var a = data.AsSpan(i * d, d);
            for (int j = 0; j < k; j++)
            {
                distances[((long)i * k) + j] = KMeansKernels.PairDistance(a, data.AsSpan(j * d, d));
            }
        });
    }

    /// <summary>Euclidean distances between all centroids with the ILGPU kernel.</summary>
    internal static void PairwiseOnAccelerator(AcceleratorSession session, EmbeddingMatrix centroids, float[] distances)
    {
        int k = centroids.Rows;
        var acc = session.Accelerator;
        using var bc = acc.Allocate1D(centroids.Buffer);
        using var bd = acc.Allocate1D<float>((long)k * k);
        var kernels = session.Kernels;
        lock (kernels.LaunchLock)
        {
            kernels.Pairwise(bc.View, bd.View, k, centroids.Dimension);
            acc.Synchronize();
        }

        ((ILGPU.ArrayView<float>)bd.View).CopyToCPU(distances.AsSpan());
    }

    /// <summary>
    /// Nearest-neighbour-chain agglomeration (exact for the reducible Ward and average linkages); returns the K − 1
    /// steps sorted by distance (ties by formation order), groups renumbered as in SciPy (K + step).
    /// </summary>
    internal static List<CentroidMergeStep> Agglomerate(double[] euclidean, double[] weights, CentroidLinkage linkage, CancellationToken ct)
    {
        int k = weights.Length;
        double meanWeight = weights.Average();

        // Working matrix: Ward uses 2·ΔSSE (squared Ward distance); average uses plain distances.
        var dist = new double[(long)k * k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                double e = euclidean[((long)i * k) + j];
                dist[((long)i * k) + j] = linkage == CentroidLinkage.Ward
                    ? 2.0 * weights[i] * weights[j] / (weights[i] + weights[j]) * e * e
                    : e;
            }
        }

        var size = (double[])weights.Clone();
        var active = new bool[k];
        Array.Fill(active, true);
        var raw = new List<(int A, int B, double D)>(k - 1);
        var chain = new List<int>(k);
        int remaining = k;
        while (remaining > 1)
        {
            ct.ThrowIfCancellationRequested();
            if (chain.Count == 0)
            {
                chain.Add(Array.IndexOf(active, true));
            }

            int a = chain[^1];
            int prev = chain.Count > 1 ? chain[^2] : -1;

            // Nearest active neighbour of a; prefer the previous chain element on ties (guarantees termination).
            int best = -1;
            double bestD = double.PositiveInfinity;
            if (prev >= 0)
            {
                best = prev;
                bestD = dist[((long)a * k) + prev];
            }

            for (int j = 0; j < k; j++)
            {
                if (!active[j] || j == a)
                {
                    continue;
                }

                double v = dist[((long)a * k) + j];
                if (v < bestD)
                {
                    bestD = v;
                    best = j;
                }
            }

            if (best == prev)
            {
                // Reciprocal nearest neighbours: merge a and prev into the slot of the lower index.
                chain.RemoveAt(chain.Count - 1);
                chain.RemoveAt(chain.Count - 1);
                int keep = Math.Min(a, prev);
                int drop = Math.Max(a, prev);
                raw.Add((a, prev, bestD));
                double si = size[keep];
                double sj = size[drop];
                for (int x = 0; x < k; x++)
                {
                    if (!active[x] || x == keep || x == drop)
                    {
                        continue;
                    }

                    double dki = dist[((long)x * k) + keep];
                    double dkj = dist[((long)x * k) + drop];
                    double updated = linkage == CentroidLinkage.Ward
                        ? (((si + size[x]) * dki) + ((sj + size[x]) * dkj) - (size[x] * bestD)) / (si + sj + size[x])
                        : ((si * dki) + (sj * dkj)) / (si + sj);
                    dist[((long)x * k) + keep] = updated;
                    dist[((long)keep * k) + x] = updated;
                }

                active[drop] = false;
                size[keep] = si + sj;
                remaining--;
            }
            else
            {
                chain.Add(best);
            }
        }

        // Sort by distance (stable) and relabel groups SciPy-style; track which slot holds which group id.
        var order = Enumerable.Range(0, raw.Count).OrderBy(i => raw[i].D).ThenBy(i => i).ToList();
        var slotGroup = Enumerable.Range(0, k).ToArray();
        var slotSize = (double[])weights.Clone();
        var steps = new List<CentroidMergeStep>(raw.Count);

        // Replaying in sorted order is valid: for reducible linkages the sorted NN-chain merges form the same dendrogram.
        var uf = Enumerable.Range(0, k).ToArray();
        int Find(int x)
        {
            while (uf[x] != x)
            {
                uf[x] = uf[uf[x]];
                x = uf[x];
            }

            return x;
        }

        for (int s = 0; s < order.Count; s++)
        {
            var (a0, b0, dd) = raw[order[s]];
            int ra = Find(a0);
            int rb = Find(b0);
            int keep = Math.Min(ra, rb);
            int drop = Math.Max(ra, rb);
            double distance = linkage == CentroidLinkage.Ward ? Math.Sqrt(Math.Max(0, dd) / meanWeight) : dd;
            double merged = slotSize[keep] + slotSize[drop];
            steps.Add(new CentroidMergeStep(Math.Min(slotGroup[keep], slotGroup[drop]), Math.Max(slotGroup[keep], slotGroup[drop]), distance, merged));
            uf[drop] = keep;
            slotGroup[keep] = k + s;
            slotSize[keep] = merged;
        }

        return steps;
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Merged {FineCount} clusters into {SuperCount} super-clusters ({Linkage} linkage, last merge at distance {LastDistance})")]
    private partial void LogMerged(int fineCount, int superCount, CentroidLinkage linkage, double lastDistance);
}

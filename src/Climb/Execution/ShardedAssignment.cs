using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// The full k-means assignment pass as an array of shards: centroids fitted in the main process (for example by
/// <see cref="KMeansClusterer"/> on a sample) are written to the work folder, each shard of rows is one work unit
/// (one task of a Slurm job array with <see cref="SlurmExecutor"/>), and the labels are gathered in row order:
/// the same assignments as the in-process pass, in the same <c>assignments.i32</c> layout.
/// </summary>
internal static class ShardedAssignment
{
    private const int DefaultSumRows = 65_536;

    /// <summary>Assigns every row of an embedding store to its nearest centroid, one work unit per shard of rows.</summary>
    /// <param name="store">The embedding store (its folder must be on storage the workers see).</param>
    /// <param name="centroids">The centroids, row-major (k × dimension), as the clusterer returns them.</param>
    /// <param name="spherical">Whether rows are L2-normalised before assignment (<see cref="KMeansClustererOptions.Spherical"/>).</param>
    /// <param name="workDirectory">The folder of requests, results and label files (in the artifacts folder).</param>
    /// <param name="executor">Where the shards run.</param>
    /// <param name="shardRows">Rows per shard.</param>
    /// <param name="cancellationToken">Cancels the pass.</param>
    /// <returns>The assignments, sizes and inertia.</returns>
    public static async Task<ShardedAssignmentResult> AssignAsync(
        EmbeddingStore store,
        EmbeddingMatrix centroids,
        bool spherical,
        string workDirectory,
        IWorkExecutor executor,
        int shardRows = 1_000_000,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardRows, 1);
        return await AssignCoreAsync(store, centroids, spherical, workDirectory, executor, shardRows, Math.Min(shardRows, DefaultSumRows), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The pass with partial inertia sums over units of <paramref name="sumRows"/> rows from each shard's start, added in
    /// row order: with <paramref name="shardRows"/> a multiple of <paramref name="sumRows"/> and <paramref name="sumRows"/>
    /// the unit of the in-process pass (<see cref="CentroidFit.SumRows"/>), the inertia equals <see cref="KMeansClusterer"/>'s bit for bit.
    /// </summary>
    internal static async Task<ShardedAssignmentResult> AssignCoreAsync(
        EmbeddingStore store,
        EmbeddingMatrix centroids,
        bool spherical,
        string workDirectory,
        IWorkExecutor executor,
        int shardRows,
        int sumRows,
        CancellationToken cancellationToken,
        bool deleteLabels = false)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardRows, 1);
        if (centroids.Dimension != store.Dimension)
        {
            throw new ArgumentException($"The centroids have dimension {centroids.Dimension}, the store {store.Dimension}.", nameof(centroids));
        }

        string folder = Path.GetFullPath(workDirectory);
        Directory.CreateDirectory(folder);
        byte[] centroidBytes = MemoryMarshal.AsBytes(centroids.Data).ToArray();
        string hash = WorkRequest.HashOf(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(centroidBytes)), Path.GetFullPath(store.Folder), store.RowCount.ToString(CultureInfo.InvariantCulture), spherical.ToString(), shardRows.ToString(CultureInfo.InvariantCulture), sumRows.ToString(CultureInfo.InvariantCulture));
        string centroidsPath = Path.Combine(folder, "centroids-" + hash + ".f32");
        if (!File.Exists(centroidsPath))
        {
            WorkFiles.WriteAtomic(centroidsPath, centroidBytes);
        }

        var requests = new List<WorkRequest>();
        for (long start = 0, shard = 0; start < store.RowCount; start += shardRows, shard++)
        {
            int count = (int)Math.Min(shardRows, store.RowCount - start);
            requests.Add(WorkRequest.Create(folder, AssignmentShardWorkHandler.WorkKind, $"assign-{hash}-{shard:D5}", new JsonObject
            {
                ["store"] = Path.GetFullPath(store.Folder),
                ["centroids"] = centroidsPath,
                ["clusters"] = centroids.Rows,
                ["spherical"] = spherical,
                ["start"] = start,
                ["count"] = count,
                ["sumRows"] = sumRows,
            }));
        }

        var results = await executor.ExecuteManyAsync(requests, cancellationToken).ConfigureAwait(false);
        var assignments = new int[store.RowCount];
        var sizes = new long[centroids.Rows];
        double inertia = 0;
        foreach (var r in results)
        {
            long start = r.Payload["start"]!.GetValue<long>();
            int count = r.Payload["count"]!.GetValue<int>();
            string labelsPath = r.Payload["labels"]!.GetValue<string>();
            var labels = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(labelsPath));
            if (labels.Length != count)
            {
                throw new InvalidDataException($"{labelsPath}: {labels.Length} labels, not {count}.");
            }

            labels.CopyTo(assignments.AsSpan((int)start, count));
            if (deleteLabels)
            {
                File.Delete(labelsPath); // the caller keeps the gathered assignments; the result file still names the job
            }

            var s = r.Payload["sizes"]!.AsArray();
            for (int c = 0; c < sizes.Length; c++)
            {
                sizes[c] += s[c]!.GetValue<long>();
            }

            if (r.Payload["sums"] is JsonArray sums)
            {
                foreach (var x in sums)
                {
                    inertia += x!.GetValue<double>();
                }
            }
            else
            {
                inertia += r.Payload["squaredDistanceSum"]!.GetValue<double>();
            }
        }

        return new ShardedAssignmentResult(assignments, sizes, inertia, results.Select(r => r.Job).ToList());
    }
}

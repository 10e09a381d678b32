using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// Runs one k-means assignment shard ("assign-shard"): reads rows [start, start + count) of an embedding store,
/// assigns each to its nearest centroid with the same CPU kernel as <see cref="KMeansClusterer"/>, and writes the
/// labels (int32, little-endian) beside the request with the shard's cluster sizes and squared-distance sum.
/// </summary>
internal sealed class AssignmentShardWorkHandler : IWorkHandler
{
    public const string WorkKind = "assign-shard";

    public string Kind => WorkKind;

    public Task<JsonObject> ExecuteAsync(WorkRequest request, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        Task.Run(() => Execute(request, cancellationToken), cancellationToken);

    private static JsonObject Execute(WorkRequest request, CancellationToken ct)
    {
        var p = request.Payload;
        string storeFolder = p["store"]!.GetValue<string>();
        string centroidsPath = p["centroids"]!.GetValue<string>();
        foreach (string path in new[] { storeFolder, centroidsPath })
        {
            if (!Path.Exists(path))
            {
                throw new WorkRequestNotFoundException($"'{path}' named by {request.RequestPath} not found on host '{Environment.MachineName}': the artifacts folder must be on storage every node sees.", path);
            }
        }

        int k = p["clusters"]!.GetValue<int>();
        long start = p["start"]!.GetValue<long>();
        int count = p["count"]!.GetValue<int>();
        bool spherical = p["spherical"]!.GetValue<bool>();
        int batchRows = p["batchRows"]?.GetValue<int>() ?? 65536;
        using var store = EmbeddingStore.Open(storeFolder);
        int d = store.Dimension;
        float[] centroids = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(centroidsPath)).ToArray();
        if (centroids.Length != k * d)
        {
            throw new InvalidDataException($"{centroidsPath}: {centroids.Length} floats, not {k} × {d}.");
        }

        if (start < 0 || count < 0 || start + count > store.RowCount)
        {
            throw new InvalidDataException($"{request.RequestPath}: rows [{start}, {start + count}) are outside the store's {store.RowCount} rows.");
        }

        // One partial inertia sum per unit of sumRows rows (from the shard's start), each formed exactly as the in-process
        // pass forms its sums (KMeansClusterer.Tally), so the main process adds them to the in-process inertia bit for bit.
        int sumRows = Math.Max(1, p["sumRows"]?.GetValue<int>() ?? batchRows);
        var packed = new PackedCentroids(centroids, k, d);
        var labels = new int[count];
        var sizes = new long[k];
        var sums = new List<double>();
        int batch = Math.Max(1, Math.Min(sumRows, count));
        var buffer = new float[batch * d];
        var partial = new float[batch];
        var batchLabels = new int[batch];
        for (int off = 0; off < count; off += batch)
        {
            ct.ThrowIfCancellationRequested();
            int n = Math.Min(batch, count - off);
            var span = buffer.AsSpan(0, n * d);
            span.Fill(float.NaN);
            store.ReadRows(start + off, n, span);
            for (int i = 0; i < span.Length; i++)
            {
                if (!float.IsFinite(span[i]))
                {
                    throw new InvalidDataException($"Row {start + off + (i / d)} of the embedding store '{storeFolder}' has a NaN or infinite value at dimension {i % d}; re-embed it before clustering.");
                }
            }

            if (spherical)
            {
                KMeansCpu.Normalize(span, d);
            }

            CpuAssignmentKernel.Assign(buffer, n, packed, batchLabels.AsMemory(0, n), partial, -1, ct);
            batchLabels.AsSpan(0, n).CopyTo(labels.AsSpan(off, n));
            sums.Add(KMeansClusterer.Tally(buffer, n, d, centroids, batchLabels, sizes, -1));
        }

        double sum = 0;
        foreach (double s in sums)
        {
            sum += s;
        }

        string labelsPath = Path.Combine(Path.GetDirectoryName(request.RequestPath)!, request.Id + ".labels.i32");
        WorkFiles.WriteAtomic(labelsPath, MemoryMarshal.AsBytes(labels.AsSpan()));
        return new JsonObject
        {
            ["labels"] = labelsPath,
            ["start"] = start,
            ["count"] = count,
            ["squaredDistanceSum"] = sum,
            ["sums"] = new JsonArray(sums.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
            ["sizes"] = new JsonArray(sizes.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray()),
        };
    }
}

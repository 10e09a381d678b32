using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Stage 2: clusters the embeddings. Owns the files <c>assignments.i32</c> (one cluster id per document, in
/// corpus order), <c>centroids.f32</c> (row-major) and <c>clustering.json</c> (everything else).</summary>
/// <remarks>With an executor that runs work elsewhere (<see cref="SlurmExecutor"/>) and the built-in k-means, the
/// centroids are fitted on the sample in this process (on the GPU when there is one) and the assignment pass over every
/// row runs as shards under <c>work/</c> (a job array), with the same assignments, sizes and inertia as in process.</remarks>
internal sealed partial class ClusterStage(EmbedStage embed, IClusterer clusterer, IWorkExecutor? executor = null) : PipelineStage(embed)
{
    /// <summary>About this many rows per assignment shard (rounded to whole units of the in-process pass's partial sums).</summary>
    internal const int TargetShardRows = 1_000_000;
    private const string WorkFolder = "work";
    private const string AssignmentsFile = "assignments.i32";
    private const string CentroidsFile = "centroids.f32";
    private const string MetadataFile = "clustering.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private ClusteringResult? _result;

    /// <summary>Gets the clustering.</summary>
    public ClusteringResult Result => Ready(_result, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("cluster/v3", clusterer.Identity);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var progress = new SyncProgress<ClusteringProgress>(c => context.Report(Name, $"{c.Phase} iteration {c.Iteration}", c.Completed, c.Total));
        var result = executor is not (null or LocalExecutor) && clusterer.GetService<ICentroidFitter>() is { } fitter
            ? await ClusterShardedAsync(fitter, executor, folder, progress, context.Logger<ClusterStage>(), cancellationToken).ConfigureAwait(false)
            : await InProcessAsync(context, progress, cancellationToken).ConfigureAwait(false);
        Check(result, embed.Store.RowCount, embed.Store.Dimension, $"The clusterer ({clusterer.Identity})");
        AtomicFile.Write(Path.Combine(folder, AssignmentsFile), MemoryMarshal.AsBytes(result.Assignments.AsSpan()));
        AtomicFile.Write(Path.Combine(folder, CentroidsFile), MemoryMarshal.AsBytes(result.Centroids.Data));
        var meta = new Metadata(result.ClusterCount, result.Centroids.Dimension, result.Sizes, result.Inertia, result.Iterations, result.FitSampleCount, result.Device);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, MetadataFile), JsonSerializer.Serialize(meta, Json), cancellationToken).ConfigureAwait(false);
        _result = result;
        return new Dictionary<string, double>
        {
            ["clusters"] = result.ClusterCount,
            ["inertia"] = result.Inertia,
            ["kmeans_iterations"] = result.Iterations,
            ["kmeans_fit_sample"] = result.FitSampleCount,
        };
    }

    /// <summary>Fits on the sample here, then runs the assignment pass as shards through the executor.</summary>
    internal async Task<ClusteringResult> ClusterShardedAsync(ICentroidFitter fitter, IWorkExecutor shards, string folder, IProgress<ClusteringProgress> progress, ILogger logger, CancellationToken ct)
    {
        var store = embed.Store;
        var fit = await fitter.FitCentroidsAsync(store, progress, ct).ConfigureAwait(false);
        int sumRows = fit.SumRows;
        int shardRows = (int)Math.Max(1, TargetShardRows / sumRows) * sumRows;
        LogShardedAssignment(logger, store.RowCount, (store.RowCount + shardRows - 1) / shardRows, shards.Identity);
        var assigned = await ShardedAssignment.AssignCoreAsync(store, fit.Centroids, fit.Spherical, Path.Combine(folder, WorkFolder), shards, shardRows, sumRows, ct, deleteLabels: true).ConfigureAwait(false);
        return new ClusteringResult
        {
            Assignments = assigned.Assignments,
            Centroids = fit.Centroids,
            Sizes = assigned.Sizes,
            Inertia = assigned.Inertia,
            Iterations = fit.Iterations,
            FitSampleCount = fit.SampleCount,
            Device = fit.Device,
        };
    }

    private Task<ClusteringResult> InProcessAsync(StageContext context, IProgress<ClusteringProgress> progress, CancellationToken ct)
    {
        if (executor is not (null or LocalExecutor))
        {
            LogClusteringInProcess(context.Logger<ClusterStage>(), executor.Identity, clusterer.Identity);
        }

        return clusterer.ClusterAsync(embed.Store, progress, ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "k-means fitted in this process; assigning {Rows} rows as {Shards} shard(s) on {Executor}")]
    private static partial void LogShardedAssignment(ILogger logger, long rows, long shards, string executor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clustering in this process, not as shard jobs on {Executor}: the plugged-in clusterer ({Clusterer}) cannot split its assignment pass into shards")]
    private static partial void LogClusteringInProcess(ILogger logger, string executor, string clusterer);

    public override void Load(StageContext context, string folder)
    {
        var meta = JsonSerializer.Deserialize<Metadata>(File.ReadAllText(Path.Combine(folder, MetadataFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{MetadataFile} is empty.");
        var result = new ClusteringResult
        {
            Assignments = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(folder, AssignmentsFile))).ToArray(),
            Centroids = new EmbeddingMatrix(MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, CentroidsFile))).ToArray(), meta.Dimension),
            Sizes = meta.Sizes,
            Inertia = meta.Inertia,
            Iterations = meta.Iterations,
            FitSampleCount = meta.FitSampleCount,
            Device = meta.Device,
        };
        Check(result, embed.Store.RowCount, embed.Store.Dimension, folder);
        _result = result;
    }

    /// <summary>Checks that a clustering fits the embeddings: one assignment per row, every id a centroid, sizes that add up.</summary>
    private static void Check(ClusteringResult r, long rows, int dimension, string source)
    {
        int k = r.Centroids.Rows;
        if (r.Assignments.Length != rows || r.Centroids.Dimension != dimension || r.Sizes.Length != k || k < 1)
        {
            throw new InvalidDataException($"{source}: {r.Assignments.Length} assignments and {k} centroids of dimension {r.Centroids.Dimension} do not fit {rows} embeddings of dimension {dimension}.");
        }

        var counts = new long[k];
        foreach (int a in r.Assignments)
        {
            if ((uint)a >= (uint)k)
            {
                throw new InvalidDataException($"{source}: cluster id {a} is outside 0..{k - 1}.");
            }

            counts[a]++;
        }

        if (!counts.AsSpan().SequenceEqual(r.Sizes))
        {
            throw new InvalidDataException($"{source}: the cluster sizes do not match the assignments.");
        }
    }

    private sealed record Metadata(int ClusterCount, int Dimension, long[] Sizes, double Inertia, int Iterations, long FitSampleCount, string Device);
}

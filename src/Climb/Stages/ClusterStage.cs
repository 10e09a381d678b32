using System.Runtime.InteropServices;
using System.Text.Json;

namespace Climb;

/// <summary>Stage 2: clusters the embeddings. Owns the files <c>assignments.i32</c> (one cluster id per document, in
/// corpus order), <c>centroids.f32</c> (row-major) and <c>clustering.json</c> (everything else).</summary>
internal sealed class ClusterStage(EmbedStage embed, IClusterer clusterer) : PipelineStage
{
    private const string AssignmentsFile = "assignments.i32";
    private const string CentroidsFile = "centroids.f32";
    private const string MetadataFile = "clustering.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private ClusteringResult? _result;

    public override string Name => "cluster";

    public override IReadOnlyList<PipelineStage> Upstream => [embed];

    /// <summary>Gets the clustering.</summary>
    public ClusteringResult Result => Ready(_result, Name);

    protected override string ComputeFingerprint() => Climb.Fingerprint.Of("cluster/v2", embed.Fingerprint, clusterer.Identity);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var progress = new SyncProgress<ClusteringProgress>(c => context.Report(Name, $"{c.Phase} iteration {c.Iteration}", c.Completed, c.Total));
        var result = await clusterer.ClusterAsync(embed.Store, progress, cancellationToken).ConfigureAwait(false);
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

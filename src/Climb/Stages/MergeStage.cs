using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Stage 5: merges the kept clusters' centroids into super-clusters, the components of the mixture. Owns
/// <c>merge.json</c> (super-cluster count, fine → super map with -1 for pruned clusters, sizes).</summary>
internal sealed class MergeStage(ClusterStage cluster, PruneStage prune, CentroidMergerOptions options) : PipelineStage(cluster, prune)
{
    private const string MergeFile = "merge.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private MergeOutput? _output;

    /// <summary>Gets the super-clusters.</summary>
    public MergeOutput Output => Ready(_output, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("merge/v3", JsonSerializer.Serialize(options));

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var kept = prune.Output.Kept;
        var c = cluster.Result;
        var centroids = new EmbeddingMatrix(kept.Length, c.Centroids.Dimension);
        var sizes = new long[kept.Length];
        for (int i = 0; i < kept.Length; i++)
        {
            c.Centroids[kept[i]].CopyTo(centroids[i]);
            sizes[i] = c.Sizes[kept[i]];
        }

        var effective = options;
        if (options.TargetClusterCount is int target && target > kept.Length)
        {
            effective = OptionsCopy.Clone(options);
            effective.TargetClusterCount = kept.Length;
        }

        var merged = new CentroidMerger(effective, context.Logger<CentroidMerger>()).Merge(centroids, sizes, cancellationToken);
        if (merged.SuperClusterCount < 2)
        {
            throw new InvalidDataException(
                $"Merging left {merged.SuperClusterCount} super-cluster ({kept.Length} of {c.ClusterCount} clusters survived pruning): a mixture needs at least 2 components to search. " +
                $"Ask for more super-clusters ({context.Names["Merging.TargetClusterCount"]}) or prune less ({context.Names["Pruning"]}).");
        }

        var superOf = Enumerable.Repeat(-1, c.ClusterCount).ToArray();
        for (int i = 0; i < kept.Length; i++)
        {
            superOf[kept[i]] = merged.SuperClusterOf[i];
        }

        var output = new MergeOutput(merged.SuperClusterCount, superOf, merged.Sizes);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, MergeFile), JsonSerializer.Serialize(output, Json), cancellationToken).ConfigureAwait(false);
        Log.PrunedAndMerged(context.Loggers.CreateLogger<ClimbPipeline>(), kept.Length, c.ClusterCount, sizes.Sum(), merged.SuperClusterCount);
        _output = output;
        return new Dictionary<string, double> { ["super_clusters"] = merged.SuperClusterCount };
    }

    public override void Load(StageContext context, string folder)
    {
        var output = JsonSerializer.Deserialize<MergeOutput>(File.ReadAllText(Path.Combine(folder, MergeFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{MergeFile} is empty.");
        if (output.SuperClusterOf.Length != cluster.Result.ClusterCount || output.SuperClusterOf.Any(s => s < -1 || s >= output.SuperClusterCount))
        {
            throw new InvalidDataException($"{folder}/{MergeFile} does not map the {cluster.Result.ClusterCount} clusters of the cluster stage.");
        }

        _output = output;
    }

    /// <summary>Maps every document to its super-cluster (-1 when its cluster was pruned).</summary>
    public int[] DocumentSuperClusters()
    {
        var a = cluster.Result.Assignments;
        var superOf = Output.SuperClusterOf;
        var result = new int[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = superOf[a[i]];
        }

        return result;
    }
}

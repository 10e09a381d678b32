using System.Text.Json;

namespace Climb;

/// <summary>Stage 4: drops clusters whose quality scores fail the pruning rules. Owns <c>kept.json</c> (what later stages
/// read) and the human-readable <c>pruning.md</c>/<c>pruning.json</c> written by <see cref="ClusterPruningResult"/>.</summary>
internal sealed class PruneStage(ClusterStage cluster, ScoreStage score, ClusterPrunerOptions options) : PipelineStage(cluster, score)
{
    private const string KeptFile = "kept.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private PruneOutput? _output;

    /// <summary>Gets the kept cluster ids and the decision for every cluster.</summary>
    public PruneOutput Output => Ready(_output, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("prune/v4", JsonSerializer.Serialize(options));

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var clustering = cluster.Result;
        var pruner = new ClusterPruner(options, context.Logger<ClusterPruner>());
        ClusterPruningResult result;
        try
        {
            result = pruner.Prune(clustering.Assignments, score.Scores, null, clustering.ClusterCount, score.Sources);
        }
        catch (PruningGuardException ex)
        {
            await ex.Result.WriteReportAsync(folder, cancellationToken).ConfigureAwait(false);
            throw new InvalidDataException($"{ex.Message} The per-language and per-source counts are in {Path.Combine(folder, "pruning.md")}.", ex);
        }

        await result.WriteReportAsync(folder, cancellationToken).ConfigureAwait(false);
        if (result.KeptClusterIds.Count == 0)
        {
            throw new InvalidDataException(
                $"Pruning dropped every one of the {clustering.ClusterCount} clusters; the scores of each cluster are in {Path.Combine(folder, "pruning.md")}. " +
                $"Lower the thresholds ({context.Names["Pruning"]}).");
        }

        var output = new PruneOutput(
            result.KeptClusterIds.ToArray(),
            result.Clusters.Select(c => new PruneRow(c.ClusterId, c.Size, c.Kept, c.MeanScores, string.Join("; ", c.Reasons.Select(r => r.ToString())))).ToArray(),
            result.GuardWarnings.Select(w => w.Message).ToArray());
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, KeptFile), JsonSerializer.Serialize(output, Json), cancellationToken).ConfigureAwait(false);
        _output = output;
        return new Dictionary<string, double>
        {
            ["clusters_kept"] = result.KeptClusterIds.Count,
            ["clusters_dropped"] = result.DroppedClusterIds.Count,
            ["documents_kept"] = result.KeptDocuments,
            ["documents_dropped"] = result.DroppedDocuments,
            ["guard_warnings"] = result.GuardWarnings.Count,
        };
    }

    public override void Load(StageContext context, string folder)
    {
        var output = JsonSerializer.Deserialize<PruneOutput>(File.ReadAllText(Path.Combine(folder, KeptFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{KeptFile} is empty.");
        int k = cluster.Result.ClusterCount;
        if (output.Clusters.Length != k || output.Kept.Length == 0 || output.Kept.Any(c => (uint)c >= (uint)k))
        {
            throw new InvalidDataException($"{folder}/{KeptFile} does not describe the {k} clusters of the cluster stage.");
        }

        _output = output;
    }
}

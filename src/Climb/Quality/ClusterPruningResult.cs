using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>Why a cluster was dropped.</summary>
/// <param name="Criterion">The criterion (Quality, Advertisement, InformationalValue, EducationalValue) or <c>Size</c>.</param>
/// <param name="Aggregate">The aggregate compared, or <see langword="null"/> for the size rule.</param>
/// <param name="Value">The cluster's value (aggregate score, or size).</param>
/// <param name="Threshold">The threshold it fell below.</param>
internal sealed record PruningReason(string Criterion, ClusterAggregate? Aggregate, double Value, double Threshold)
{
    /// <inheritdoc />
    public override string ToString() => Aggregate is null
        ? string.Create(CultureInfo.InvariantCulture, $"size {Value:0} < {Threshold:0}")
        : string.Create(CultureInfo.InvariantCulture, $"{Criterion} {(Aggregate == ClusterAggregate.MeanLabel ? "mean label" : "mean score")} {Value:0.00} < {Threshold:0.00}");
}

/// <summary>A sample document of a cluster, for the report.</summary>
/// <param name="Id">The document id (or its index when no documents were given).</param>
/// <param name="Snippet">The start of its text (empty when no documents were given).</param>
/// <param name="Scores">Its scores.</param>
internal sealed record ClusterSample(string Id, string Snippet, QualityScores Scores);

/// <summary>The decision about one cluster.</summary>
/// <param name="ClusterId">The cluster.</param>
/// <param name="Size">Its number of documents.</param>
/// <param name="Kept">Whether it is kept.</param>
/// <param name="MeanScores">The mean score per criterion.</param>
/// <param name="MeanLabels">The mean rounded label per criterion.</param>
/// <param name="Reasons">Why it was dropped (empty when kept).</param>
/// <param name="Samples">A few documents, evenly spread over the cluster.</param>
internal sealed record ClusterPruningDecision(
    int ClusterId,
    int Size,
    bool Kept,
    QualityScores MeanScores,
    QualityScores MeanLabels,
    IReadOnlyList<PruningReason> Reasons,
    IReadOnlyList<ClusterSample> Samples);

/// <summary>Documents kept and dropped by pruning within one language or one source.</summary>
/// <param name="Name">The language code (<c>und</c> when none was identified) or the source (<c>(none)</c> when a document has none).</param>
/// <param name="Kept">Documents in kept clusters.</param>
/// <param name="Dropped">Documents in dropped clusters.</param>
internal sealed record PruningGroupStatistics(string Name, long Kept, long Dropped)
{
    /// <summary>Gets the number of documents.</summary>
    public long Total => Kept + Dropped;

    /// <summary>Gets the fraction of the documents dropped (0 when there are none).</summary>
    public double DroppedFraction => Total == 0 ? 0 : (double)Dropped / Total;
}

/// <summary>A pruning guard that was crossed.</summary>
/// <param name="Scope"><c>all</c>, <c>language</c> or <c>source</c>.</param>
/// <param name="Name">The language or source (<c>all</c> for the whole corpus).</param>
/// <param name="DroppedFraction">The fraction dropped.</param>
/// <param name="Limit">The guard's limit.</param>
/// <param name="Message">A sentence for logs and summaries, naming the option to change.</param>
internal sealed record PruningGuardWarning(string Scope, string Name, double DroppedFraction, double Limit, string Message);

/// <summary>Thrown when pruning crosses a guard and <see cref="ClusterPrunerOptions.GuardViolationIsError"/> is set.</summary>
internal sealed class PruningGuardException : InvalidOperationException
{
    /// <summary>Initializes a new instance of the <see cref="PruningGuardException"/> class.</summary>
    /// <param name="result">The pruning result whose guards were crossed.</param>
    public PruningGuardException(ClusterPruningResult result)
        : base(string.Join(Environment.NewLine, (result ?? throw new ArgumentNullException(nameof(result))).GuardWarnings.Select(w => w.Message)))
    {
        Result = result;
    }

    /// <summary>Gets the pruning result (its report can still be written).</summary>
    public ClusterPruningResult Result { get; }
}

/// <summary>The outcome of <see cref="ClusterPruner.Prune(IReadOnlyList{int}, IReadOnlyList{QualityScores}, IReadOnlyList{Document}?, int?, IReadOnlyList{string?}?)"/>.</summary>
internal sealed class ClusterPruningResult
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    internal ClusterPruningResult(
        IReadOnlyList<ClusterPruningDecision> clusters,
        ClusterPrunerOptions options,
        IReadOnlyList<PruningGroupStatistics> byLanguage,
        IReadOnlyList<PruningGroupStatistics> bySource,
        IReadOnlyList<PruningGuardWarning> guardWarnings)
    {
        ByLanguage = byLanguage;
        BySource = bySource;
        GuardWarnings = guardWarnings;
        Clusters = clusters;
        KeptClusterIds = clusters.Where(c => c.Kept).Select(c => c.ClusterId).ToArray();
        DroppedClusterIds = clusters.Where(c => !c.Kept).Select(c => c.ClusterId).ToArray();
        KeptDocuments = clusters.Where(c => c.Kept).Sum(c => (long)c.Size);
        DroppedDocuments = clusters.Where(c => !c.Kept).Sum(c => (long)c.Size);
        Thresholds = options.Rules().ToDictionary(r => r.Name, r => (r.Rule.Threshold, r.Rule.Aggregate));
        MinClusterSize = options.MinClusterSize;
    }

    /// <summary>Gets every cluster's decision, by cluster id.</summary>
    public IReadOnlyList<ClusterPruningDecision> Clusters { get; }

    /// <summary>Gets the ids of the kept clusters, ascending.</summary>
    public IReadOnlyList<int> KeptClusterIds { get; }

    /// <summary>Gets the ids of the dropped clusters, ascending.</summary>
    public IReadOnlyList<int> DroppedClusterIds { get; }

    /// <summary>Gets the number of documents in kept clusters.</summary>
    public long KeptDocuments { get; }

    /// <summary>Gets the number of documents in dropped clusters.</summary>
    public long DroppedDocuments { get; }

    /// <summary>Gets documents kept and dropped per language (from <see cref="QualityScores.Language"/>), largest first.</summary>
    public IReadOnlyList<PruningGroupStatistics> ByLanguage { get; }

    /// <summary>Gets documents kept and dropped per source (from <see cref="Document.Source"/>), largest first; empty
    /// when the pruner was not given the documents.</summary>
    public IReadOnlyList<PruningGroupStatistics> BySource { get; }

    /// <summary>Gets the guards pruning crossed (empty when none): too many documents dropped overall, or too many of
    /// one language or source. Each has a sentence for summaries.</summary>
    public IReadOnlyList<PruningGuardWarning> GuardWarnings { get; }

    private IReadOnlyDictionary<string, (float? Threshold, ClusterAggregate Aggregate)> Thresholds { get; }

    private int MinClusterSize { get; }

    /// <summary>Tells whether a cluster is kept.</summary>
    /// <param name="clusterId">The cluster.</param>
    /// <returns><see langword="true"/> when kept.</returns>
    public bool IsKept(int clusterId) => clusterId >= 0 && clusterId < Clusters.Count && Clusters[clusterId].Kept;

    /// <summary>Renders the report as Markdown: settings, a table of every cluster, and the samples of the dropped ones.</summary>
    /// <returns>The Markdown text.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("# Cluster pruning report").AppendLine();
        sb.AppendLine(inv, $"Kept {KeptClusterIds.Count} of {Clusters.Count} clusters ({KeptDocuments} documents); dropped {DroppedClusterIds.Count} ({DroppedDocuments} documents).").AppendLine();
        sb.AppendLine("| criterion | threshold | aggregate |").AppendLine("|---|---:|---|");
        foreach (var (name, (threshold, aggregate)) in Thresholds)
        {
            sb.AppendLine(inv, $"| {name} | {(threshold is { } t ? t.ToString("0.00", inv) : "—")} | {aggregate} |");
        }

        sb.AppendLine(inv, $"| size | {MinClusterSize} | documents |").AppendLine();
        foreach (var w in GuardWarnings)
        {
            sb.AppendLine(inv, $"> **Warning:** {w.Message}").AppendLine();
        }

        foreach (var (title, groups) in new[] { ("language", ByLanguage), ("source", BySource) })
        {
            if (groups.Count == 0)
            {
                continue;
            }

            sb.AppendLine(inv, $"| {title} | documents | kept | dropped | dropped % |").AppendLine("|---|---:|---:|---:|---:|");
            foreach (var g in groups)
            {
                sb.AppendLine(inv, $"| {g.Name.Replace("|", "\\|", StringComparison.Ordinal)} | {g.Total} | {g.Kept} | {g.Dropped} | {g.DroppedFraction:P1} |");
            }

            sb.AppendLine();
        }

        sb.AppendLine("| cluster | size | kept | quality | advertisement | informational | educational | reasons |");
        sb.AppendLine("|---:|---:|:---:|---:|---:|---:|---:|---|");
        foreach (var c in Clusters)
        {
            sb.AppendLine(inv, $"| {c.ClusterId} | {c.Size} | {(c.Kept ? "yes" : "no")} | {Cell(c, 0)} | {Cell(c, 1)} | {Cell(c, 2)} | {Cell(c, 3)} | {string.Join("; ", c.Reasons)} |");
        }

        sb.AppendLine();
        foreach (var c in Clusters.Where(c => c.Samples.Count > 0))
        {
            sb.AppendLine(inv, $"## Cluster {c.ClusterId} ({(c.Kept ? "kept" : "dropped")})").AppendLine();
            foreach (var s in c.Samples)
            {
                var snippet = s.Snippet.ReplaceLineEndings(" ").Replace("|", "\\|", StringComparison.Ordinal);
                sb.AppendLine(inv, $"- `{s.Id}` (Q {s.Scores.Quality:0.0}, A {s.Scores.Advertisement:0.0}, I {s.Scores.InformationalValue:0.0}, E {s.Scores.EducationalValue:0.0}): {snippet}");
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>Serialises the result (every cluster with aggregates, reasons and samples) as indented JSON.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            keptClusterIds = KeptClusterIds,
            droppedClusterIds = DroppedClusterIds,
            keptDocuments = KeptDocuments,
            droppedDocuments = DroppedDocuments,
            minClusterSize = MinClusterSize,
            byLanguage = ByLanguage,
            bySource = BySource,
            guardWarnings = GuardWarnings,
            thresholds = Thresholds.ToDictionary(t => t.Key, t => new { threshold = t.Value.Threshold, aggregate = t.Value.Aggregate }),
            clusters = Clusters,
        },
        JsonOptions);

    /// <summary>Writes <see cref="ToMarkdown"/> and <see cref="ToJson"/> to <c>pruning.md</c> and <c>pruning.json</c> in a folder, atomically.</summary>
    /// <param name="directory">The folder (created if needed).</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A task that completes when both files are written.</returns>
    public async Task WriteReportAsync(string directory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        await AtomicFile.WriteAllTextAsync(Path.Combine(directory, "pruning.md"), ToMarkdown(), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(Path.Combine(directory, "pruning.json"), ToJson(), cancellationToken).ConfigureAwait(false);
    }

    private string Cell(ClusterPruningDecision c, int criterion)
    {
        var name = criterion switch { 0 => "Quality", 1 => "Advertisement", 2 => "InformationalValue", _ => "EducationalValue" };
        var source = Thresholds[name].Aggregate == ClusterAggregate.MeanLabel ? c.MeanLabels : c.MeanScores;
        var v = criterion switch { 0 => source.Quality, 1 => source.Advertisement, 2 => source.InformationalValue, _ => source.EducationalValue };
        return v.ToString("0.00", CultureInfo.InvariantCulture);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Drops whole clusters of low-quality documents: aggregates the per-document scores of every cluster (mean score
/// or mean label per criterion), compares them with per-criterion thresholds and a minimum size, and records the
/// reason and a few sample documents for every cluster.
/// </summary>
internal sealed partial class ClusterPruner
{
    private readonly ClusterPrunerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new instance of the <see cref="ClusterPruner"/> class.</summary>
    /// <param name="options">The options, or <see langword="null"/> for <see cref="ClusterPrunerOptions.Default"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public ClusterPruner(ClusterPrunerOptions? options = null, ILogger<ClusterPruner>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? ClusterPrunerOptions.Default(), nameof(options));
        _logger = logger ?? NullLogger<ClusterPruner>.Instance;
    }

    /// <summary>Prunes the clusters of a clustering.</summary>
    /// <param name="clustering">The clustering (its assignments, in document order).</param>
    /// <param name="scores">The scores of every document, in the same order.</param>
    /// <param name="documents">The documents (for sample ids, snippets and the per-source breakdown), or <see langword="null"/>.</param>
    /// <returns>The decision for every cluster, the per-language and per-source breakdown and any guard warnings.</returns>
    /// <exception cref="PruningGuardException">A guard was violated and <see cref="ClusterPrunerOptions.GuardViolationIsError"/> is set.</exception>
    public ClusterPruningResult Prune(ClusteringResult clustering, IReadOnlyList<QualityScores> scores, IReadOnlyList<Document>? documents = null)
    {
        ArgumentNullException.ThrowIfNull(clustering);
        return Prune(clustering.Assignments, scores, documents, clustering.ClusterCount);
    }

    /// <summary>Prunes clusters given per-document cluster assignments and scores.</summary>
    /// <param name="assignments">The cluster of every document (0-based).</param>
    /// <param name="scores">The scores of every document, in the same order.</param>
    /// <param name="documents">The documents (for sample ids and snippets), or <see langword="null"/>.</param>
    /// <param name="clusterCount">The number of clusters (so empty clusters are reported), or <see langword="null"/> for the largest id + 1.</param>
    /// <param name="sources">The source of every document when <paramref name="documents"/> is not given (a pipeline that
    /// streams its corpus keeps only these), or <see langword="null"/>; used for the per-source breakdown and guards.</param>
    /// <returns>The decision for every cluster, the per-language (from <see cref="QualityScores.Language"/>) and per-source
    /// (from <see cref="Document.Source"/> or <paramref name="sources"/>) breakdown and any guard warnings.</returns>
    /// <exception cref="PruningGuardException">A guard was violated and <see cref="ClusterPrunerOptions.GuardViolationIsError"/> is set.</exception>
    public ClusterPruningResult Prune(
        IReadOnlyList<int> assignments,
        IReadOnlyList<QualityScores> scores,
        IReadOnlyList<Document>? documents = null,
        int? clusterCount = null,
        IReadOnlyList<string?>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(assignments);
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count != assignments.Count)
        {
            throw new ArgumentException($"There are {scores.Count} score sets for {assignments.Count} assignments.", nameof(scores));
        }

        if (documents is not null && documents.Count != assignments.Count)
        {
            throw new ArgumentException($"There are {documents.Count} documents for {assignments.Count} assignments.", nameof(documents));
        }

        if (sources is not null && sources.Count != assignments.Count)
        {
            throw new ArgumentException($"There are {sources.Count} sources for {assignments.Count} assignments.", nameof(sources));
        }

        var maxId = -1;
        for (var i = 0; i < assignments.Count; i++)
        {
            var a = assignments[i];
            if (a < 0)
            {
                throw new ArgumentException($"Assignment {i} is negative ({a}).", nameof(assignments));
            }

            if (clusterCount is { } k && a >= k)
            {
                throw new ArgumentException($"Assignment {i} is {a}, not below the cluster count {k}.", nameof(assignments));
            }

            var s = scores[i];
            if (!InRange(s.Quality) || !InRange(s.Advertisement) || !InRange(s.InformationalValue) || !InRange(s.EducationalValue))
            {
                throw new ArgumentException($"Scores of document {i} are outside 0-5: {s}.", nameof(scores));
            }

            maxId = Math.Max(maxId, a);
        }

        var count = clusterCount ?? (maxId + 1);
        var members = new List<int>[count];
        for (var c = 0; c < count; c++)
        {
            members[c] = [];
        }

        for (var i = 0; i < assignments.Count; i++)
        {
            members[assignments[i]].Add(i);
        }

        var decisions = new ClusterPruningDecision[count];
        for (var c = 0; c < count; c++)
        {
            decisions[c] = Decide(c, members[c], scores, documents);
        }

        var byLanguage = Breakdown(assignments, decisions, i => scores[i].Language.ToString());
        var bySource = documents is not null ? Breakdown(assignments, decisions, i => documents[i].Source ?? "(none)")
            : sources is not null ? Breakdown(assignments, decisions, i => sources[i] ?? "(none)")
            : [];
        var warnings = Guards(decisions, byLanguage, bySource);
        var result = new ClusterPruningResult(decisions, _options, byLanguage, bySource, warnings);
        LogPruned(result.KeptClusterIds.Count, count, result.DroppedDocuments);
        foreach (var warning in warnings)
        {
            LogGuard(warning.Message);
        }

        if (warnings.Count > 0 && _options.GuardViolationIsError)
        {
            throw new PruningGuardException(result);
        }

        return result;
    }

    private ClusterPruningDecision Decide(int cluster, List<int> members, IReadOnlyList<QualityScores> scores, IReadOnlyList<Document>? documents)
    {
        double q = 0, a = 0, inf = 0, e = 0, lq = 0, la = 0, li = 0, le = 0;
        foreach (var i in members)
        {
            var s = scores[i];
            q += s.Quality;
            a += s.Advertisement;
            inf += s.InformationalValue;
            e += s.EducationalValue;
            lq += Label(s.Quality);
            la += Label(s.Advertisement);
            li += Label(s.InformationalValue);
            le += Label(s.EducationalValue);
        }

        var n = Math.Max(1, members.Count);
        var meanScores = new QualityScores((float)(q / n), (float)(a / n), (float)(inf / n), (float)(e / n));
        var meanLabels = new QualityScores((float)(lq / n), (float)(la / n), (float)(li / n), (float)(le / n));
        var reasons = new List<PruningReason>();
        if (members.Count < _options.MinClusterSize)
        {
            reasons.Add(new PruningReason("Size", null, members.Count, _options.MinClusterSize));
        }

        if (members.Count > 0)
        {
            foreach (var (name, rule) in _options.Rules())
            {
                if (rule.Threshold is not { } threshold)
                {
                    continue;
                }

                var source = rule.Aggregate == ClusterAggregate.MeanLabel ? meanLabels : meanScores;
                double value = name switch
                {
                    nameof(QualityScores.Quality) => source.Quality,
                    nameof(QualityScores.Advertisement) => source.Advertisement,
                    nameof(QualityScores.InformationalValue) => source.InformationalValue,
                    _ => source.EducationalValue,
                };
                if (value < threshold)
                {
                    reasons.Add(new PruningReason(name, rule.Aggregate, value, threshold));
                }
            }
        }

        var samples = new List<ClusterSample>();
        var take = Math.Min(_options.SamplesPerCluster, members.Count);
        for (var k = 0; k < take; k++)
        {
            var i = members[(int)((long)k * members.Count / take)];
            var doc = documents?[i];
            var snippet = doc is null ? string.Empty : doc.Text.Length <= _options.SnippetCharacters ? doc.Text : doc.Text[.._options.SnippetCharacters] + "…";
            samples.Add(new ClusterSample(doc?.Id ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture), snippet, scores[i]));
        }

        return new ClusterPruningDecision(cluster, members.Count, reasons.Count == 0, meanScores, meanLabels, reasons, samples);
    }

    private static List<PruningGroupStatistics> Breakdown(IReadOnlyList<int> assignments, ClusterPruningDecision[] decisions, Func<int, string> key)
    {
        var groups = new Dictionary<string, (long Kept, long Dropped)>(StringComparer.Ordinal);
        for (var i = 0; i < assignments.Count; i++)
        {
            var k = key(i);
            groups.TryGetValue(k, out var g);
            groups[k] = decisions[assignments[i]].Kept ? (g.Kept + 1, g.Dropped) : (g.Kept, g.Dropped + 1);
        }

        return [.. groups.OrderByDescending(g => g.Value.Kept + g.Value.Dropped).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PruningGroupStatistics(g.Key, g.Value.Kept, g.Value.Dropped))];
    }

    private List<PruningGuardWarning> Guards(ClusterPruningDecision[] decisions, List<PruningGroupStatistics> byLanguage, List<PruningGroupStatistics> bySource)
    {
        var warnings = new List<PruningGuardWarning>();
        var total = decisions.Sum(d => (long)d.Size);
        var dropped = decisions.Where(d => !d.Kept).Sum(d => (long)d.Size);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        if (_options.MaxDroppedFraction is { } maxAll && total > 0 && (double)dropped / total > maxAll)
        {
            warnings.Add(new PruningGuardWarning(
                "all", "all", (double)dropped / total, maxAll,
                string.Create(inv, $"Pruning drops {dropped} of {total} documents ({(double)dropped / total:P1}), more than the {maxAll:P0} guard (ClusterPrunerOptions.MaxDroppedFraction).")));
        }

        if (_options.MaxDroppedFractionPerGroup is { } maxGroup)
        {
            foreach (var (kind, groups) in new[] { ("language", byLanguage), ("source", bySource) })
            {
                foreach (var g in groups.Where(g => g.Total >= _options.MinGroupSizeForGuard && g.DroppedFraction > maxGroup))
                {
                    warnings.Add(new PruningGuardWarning(
                        kind, g.Name, g.DroppedFraction, maxGroup,
                        string.Create(inv, $"Pruning drops {g.Dropped} of {g.Total} documents of {kind} '{g.Name}' ({g.DroppedFraction:P1}), more than the {maxGroup:P0} guard (ClusterPrunerOptions.MaxDroppedFractionPerGroup); check that the scorer suits this {kind}.")));
                }
            }
        }

        return warnings;
    }

    /// <summary>The per-document label: the score rounded to the nearest integer (halves away from zero).</summary>
    internal static int Label(float score) => (int)Math.Round(score, MidpointRounding.AwayFromZero);

    private static bool InRange(float v) => float.IsFinite(v) && v >= 0 && v <= 5;

    [LoggerMessage(LogLevel.Warning, "Pruning guard: {Message}")]
    private partial void LogGuard(string message);

    [LoggerMessage(LogLevel.Information, "Cluster pruning kept {Kept} of {Total} clusters ({DroppedDocuments} documents dropped).")]
    private partial void LogPruned(int kept, int total, long droppedDocuments);
}

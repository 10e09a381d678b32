using System.Globalization;

namespace Climb;

/// <summary>Stage 10: renders <c>report.html</c> (published to the artifacts root) from every earlier stage's output.</summary>
internal sealed class ReportStage(
    ClimbCorpus corpus, EmbedStage embed, ClusterStage cluster, PruneStage prune, MergeStage merge, TokenizeStage tokenize, SearchStage search, ExportStage export, int seed)
    : PipelineStage(embed, cluster, prune, merge, tokenize, search, export)
{
    private const string ReportFile = "report.html";
    private string? _path;

    public override IReadOnlyList<string> PublishedFiles => [ReportFile];

    /// <summary>Gets the path of the published report (in the artifacts root).</summary>
    public string ReportPath => Ready(_path, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("report/v3", corpus.Description, seed);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, ReportFile), HtmlReportWriter.Render(Model()), cancellationToken).ConfigureAwait(false);
        _path = Path.Combine(context.Root, ReportFile);
        return new Dictionary<string, double>();
    }

    public override void Load(StageContext context, string folder) => _path = Path.Combine(context.Root, ReportFile);

    private ReportModel Model()
    {
        var c = cluster.Result;
        var s = search.Result;
        var goal = s.BestMeasured.Goal;
        var rounds = new List<ReportRound>();
        double best = goal == ObjectiveGoal.Minimize ? double.PositiveInfinity : double.NegativeInfinity;
        var predictedMeasured = new List<(double, double)>();
        foreach (var r in s.Rounds)
        {
            var objectives = r.Results.Select(x => x.Objective).ToList();
            foreach (double v in objectives)
            {
                best = goal == ObjectiveGoal.Minimize ? Math.Min(best, v) : Math.Max(best, v);
            }

            rounds.Add(new ReportRound(r.Round + 1, r.Results.Select(x => (IReadOnlyList<double>)x.Mixture.ToArray()).ToList(), objectives, best));
            if (r.PredictedUtilities is { } predicted)
            {
                double sign = goal == ObjectiveGoal.Minimize ? -1 : 1; // both in the objective's own units
                for (int i = 0; i < predicted.Count && i < r.Results.Count; i++)
                {
                    predictedMeasured.Add((sign * predicted[i], r.Results[i].Objective));
                }
            }
        }

        double? spearman = predictedMeasured.Count >= 3
            ? RankStatistics.Spearman(predictedMeasured.Select(x => x.Item1).ToArray(), predictedMeasured.Select(x => x.Item2).ToArray())
            : null;
        var tokens = tokenize.Tokens;
        var dataset = export.Result;
        var summary = new List<(string, string)>
        {
            ("corpus", corpus.Description),
            ("documents embedded", embed.Store.RowCount.ToString(CultureInfo.InvariantCulture)),
            ("embedder", embed.Store.ModelId),
            ("fine clusters (K_init)", c.ClusterCount.ToString(CultureInfo.InvariantCulture) + $" (fit on {c.FitSampleCount} points, {c.Iterations} iterations, device {c.Device})"),
            ("clusters kept by pruning (K_pruned)", prune.Output.Kept.Length.ToString(CultureInfo.InvariantCulture)),
            ("super-clusters (K_enhanced)", merge.Output.SuperClusterCount.ToString(CultureInfo.InvariantCulture)),
            ("tokens (" + tokens.Tokenizer.Identity + ")", tokens.TotalTokens.ToString("N0", CultureInfo.InvariantCulture)),
            ("search", $"{s.Strategy}: {s.ProxyResults.Count} proxy runs in {s.Rounds.Count} rounds; answer by {s.Answer.Method}"),
            ("best measured objective", $"{s.BestMeasured.Objective:G6} ({goal})"),
            ("answer", $"{s.AnswerSource}{(s.Answer.Reason is { } why ? ": " + why : string.Empty)}; measured objective {s.AnswerMeasured?.Objective.ToString("G6", CultureInfo.InvariantCulture) ?? "not measured"}; predictor {s.Answer.Predictor?.Predictor ?? "none"} (held-out Spearman {s.Answer.Predictor?.HeldOutSpearman ?? double.NaN:F3})"),
            ("proxy noise", s.Noise is { } nz ? $"objective std {nz.StandardDeviation:G3} over {nz.Objectives.Count} data seeds; signal-to-noise {s.SignalToNoise:F2}" : "not measured"),
            ("final mixture", s.Mixture.ToString()),
            ("exported dataset", string.Create(CultureInfo.InvariantCulture, $"{dataset.Documents:N0} documents, {dataset.Tokens:N0} of {dataset.TokenBudget:N0} budgeted tokens in {dataset.Shards.Count} shards ({dataset.Folder})")),
        };
        if (s.Answer.Confirmation is { } confirmation)
        {
            summary.Insert(summary.FindIndex(p => p.Item1 == "answer") + 1, ("confirmation", string.Create(
                CultureInfo.InvariantCulture,
                $"{confirmation.Candidates.Count} candidates re-measured on {confirmation.Seeds.Count} fresh data seeds: {string.Join("; ", confirmation.Candidates.Select((c, i) => $"{c.Kind} {c.MeanObjective:G5} ± {c.StandardDeviation:G2}{(i == confirmation.Chosen ? " (chosen)" : string.Empty)}"))}")));
        }

        summary.AddRange(prune.Output.GuardWarnings.Select(w => ("pruning guard", w)));
        return new ReportModel
        {
            Title = "Climb report",
            Summary = summary,
            FineClusterSizes = c.Sizes,
            CentroidProjection = Projection.Pca2(c.Centroids),
            CentroidGroups = merge.Output.SuperClusterOf,
            ComponentNames = tokenize.Catalogue.Names,
            Rounds = rounds,
            PredictedVsMeasured = predictedMeasured,
            PredictorSpearman = spearman,
            FinalWeights = s.Mixture.ToArray(),
            ObjectiveName = goal == ObjectiveGoal.Minimize ? "objective (lower is better)" : "objective (higher is better)",
            Goal = goal,
            Sections =
            [
                ("Super-cluster catalogue", ReportSections.Catalogue(tokenize.Catalogue, s.Mixture, export.Result)),
                ("Pruning", ReportSections.Pruning(prune.Output)),
            ],
        };
    }
}

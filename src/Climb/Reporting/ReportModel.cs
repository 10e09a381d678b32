namespace Climb;

/// <summary>Everything the HTML report shows, as plain data (filled by the pipeline or by a caller).</summary>
internal sealed class ReportModel
{
    public string Title { get; init; } = "Climb report";

    public DateTimeOffset GeneratedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Key figures shown as a table at the top (documents read, clusters, device, ...).</summary>
    public IReadOnlyList<(string Name, string Value)> Summary { get; init; } = [];

    /// <summary>Size of every fine cluster.</summary>
    public IReadOnlyList<long> FineClusterSizes { get; init; } = [];

    /// <summary>2-D projection of the fine centroids, the super-cluster of each (-1 = pruned) and labels.</summary>
    public IReadOnlyList<(double X, double Y)> CentroidProjection { get; init; } = [];

    public IReadOnlyList<int> CentroidGroups { get; init; } = [];

    /// <summary>Names of the super-clusters (the mixture's components).</summary>
    public IReadOnlyList<string> ComponentNames { get; init; } = [];

    /// <summary>Search rounds in order.</summary>
    public IReadOnlyList<ReportRound> Rounds { get; init; } = [];

    /// <summary>Held-out (predicted, measured) utility pairs of the predictor, with its Spearman correlation.</summary>
    public IReadOnlyList<(double Predicted, double Measured)> PredictedVsMeasured { get; init; } = [];

    public double? PredictorSpearman { get; init; }

    /// <summary>The final mixture's weights.</summary>
    public IReadOnlyList<double> FinalWeights { get; init; } = [];

    /// <summary>Name of the objective shown on plots (for example "target loss").</summary>
    public string ObjectiveName { get; init; } = "objective";

    /// <summary>Whether a smaller or larger objective is better (orders the heatmap rows best first).</summary>
    public ObjectiveGoal Goal { get; init; } = ObjectiveGoal.Minimize;

    /// <summary>Extra sections (already-escaped HTML) such as the pruning table and cluster catalogue.</summary>
    public IReadOnlyList<(string Heading, string Html)> Sections { get; init; } = [];
}

/// <summary>One search round as the report shows it.</summary>
/// <param name="Index">1-based round number.</param>
/// <param name="Mixtures">The mixtures evaluated in the round.</param>
/// <param name="Objectives">The measured objective of each mixture.</param>
/// <param name="BestObjective">The best measured objective up to and including this round.</param>
internal sealed record ReportRound(int Index, IReadOnlyList<IReadOnlyList<double>> Mixtures, IReadOnlyList<double> Objectives, double BestObjective);

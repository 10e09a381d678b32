namespace Climb;

/// <summary>The pruning decision for one cluster, as the report shows it.</summary>
internal sealed record PruneRow(int ClusterId, int Size, bool Kept, QualityScores MeanScores, string Reasons);

namespace Climb;

/// <summary>The kept cluster ids (ascending), every cluster's decision and the pruning guards' warnings.</summary>
internal sealed record PruneOutput(int[] Kept, PruneRow[] Clusters, string[] GuardWarnings);

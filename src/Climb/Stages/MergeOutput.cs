namespace Climb;

/// <summary>The super-clusters: their count, the super-cluster of every fine cluster (-1 = pruned), and their sizes.</summary>
internal sealed record MergeOutput(int SuperClusterCount, int[] SuperClusterOf, long[] Sizes);

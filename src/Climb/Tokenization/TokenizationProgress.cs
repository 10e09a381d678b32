namespace Climb;

/// <summary>Progress of tokenising a corpus into a <see cref="TokenizedClusterStore"/>.</summary>
/// <param name="ClustersDone">Clusters finished (including those resumed).</param>
/// <param name="ClusterCount">Clusters in all.</param>
/// <param name="Documents">Documents tokenised in this run.</param>
/// <param name="Tokens">Tokens written in this run.</param>
/// <param name="Elapsed">Time since the build started.</param>
public sealed record TokenizationProgress(int ClustersDone, int ClusterCount, long Documents, long Tokens, TimeSpan Elapsed);

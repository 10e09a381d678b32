namespace Climb;

/// <summary>The outcome of <see cref="ShardedAssignment.AssignAsync"/>.</summary>
/// <param name="Assignments">The nearest centroid of every row, in row order.</param>
/// <param name="Sizes">Rows per cluster.</param>
/// <param name="Inertia">The sum of squared distances of the rows to their centroids (shards summed in order).</param>
/// <param name="Jobs">The Slurm job of each shard (<see langword="null"/> entries ran in process).</param>
internal sealed record ShardedAssignmentResult(int[] Assignments, long[] Sizes, double Inertia, IReadOnlyList<string?> Jobs);

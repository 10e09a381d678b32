using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="LocalExecutor"/>.</summary>
internal sealed class LocalExecutorOptions
{
    /// <summary>Gets or sets how many requests of one <see cref="IWorkExecutor.ExecuteManyAsync"/> call run at once.</summary>
    /// <value>Default 1 (each request may itself use every core).</value>
    [Range(1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = 1;
}

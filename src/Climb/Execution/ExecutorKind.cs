namespace Climb;

/// <summary>Where the pipeline's parallel work (proxy runs, shards) executes when no executor is plugged in with <c>WithExecutor</c>.</summary>
public enum ExecutorKind
{
    /// <summary>In this process (the default).</summary>
    Local = 0,

    /// <summary>As Slurm jobs (<see cref="SlurmExecutor"/> with the pipeline's Slurm options); the artifacts folder must be on shared storage.</summary>
    Slurm = 1,
}

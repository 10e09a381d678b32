namespace Climb.Cli;

/// <summary>The cluster-pruning presets the command line offers.</summary>
internal enum PruningPreset
{
    /// <summary><see cref="ClusterPrunerOptions.Default"/>.</summary>
    Default = 0,

    /// <summary><see cref="ClusterPrunerOptions.Paper"/>.</summary>
    Paper = 1,

    /// <summary><see cref="ClusterPrunerOptions.NvidiaRecipe"/>.</summary>
    NvidiaRecipe = 2,
}

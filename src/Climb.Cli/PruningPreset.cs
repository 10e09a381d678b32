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

/// <summary>Turns a command-line pruning preset into the pruning options it names.</summary>
internal static class PruningPresets
{
    /// <summary>Gets the options of a preset.</summary>
    /// <param name="preset">The preset.</param>
    /// <returns>A new options instance.</returns>
    public static ClusterPrunerOptions ToOptions(this PruningPreset preset) => preset switch
    {
        PruningPreset.Paper => ClusterPrunerOptions.Paper(),
        PruningPreset.NvidiaRecipe => ClusterPrunerOptions.NvidiaRecipe(),
        _ => ClusterPrunerOptions.Default(),
    };
}

namespace Climb;

/// <summary>Which data seeds <see cref="ClimbSearchStrategy"/>'s search rounds train their proxies with.</summary>
public enum ClimbDataSeeds
{
    /// <summary>The search's choice (<see cref="MixtureSearchOptions.ProxySeed"/>, <see cref="MixtureSearchOptions.CommonRandomNumbers"/>: by default one seed per round, shared by its runs).</summary>
    Search = 0,

    /// <summary>One data seed, derived from the search seed, for every run of every search round: differences between any two measurements come from the mixtures and their interaction with that seed, never from a round's own seed.</summary>
    Shared = 1,

    /// <summary>A different data seed for every run: the data order's effect becomes independent noise, which the predictor averages.</summary>
    Independent = 2,
}

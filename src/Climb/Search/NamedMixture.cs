namespace Climb;

/// <summary>A mixture with a name to report it by (a file, a CSV run, "uniform", "prior").</summary>
/// <param name="Name">The name.</param>
/// <param name="Mixture">The weights, one per super-cluster.</param>
public sealed record NamedMixture(string Name, MixtureWeights Mixture);

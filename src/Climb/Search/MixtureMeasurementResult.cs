namespace Climb;

/// <summary>One mixture re-measured on fresh data seeds.</summary>
public sealed class MixtureMeasurementResult
{
    /// <summary>Gets the mixture's name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the proxy results that succeeded, in seed order.</summary>
    public required IReadOnlyList<ProxyResult> Results { get; init; }

    /// <summary>Gets the seeds whose proxy returned no usable objective (non-finite), left out of the mean.</summary>
    public IReadOnlyList<int> FailedSeeds { get; init; } = [];

    /// <summary>Gets whether the objective is minimised or maximised.</summary>
    public required ObjectiveGoal Goal { get; init; }

    /// <summary>Gets the mean objective over <see cref="Results"/> (NaN when every run failed).</summary>
    public required double MeanObjective { get; init; }

    /// <summary>Gets the sample standard deviation of the objectives (NaN with fewer than two).</summary>
    public required double StandardDeviation { get; init; }
}

namespace Climb;

/// <summary>One candidate answer of a <see cref="MixtureConfirmation"/> and its re-measurements.</summary>
public sealed class ConfirmedMixture
{
    /// <summary>Gets the mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets which rule proposed it ("lower confidence bound", "predicted best", "top-k mean", "best measured").</summary>
    public required string Kind { get; init; }

    /// <summary>Gets whether the mixture was measured during the search rounds (the best measured one) rather than proposed by the model for answering.</summary>
    public required bool MeasuredInRounds { get; init; }

    /// <summary>Gets the predictor's value for it before the confirmation (utility, larger is better), when a predictor was fitted.</summary>
    public double? PredictedUtility { get; init; }

    /// <summary>Gets the objective of each confirmation run that succeeded, in <see cref="MixtureConfirmation.Seeds"/> order (failed runs left out).</summary>
    public required IReadOnlyList<double> Objectives { get; init; }

    /// <summary>Gets the mean utility (larger is better) of the confirmation runs; NaN when every run failed.</summary>
    public required double MeanUtility { get; init; }

    /// <summary>Gets the mean objective of the confirmation runs; NaN when every run failed.</summary>
    public required double MeanObjective { get; init; }

    /// <summary>Gets the sample standard deviation of the objectives (NaN with fewer than two).</summary>
    public required double StandardDeviation { get; init; }
}

namespace Climb;

/// <summary>An <see cref="EvaluationTarget"/> tokenised for the scorers of one token store: the sequences to score, and how
/// their log-probabilities become the target's metrics and its terms of the objective.</summary>
internal abstract class PreparedTarget(EvaluationTarget target)
{
    /// <summary>Gets the target.</summary>
    public EvaluationTarget Target { get; } = target;

    /// <summary>Gets the sequences to score, in the order <see cref="Score"/> reads their log-probabilities.</summary>
    public abstract IReadOnlyList<ScoringRequest> Requests { get; }

    /// <summary>Gets whether the target has an accuracy (so that it counts in a <c>ProxyObjectiveKind.WeightedAccuracy</c> objective).</summary>
    public abstract bool HasAccuracy { get; }

    /// <summary>Writes the target's metrics from the summed log-probabilities of its <see cref="Requests"/>.</summary>
    /// <param name="logProbabilities">One sum per request.</param>
    /// <param name="metrics">Receives the metrics (keys start with the target's prefix and name).</param>
    /// <param name="metric">Which accuracy a multiple-choice target reports as its accuracy term.</param>
    /// <returns>The target's loss (its term of a weighted-loss objective) and its accuracy, when it has one.</returns>
    public abstract (double Loss, double? Accuracy) Score(double[] logProbabilities, IDictionary<string, double> metrics, MultipleChoiceMetric metric);
}

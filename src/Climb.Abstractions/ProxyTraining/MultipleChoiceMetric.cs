namespace Climb;

/// <summary>Which multiple-choice accuracy enters a <c>ProxyObjectiveKind.WeightedAccuracy</c> objective.</summary>
public enum MultipleChoiceMetric
{
    /// <summary>Length-normalised accuracy (log-likelihood divided by the continuation's UTF-8 byte length).</summary>
    AccNorm = 0,

    /// <summary>Plain accuracy (summed log-likelihood).</summary>
    Acc = 1,
}

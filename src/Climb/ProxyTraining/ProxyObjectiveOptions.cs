namespace Climb;

/// <summary>The composition of the objective a search optimises.</summary>
public sealed class ProxyObjectiveOptions
{
    /// <summary>Gets or sets how the targets combine.</summary>
    /// <value>Default <see cref="ProxyObjectiveKind.Auto"/>.</value>
    public ProxyObjectiveKind Kind { get; set; } = ProxyObjectiveKind.Auto;

    /// <summary>Gets or sets the accuracy used by <see cref="ProxyObjectiveKind.WeightedAccuracy"/>.</summary>
    /// <value>Default <see cref="MultipleChoiceMetric.AccNorm"/> (the paper reports acc_norm where lm-eval-harness has it).</value>
    public MultipleChoiceMetric MultipleChoiceMetric { get; set; } = MultipleChoiceMetric.AccNorm;
}

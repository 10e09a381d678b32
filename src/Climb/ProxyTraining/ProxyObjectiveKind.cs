namespace Climb;

/// <summary>How the per-target metrics are combined into <see cref="ProxyResult.Objective"/>.</summary>
public enum ProxyObjectiveKind
{
    /// <summary><see cref="WeightedAccuracy"/> when every target is multiple choice, otherwise <see cref="WeightedLoss"/>.</summary>
    Auto = 0,

    /// <summary>
    /// Minimise Σ wₜ·lossₜ / Σ wₜ over all targets: lossₜ is target:&lt;name&gt;/loss for text targets and
    /// mc:&lt;name&gt;/gold_loss (nats per token of the correct continuation) for multiple-choice targets.
    /// </summary>
    WeightedLoss = 1,

    /// <summary>Maximise Σ wₜ·accₜ / Σ wₜ over the multiple-choice targets (text targets are reported, not counted).</summary>
    WeightedAccuracy = 2,
}

using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="LogLinearMixturePredictor"/>. The defaults follow Olmix's log-linear regressor where it applies.</summary>
public sealed class LogLinearMixturePredictorOptions
{
    /// <summary>
    /// Gets or sets the Huber loss's delta, in the target's units (nats for a loss): residuals smaller than it count
    /// squared, larger ones linearly, so a few diverged proxies do not bend the law.
    /// </summary>
    /// <value>0.02 (Olmix's <c>LogLinearRegressor</c>).</value>
    [Range(1e-9, 1e9)]
    public double HuberDelta { get; set; } = 0.02;

    /// <summary>Gets or sets the most L-BFGS iterations per start.</summary>
    /// <value>500.</value>
    [Range(1, 100_000)]
    public int MaximumIterations { get; set; } = 500;

    /// <summary>Gets or sets the number of cross-validation folds behind the reported held-out Spearman correlation.</summary>
    /// <value>5.</value>
    [Range(2, 100)]
    public int CrossValidationFolds { get; set; } = 5;

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"loglinear(law=c+exp(t.w),huber={HuberDelta:R},it={MaximumIterations},cv={CrossValidationFolds})");
}

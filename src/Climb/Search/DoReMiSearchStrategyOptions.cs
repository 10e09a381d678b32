using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="DoReMiSearchStrategy"/> (Xie et al. 2023, arXiv 2305.10429).</summary>
public sealed class DoReMiSearchStrategyOptions : IValidatableOptions
{
    /// <summary>Gets or sets the step size η of the exponentiated-gradient update of the cluster weights.</summary>
    /// <value>1 (the paper).</value>
    [Range(1e-9, 1e6)]
    public double StepSize { get; set; } = 1.0;

    /// <summary>Gets or sets the smoothing c: after each update the weights become (1 − c)·α + c·uniform.</summary>
    /// <value>1e-3 (the paper).</value>
    [Range(0.0, 1.0)]
    public double Smoothing { get; set; } = 1e-3;

    /// <summary>
    /// Gets or sets the tokens DoReMi trains in all, over its two trainings (reference and DRO proxy), so that it spends the
    /// same compute as a proxy search. <see langword="null"/> takes <see cref="EquivalentProxyRuns"/> × the proxy trainer's
    /// <see cref="TorchSharpProxyTrainerOptions.TokenBudget"/>.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    [Range(2L, long.MaxValue)]
    public long? TotalTokenBudget { get; set; }

    /// <summary>Gets or sets the number of proxy runs whose tokens DoReMi gets when <see cref="TotalTokenBudget"/> is not set.</summary>
    /// <value>112 (CLIMB's default search: 64 + 32 + 16 proxies).</value>
    [Range(1, 1_000_000)]
    public int EquivalentProxyRuns { get; set; } = 112;

    /// <summary>Gets or sets the share of the total token budget given to the reference training; the DRO proxy gets the rest.</summary>
    /// <value>0.5 (the paper trains both models for the same number of steps).</value>
    [Range(0.01, 0.99)]
    public double ReferenceShare { get; set; } = 0.5;

    /// <summary>
    /// Gets or sets the sequences each cluster contributes to one DRO step (the paper samples its minibatches uniformly over
    /// domains). <see langword="null"/> takes max(1, round(batch size / clusters)), so a step is about the trainer's batch.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    [Range(1, 1 << 16)]
    public int? SequencesPerCluster { get; set; }

    /// <summary>Gets or sets how often (in steps) the cluster weights are appended to the trajectory journal; the last step is always written.</summary>
    /// <value>1 (every step).</value>
    [Range(1, int.MaxValue)]
    public int TrajectoryInterval { get; set; } = 1;

    /// <summary>Gets or sets how often (in steps) the model, optimiser and weights are checkpointed, so a killed run resumes from the last checkpoint.</summary>
    /// <value>200.</value>
    [Range(1, int.MaxValue)]
    public int CheckpointInterval { get; set; } = 200;

    /// <summary>Computes the tokens of each of the two trainings from the total budget.</summary>
    /// <param name="proxyTokenBudget">The proxy trainer's tokens per proxy run.</param>
    /// <returns>The reference's and the DRO proxy's training tokens.</returns>
    public (long Reference, long Dro) TrainingTokens(long proxyTokenBudget)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(proxyTokenBudget);
        long total = TotalTokenBudget ?? checked(EquivalentProxyRuns * proxyTokenBudget);
        long reference = Math.Max(1, (long)Math.Round(total * ReferenceShare));
        return (reference, Math.Max(1, total - reference));
    }

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (!double.IsFinite(StepSize) || !double.IsFinite(Smoothing))
        {
            yield return "StepSize and Smoothing must be finite.";
        }
    }

    /// <summary>The options that change the answer (the journal and checkpoint intervals do not: a resumed run ends as an uninterrupted one).</summary>
    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"eta={StepSize:R},c={Smoothing:R},total={TotalTokenBudget?.ToString(CultureInfo.InvariantCulture) ?? "auto"},runs={EquivalentProxyRuns},refShare={ReferenceShare:R},perCluster={SequencesPerCluster?.ToString(CultureInfo.InvariantCulture) ?? "auto"}");
}

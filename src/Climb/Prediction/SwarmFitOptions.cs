using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="SwarmFitter"/>: which objective to fit, the prior and feasibility of candidates, and the answer rule.</summary>
internal sealed class SwarmFitOptions : IValidatableOptions
{
    /// <summary>
    /// Gets or sets the metric to fit: a metric column's name, or a part of it that only one column contains
    /// (<see cref="MixtureSwarm.IndexOfMetric"/>). <see langword="null"/> fits the only metric, or the mean with <see cref="Mean"/>.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public string? Metric { get; set; }

    /// <summary>Gets or sets whether the objective is the mean of every metric column (runs missing any metric are skipped).</summary>
    /// <value><see langword="false"/>.</value>
    public bool Mean { get; set; }

    /// <summary>Gets or sets whether smaller or larger values are better; <see langword="null"/> infers it from the metric names (<see cref="MixtureSwarm.InferGoal"/>) and fails when they do not say.</summary>
    /// <value><see langword="null"/>.</value>
    public ObjectiveGoal? Goal { get; set; }

    /// <summary>
    /// Gets the tokens each component holds, by component name: the prior candidates are drawn around (its shares) and,
    /// with <see cref="TargetTokens"/>, the feasibility bounds. Empty: the prior is the mean of the swarm's mixtures and
    /// no bound applies.
    /// </summary>
    public Dictionary<string, long> TokenCounts { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Gets or sets the number of tokens the answer's model will train on. With <see cref="TokenCounts"/> it bounds each
    /// component's weight by min(1, tokens × <see cref="MaxRepetition"/> / target tokens)
    /// (<see cref="MixturePrior.WithRepetitionLimit"/>): a mixture the data cannot supply without repeating a component more
    /// often than that is not a candidate. <see langword="null"/>: no bound.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public long? TargetTokens { get; set; }

    /// <summary>Gets or sets how many times a component's tokens may be repeated (epochs) at <see cref="TargetTokens"/>.</summary>
    /// <value>4 (Olmix's repetition factor).</value>
    [Range(1e-6, 1e6)]
    public double MaxRepetition { get; set; } = 4;

    /// <summary>Gets or sets how many candidate mixtures are drawn from the prior when no candidate list is given.</summary>
    /// <value>100,000 (RegMix).</value>
    [Range(1, 10_000_000)]
    public int CandidateCount { get; set; } = 100_000;

    /// <summary>Gets or sets how many of the best-predicted drawn candidates are averaged into the answer (1: the predicted best itself). A given candidate list is always answered with its predicted best.</summary>
    /// <value>128 (RegMix's top-k average).</value>
    [Range(1, 1_000_000)]
    public int TopK { get; set; } = 128;

    /// <summary>Gets or sets how many measured runs nearest the answer (L1 distance) are reported.</summary>
    /// <value>5.</value>
    [Range(0, 1_000_000)]
    public int NearestCount { get; set; } = 5;

    /// <summary>Gets or sets the seed of the predictor's folds and of the candidate draw.</summary>
    /// <value>42.</value>
    public int Seed { get; set; } = 42;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (Mean && Metric is not null)
        {
            yield return $"Metric ('{Metric}') and Mean are exclusive: fit one metric or the mean of all.";
        }

        if (TargetTokens is not null && TokenCounts.Count == 0)
        {
            yield return "TargetTokens needs TokenCounts: the feasibility bound of a component is its tokens × MaxRepetition / TargetTokens.";
        }

        if (TargetTokens is <= 0)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"TargetTokens is {TargetTokens}; it must be positive.");
        }

        foreach (var (name, tokens) in TokenCounts)
        {
            if (tokens < 0)
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"TokenCounts['{name}'] is {tokens}; token counts must be non-negative.");
            }
        }
    }
}

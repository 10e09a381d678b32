using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="RegMixSearchStrategy"/>.</summary>
public sealed class RegMixSearchStrategyOptions
{
    /// <summary>Gets or sets the number of proxy runs (one round).</summary>
    /// <value>112 (CLIMB's default total, for equal-budget comparisons).</value>
    [Range(2, 1_000_000)]
    public int Budget { get; set; } = 112;

    /// <summary>Gets or sets the number of candidates ranked for the answer.</summary>
    /// <value>100,000.</value>
    [Range(1, 100_000_000)]
    public int CandidatePoolSize { get; set; } = 100_000;

    /// <summary>Gets or sets how many top-predicted candidates are averaged into the answer.</summary>
    /// <value>128 (RegMix).</value>
    [Range(1, 100_000_000)]
    public int AnswerTopK { get; set; } = 128;

    /// <summary>Gets or sets the held-out Spearman the predictor needs for its answer to be used; below it the best measured mixture is the answer. <see langword="null"/> (RegMix as published) always trusts the predictor.</summary>
    /// <value><see langword="null"/>.</value>
    [Range(-1.0, 1.0)]
    public double? MinimumAnswerSpearman { get; set; }

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"budget={Budget},pool={CandidatePoolSize},answerTopK={AnswerTopK},minRho={MinimumAnswerSpearman?.ToString("R", CultureInfo.InvariantCulture) ?? "none"}");
}

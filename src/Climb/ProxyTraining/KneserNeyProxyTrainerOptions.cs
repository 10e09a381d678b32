using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="KneserNeyProxyTrainer"/>.</summary>
public sealed class KneserNeyProxyTrainerOptions : IValidatableOptions
{
    /// <summary>Gets or sets the n-gram order.</summary>
    /// <value>Default 4. 3 to 5 are typical; 1 and 2 are allowed.</value>
    [Range(1, 5)]
    public int Order { get; set; } = 4;

    /// <summary>Gets or sets the number of training tokens drawn from the mixture.</summary>
    /// <value>Default 1,000,000.</value>
    [Range(100L, long.MaxValue)]
    public long TokenBudget { get; set; } = 1_000_000;

    /// <summary>Gets or sets the tokens per sampled sequence (n-grams never cross sequences).</summary>
    /// <value>Default 1024.</value>
    [Range(2, 1 << 20)]
    public int SequenceLength { get; set; } = 1024;

    /// <summary>Gets or sets a single absolute discount for every count (plain interpolated Kneser-Ney) instead of the three modified discounts per order estimated from the count-of-counts.</summary>
    /// <value>Default <see langword="null"/> (modified Kneser-Ney).</value>
    public double? FixedDiscount { get; set; }

    /// <summary>Gets or sets the longest window (tokens) used to score target texts and multiple-choice continuations.</summary>
    /// <value>Default 1024.</value>
    [Range(8, 1 << 20)]
    public int EvaluationWindow { get; set; } = 1024;

    /// <summary>Gets or sets how the target metrics combine into the objective.</summary>
    /// <value>Default: <see cref="ProxyObjectiveKind.Auto"/>.</value>
    public ProxyObjectiveOptions Objective { get; set; } = new();

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (FixedDiscount is { } d && (!double.IsFinite(d) || d <= 0 || d >= 1))
        {
            yield return $"FixedDiscount must be in (0, 1), not {d}.";
        }

        if (SequenceLength <= Order)
        {
            yield return $"SequenceLength ({SequenceLength}) must exceed Order ({Order}).";
        }

        if (Objective is null)
        {
            yield return "Objective must not be null.";
        }
    }
}

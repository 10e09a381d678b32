namespace Climb;

/// <summary>How <see cref="ClimbSearchStrategy"/>'s confirmation round chooses among the candidates it re-measured on fresh data seeds.</summary>
public enum ClimbConfirmationRule
{
    /// <summary>The candidate with the best mean over the confirmation seeds (the earlier one on ties).</summary>
    BestMean = 0,

    /// <summary>
    /// The proposed answer (the first candidate) stands unless another candidate measures better on every confirmation seed
    /// (paired), in which case the best mean among those that do wins. A switch on a noisy mean between two mixtures of
    /// about the same quality is a coin flip that gains nothing on average; a candidate that wins on every fresh seed is
    /// clearly better.
    /// </summary>
    KeepUnlessBeatenOnEverySeed = 1,
}

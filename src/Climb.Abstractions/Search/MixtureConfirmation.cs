namespace Climb;

/// <summary>
/// A search's confirmation round: a few candidate answers (predicted ones and the best measured mixture) re-measured on
/// the same fresh data seeds, none of which the search rounds used; the answer is the candidate with the best mean.
/// </summary>
public sealed class MixtureConfirmation
{
    /// <summary>Gets the fresh data seeds every candidate was trained with.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Gets the candidates, in the order they were proposed (the proposed answer first, the best measured mixture last).</summary>
    public required IReadOnlyList<ConfirmedMixture> Candidates { get; init; }

    /// <summary>Gets the index in <see cref="Candidates"/> of the one chosen (the best mean utility; the earlier one on ties).</summary>
    public required int Chosen { get; init; }
}

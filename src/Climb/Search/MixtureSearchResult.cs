namespace Climb;

/// <summary>One finished round of a mixture search.</summary>
public sealed class MixtureSearchRound
{
    /// <summary>Gets the round (0-based).</summary>
    public required int Round { get; init; }

    /// <summary>Gets the round's proxy results, in proposal order (whatever order they finished in).</summary>
    public required IReadOnlyList<ProxyResult> Results { get; init; }

    /// <summary>Gets the report of the predictor fitted to plan this round (its cross-validated held-out Spearman), or null for a sampled round.</summary>
    public MixturePredictorReport? Predictor { get; init; }

    /// <summary>Gets the predictor's held-out Spearman for this round (NaN when no predictor planned it).</summary>
    public double HeldOutSpearman => Predictor?.HeldOutSpearman ?? double.NaN;

    /// <summary>
    /// Gets the Spearman correlation between the predictor's predictions for this round's proposals and their measured
    /// utilities: a truly prospective check (NaN when no predictor planned the round). The proposals are all top-ranked, so
    /// the range is narrow and this figure is lower than the cross-validated one.
    /// </summary>
    public double ProspectiveSpearman { get; init; } = double.NaN;

    /// <summary>Gets the utilities the predictor expected for this round's mixtures before they were run (in <see cref="Results"/> order), or <see langword="null"/> for a round chosen without a predictor.</summary>
    public IReadOnlyList<double>? PredictedUtilities { get; init; }

    /// <summary>Gets how many candidates were ranked to choose the proposals.</summary>
    public int CandidatesConsidered { get; init; }

    /// <summary>Gets the best utility measured in this round.</summary>
    public double BestUtility { get; init; }

    /// <summary>Gets the best utility measured so far (this round and earlier ones).</summary>
    public double BestUtilitySoFar { get; init; }

    /// <summary>Gets how many of the round's results came from the journal rather than new proxy runs.</summary>
    public int ResumedCount { get; init; }

    /// <summary>Gets the time spent choosing the proposals.</summary>
    public TimeSpan PlanningTime { get; init; }

    /// <summary>Gets the wall-clock time of the round's proxy runs.</summary>
    public TimeSpan EvaluationTime { get; init; }
}

/// <summary>The outcome of a mixture search.</summary>
public sealed class MixtureSearchResult
{
    /// <summary>Gets the strategy's name.</summary>
    public required string Strategy { get; init; }

    /// <summary>Gets the configuration fingerprint (also in the journal header).</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Gets the final mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets how the final mixture was chosen and the predictor fitted on all results, if any.</summary>
    public required MixtureSearchAnswer Answer { get; init; }

    /// <summary>Gets the rounds.</summary>
    public required IReadOnlyList<MixtureSearchRound> Rounds { get; init; }

    /// <summary>Gets every proxy result, by round and index.</summary>
    public required IReadOnlyList<ProxyResult> ProxyResults { get; init; }

    /// <summary>Gets the proxy result with the largest utility (first one on ties).</summary>
    public required ProxyResult BestMeasured { get; init; }

    /// <summary>Gets how many results were read back from the journal instead of run.</summary>
    public int ResumedCount { get; init; }

    /// <summary>Gets the wall-clock time of this call.</summary>
    public TimeSpan Elapsed { get; init; }
}

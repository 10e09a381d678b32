namespace Climb;

/// <summary>One finished round of a mixture search.</summary>
public sealed class MixtureSearchRound
{
    /// <summary>Gets the round (0-based).</summary>
    public required int Round { get; init; }

    /// <summary>Gets the round's successful proxy results, in proposal order (whatever order they finished in).</summary>
    public required IReadOnlyList<ProxyResult> Results { get; init; }

    /// <summary>Gets the round's failed proxy runs (non-finite objective), which the search recorded and went past.</summary>
    public IReadOnlyList<ProxyFailure> Failures { get; init; } = [];

    /// <summary>Gets the data-order seed every proxy of this round shared (common random numbers), or <see langword="null"/> when each run had its own.</summary>
    public int? SharedSeed { get; init; }

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

    /// <summary>Gets where the answer came from (copied from <see cref="Answer"/>).</summary>
    public AnswerSource AnswerSource => Answer.Source;

    /// <summary>
    /// Gets the proxy run that measured the strategy's answer itself (trained with the best measured result's seed, so the two compare
    /// on the same data order); the existing result when the answer was already evaluated; <see langword="null"/> when
    /// <see cref="MixtureSearchOptions.MeasureAnswer"/> is off or the run failed.
    /// </summary>
    public ProxyResult? AnswerMeasured { get; init; }

    /// <summary>Gets the strategy's predicted answer when it measured worse than the best measured mixture and was replaced by it (<see cref="MixtureSearchOptions.KeepBestMeasuredWhenAnswerIsWorse"/>); otherwise <see langword="null"/>. <see cref="AnswerMeasured"/> is its measurement.</summary>
    public MixtureSearchAnswer? PredictedAnswer { get; init; }

    /// <summary>Gets every failed proxy run (non-finite objective), each with its mixture and reason.</summary>
    public IReadOnlyList<ProxyFailure> Failures { get; init; } = [];

    /// <summary>Gets the proxy's measured noise floor (one mixture trained with several data seeds), or <see langword="null"/> when not measured.</summary>
    public ProxyNoiseEstimate? Noise { get; init; }

    /// <summary>
    /// Gets the signal-to-noise ratio: the standard deviation of the first round's objectives divided by the noise floor's.
    /// Below about 2, differences between mixtures are mostly noise. NaN when the noise was not measured; +∞ when the proxy
    /// is deterministic in its seed.
    /// </summary>
    public double SignalToNoise { get; init; } = double.NaN;

    /// <summary>Gets how many of the rounds' proxy runs (<see cref="ProxyResults"/> and the rounds' failures) were read back from the journal instead of run; the noise replicates and the answer's measurement are journaled too but not counted here.</summary>
    public int ResumedCount { get; init; }

    /// <summary>Gets the wall-clock time of this call.</summary>
    public TimeSpan Elapsed { get; init; }
}

/// <summary>The noise floor of a proxy: one mixture trained with several data-order seeds.</summary>
public sealed class ProxyNoiseEstimate
{
    /// <summary>Gets the mixture that was repeated (the prior's token shares).</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the seeds of the replicates.</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>Gets the replicates' objectives (failed replicates excluded).</summary>
    public required IReadOnlyList<double> Objectives { get; init; }

    /// <summary>Gets the sample standard deviation of <see cref="Objectives"/> (NaN with fewer than two).</summary>
    public required double StandardDeviation { get; init; }

    /// <summary>Gets the standard deviation of the first round's objectives, the spread the search has to resolve.</summary>
    public required double SignalStandardDeviation { get; init; }
}

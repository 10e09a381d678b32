namespace Climb;

/// <summary>
/// Trains and scores one proxy model on a mixture. The search calls it for every proposed mixture; the pipeline adapts
/// its proxy trainer to it, so the search never depends on proxy internals.
/// </summary>
/// <param name="mixture">The mixture to train on.</param>
/// <param name="seed">The seed of this proxy run.</param>
/// <param name="cancellationToken">Cancels the run.</param>
/// <returns>The proxy's scores; <see cref="ProxyResult.Utility"/> (larger is better) is what the search optimises.</returns>
public delegate Task<ProxyResult> ProxyEvaluator(MixtureWeights mixture, int seed, CancellationToken cancellationToken);

/// <summary>
/// A mixture search strategy: how many proxy runs each round gets, which mixtures a round proposes given the results so far,
/// and which mixture is the final answer. <c>MixtureSearch</c> runs the rounds, the proxies, the journal and the resume.
/// </summary>
/// <remarks>
/// Implementations must be deterministic: the same context (prior, seed, round, results) must give the same plan, so that a
/// search resumed from its journal ends with the same answer as an uninterrupted one.
/// </remarks>
public interface IMixtureSearchStrategy
{
    /// <summary>Gets the strategy's short name (for example "climb").</summary>
    string Name { get; }

    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it (and the search its journal), so a reconfigured component never
    /// reuses stale results.</summary>
    string Identity { get; }

    /// <summary>Gets the number of proxy runs in each round.</summary>
    IReadOnlyList<int> RoundBudgets { get; }

    /// <summary>Proposes the mixtures of round <see cref="MixtureSearchContext.Round"/>.</summary>
    /// <param name="context">The prior, seed, round and every earlier result.</param>
    /// <param name="cancellationToken">Cancels the planning.</param>
    /// <returns>Exactly <see cref="RoundBudgets"/>[round] mixtures, with what the strategy learnt choosing them.</returns>
    MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken);

    /// <summary>Chooses the final mixture once every round has run.</summary>
    /// <param name="context">The prior, seed and every result (its <see cref="MixtureSearchContext.Round"/> is the round count).</param>
    /// <param name="cancellationToken">Cancels the choice.</param>
    /// <returns>The answer.</returns>
    MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken);
}

/// <summary>What a strategy sees when it plans a round or chooses the answer.</summary>
public sealed class MixtureSearchContext
{
    /// <summary>Gets the clusters' token shares.</summary>
    public required MixturePrior Prior { get; init; }

    /// <summary>Gets the search seed.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the round being planned (0-based), or the number of rounds when choosing the answer.</summary>
    public required int Round { get; init; }

    /// <summary>Gets every successful result so far, ordered by round and then by index within the round.</summary>
    public required IReadOnlyList<ProxyResult> Results { get; init; }

    /// <summary>Gets the proxy runs that failed so far (non-finite objective); strategies should not propose them again.</summary>
    public IReadOnlyList<ProxyFailure> Failures { get; init; } = [];
}

/// <summary>Where a search's answer came from.</summary>
public enum AnswerSource
{
    /// <summary>The predictor's best candidate (the paper's rule).</summary>
    Predicted = 0,

    /// <summary>The best measured proxy result: the strategy's own rule (Best-of-N), or the fallback when the predictor could not rank.</summary>
    BestMeasured = 1,

    /// <summary>A fixed mixture that needs no proxy result (uniform weights).</summary>
    Fixed = 2,
}

/// <summary>A proxy run that returned no usable objective; journaled, excluded from fitting, and reported.</summary>
public sealed class ProxyFailure
{
    /// <summary>Gets the round (0-based; −1 for the noise measurement, the round count for the answer's measurement).</summary>
    public required int Round { get; init; }

    /// <summary>Gets the index within the round.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the seed of the run.</summary>
    public required int Seed { get; init; }

    /// <summary>Gets why the run failed.</summary>
    public required string Reason { get; init; }
}

/// <summary>The mixtures a round will evaluate and how they were chosen.</summary>
public sealed class MixtureRoundPlan
{
    /// <summary>Gets the proposed mixtures, in evaluation-index order.</summary>
    public required IReadOnlyList<MixtureWeights> Mixtures { get; init; }

    /// <summary>Gets the predictor's utility predictions for the proposals, when a predictor chose them.</summary>
    public IReadOnlyList<double>? PredictedUtilities { get; init; }

    /// <summary>Gets the report of the predictor fitted for this round (held-out Spearman), when one was.</summary>
    public MixturePredictorReport? Predictor { get; init; }

    /// <summary>Gets how many candidate mixtures were ranked to choose the proposals (0 when sampled directly).</summary>
    public int CandidatesConsidered { get; init; }

    /// <summary>
    /// Gets the data seed of each proposal's proxy run, when the strategy chooses them (for example to re-measure a
    /// candidate on fresh data seeds); <see langword="null"/> lets the search derive them from its seed.
    /// </summary>
    public IReadOnlyList<int>? Seeds { get; init; }
}

/// <summary>The final mixture a strategy chose.</summary>
public sealed class MixtureSearchAnswer
{
    /// <summary>Gets the chosen mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets how it was chosen (for example "predicted best of 100000", "best measured").</summary>
    public required string Method { get; init; }

    /// <summary>Gets where the answer came from.</summary>
    public AnswerSource Source { get; init; }

    /// <summary>Gets why the answer is not the predictor's best candidate, when it is not (for example the predictor's held-out Spearman was below the threshold); otherwise <see langword="null"/>.</summary>
    public string? Reason { get; init; }

    /// <summary>Gets the predicted utility of the answer, when a predictor chose it.</summary>
    public double? PredictedUtility { get; init; }

    /// <summary>Gets the report of the predictor fitted on all results, when one was.</summary>
    public MixturePredictorReport? Predictor { get; init; }

    /// <summary>Gets how many candidates were ranked to choose it.</summary>
    public int CandidatesConsidered { get; init; }

    /// <summary>Gets the tokens the strategy trained itself, besides its proxy runs (DoReMi's reference and DRO models); 0 when its proxy runs are its whole cost.</summary>
    public long StrategyTokensTrained { get; init; }

    /// <summary>Gets the confirmation round that chose this answer (candidates re-measured on fresh data seeds), when the strategy ran one.</summary>
    public MixtureConfirmation? Confirmation { get; init; }

    /// <summary>
    /// Gets whether the strategy chose the answer with the proxies' noise accounted for (a confidence bound of the
    /// posterior, or a confirmation round on fresh data seeds). The search then keeps it even when its one measurement
    /// comes out worse than the best of all measurements (<c>MixtureSearchOptions.KeepBestMeasuredWhenAnswerIsWorse</c>):
    /// the best of many noisy measurements is biased upwards (the winner's curse), so that comparison is not a fair one.
    /// </summary>
    public bool AccountsForNoise { get; init; }
}

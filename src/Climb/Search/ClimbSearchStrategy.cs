using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="ClimbSearchStrategy"/>.</summary>
public sealed class ClimbSearchOptions : IValidatableOptions
{
    /// <summary>Gets or sets the proxy runs of each round; the first round samples directly from the sampler.</summary>
    /// <value>64, 32, 16 (the paper's 112-run search).</value>
    public IList<int> RoundBudgets { get; set; } = [64, 32, 16];

    /// <summary>Gets or sets the number of candidates drawn from the sampler and ranked by the predictor in each later round and for the answer.</summary>
    /// <value>100,000.</value>
    [Range(1, 100_000_000)]
    public int CandidatePoolSize { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the floor of the top-ranked set a round samples from: a round of n runs draws its n mixtures uniformly
    /// at random from the top max(n², this) ranked candidates.
    /// </summary>
    /// <value>128.</value>
    [Range(1, 100_000_000)]
    public int TopCandidatesMinimum { get; set; } = 128;

    /// <summary>Gets or sets how many top-predicted candidates are averaged into the answer; 1 returns the predictor's best mixture (the paper's rule).</summary>
    /// <value>1.</value>
    [Range(1, 100_000_000)]
    public int AnswerTopK { get; set; } = 1;

    /// <summary>Gets or sets whether the already evaluated mixtures join the candidates ranked for the answer, ranked by their out-of-fold predictions.</summary>
    /// <value><see langword="true"/>.</value>
    public bool IncludeEvaluatedInAnswer { get; set; } = true;

    /// <summary>Gets or sets whether, when several candidates tie for the top prediction (a tree ensemble is piecewise constant), the answer is their mean rather than the first of them.</summary>
    /// <value><see langword="false"/>.</value>
    public bool AverageTiedAnswers { get; set; }

    /// <summary>
    /// Gets or sets the held-out Spearman correlation the final predictor needs for its best candidate to be the answer;
    /// below it (or when it cannot be measured) the answer is the best measured mixture and the result says why.
    /// <see langword="null"/> always trusts the predictor.
    /// </summary>
    /// <value>0.3.</value>
    [Range(-1.0, 1.0)]
    public double? MinimumAnswerSpearman { get; set; } = 0.3;

    /// <summary>Gets or sets the L1 distance under which a proposal counts as a repeat of an evaluated or already proposed mixture and is skipped.</summary>
    /// <value>1e-3.</value>
    [Range(0.0, 2.0)]
    public double RepeatDistance { get; set; } = 1e-3;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (RoundBudgets is null || RoundBudgets.Count == 0)
        {
            yield return "RoundBudgets needs at least one round.";
        }
        else if (RoundBudgets.Any(b => b < 1))
        {
            yield return $"RoundBudgets: every round needs at least 1 proxy run (got [{string.Join(", ", RoundBudgets)}]).";
        }
    }

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"rounds=[{string.Join(",", RoundBudgets)}],pool={CandidatePoolSize},top>={TopCandidatesMinimum},answerTopK={AnswerTopK},includeEvaluated={IncludeEvaluatedInAnswer},ties={AverageTiedAnswers},minRho={MinimumAnswerSpearman?.ToString("R", CultureInfo.InvariantCulture) ?? "none"},repeat={RepeatDistance:R}");
}

/// <summary>
/// CLIMB's iterative bootstrapping: round 1 evaluates mixtures drawn from the sampler; each later round fits the predictor
/// on every result so far, ranks a large candidate pool, and evaluates mixtures drawn at random from the top-ranked ones;
/// the answer is the predictor's best mixture (evaluated mixtures compete by their out-of-fold predictions), or the best
/// measured mixture when the predictor's held-out Spearman is below <see cref="ClimbSearchOptions.MinimumAnswerSpearman"/>.
/// </summary>
public sealed class ClimbSearchStrategy : IMixtureSearchStrategy
{
    private readonly ClimbSearchOptions _options;
    private readonly IMixtureSampler _sampler;
    private readonly IMixturePredictor _predictor;
    private readonly int[] _budgets;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="sampler">The candidate sampler; a default <see cref="DirichletMixtureSampler"/> when <see langword="null"/>.</param>
    /// <param name="predictor">The predictor; a default <see cref="AutoMixturePredictor"/> when <see langword="null"/>.</param>
    public ClimbSearchStrategy(ClimbSearchOptions? options = null, IMixtureSampler? sampler = null, IMixturePredictor? predictor = null)
    {
        _options = OptionsValidation.Validate(options ?? new ClimbSearchOptions(), nameof(options));
        _budgets = _options.RoundBudgets.ToArray();
        _sampler = sampler ?? new DirichletMixtureSampler();
        _predictor = predictor ?? new AutoMixturePredictor();
    }

    /// <inheritdoc />
    public string Name => "climb";

    /// <inheritdoc />
    public string Identity => $"climb:{_options.Describe()};sampler={_sampler.Identity};predictor={_predictor.Identity}";

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => _budgets;

    /// <summary>The size of the top-ranked set a round of <paramref name="budget"/> runs samples from: max(n², minimum).</summary>
    /// <param name="budget">The round's number of runs, n.</param>
    /// <returns>The number of top candidates.</returns>
    public int TopCandidates(int budget) => (int)Math.Min(int.MaxValue, Math.Max((long)budget * budget, _options.TopCandidatesMinimum));

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        int n = _budgets[context.Round];
        if (context.Round == 0 || context.Results.Count < 2)
        {
            return new MixtureRoundPlan { Mixtures = _sampler.Sample(context.Prior, n, SeedMixer.Derive(context.Seed, 0xC1, context.Round), cancellationToken) };
        }

        var fitted = PredictiveSearch.Fit(_predictor, context.Results, SeedMixer.Derive(context.Seed, 0xC2, context.Round), cancellationToken);
        var pool = _sampler.Sample(context.Prior, _options.CandidatePoolSize, SeedMixer.Derive(context.Seed, 0xC3, context.Round), cancellationToken);
        var predictions = new double[pool.Count];
        fitted.Predict(pool, predictions, cancellationToken);
        var ranked = PredictiveSearch.RankDescending(predictions);
        int top = Math.Min(TopCandidates(n), ranked.Length);

        // Shuffle the top set, then walk it (and, if repeats leave it short, the rest of the ranking) skipping repeats.
        var random = new Random(SeedMixer.Derive(context.Seed, 0xC4, context.Round));
        var head = ranked.AsSpan(0, top).ToArray();
        for (int i = head.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (head[i], head[j]) = (head[j], head[i]);
        }

        var chosen = new List<int>(n);
        foreach (int idx in head.Concat(ranked.Skip(top)))
        {
            if (chosen.Count == n)
            {
                break;
            }

            var m = pool[idx];
            if (context.Results.Any(r => PredictiveSearch.L1(r.Mixture, m) <= _options.RepeatDistance) ||
                context.Failures.Any(f => PredictiveSearch.L1(f.Mixture, m) <= _options.RepeatDistance) ||
                chosen.Any(c => PredictiveSearch.L1(pool[c], m) <= _options.RepeatDistance))
            {
                continue;
            }

            chosen.Add(idx);
        }

        if (chosen.Count < n)
        {
            throw new InvalidOperationException(
                $"Round {context.Round} found only {chosen.Count} new mixtures among {pool.Count} candidates; increase CandidatePoolSize or lower RepeatDistance.");
        }

        return new MixtureRoundPlan
        {
            Mixtures = chosen.Select(i => pool[i]).ToArray(),
            PredictedUtilities = chosen.Select(i => predictions[i]).ToArray(),
            Predictor = fitted.Report,
            CandidatesConsidered = pool.Count,
        };
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return PredictiveSearch.PredictedAnswer(
            context,
            _sampler,
            _predictor,
            _options.CandidatePoolSize,
            _options.AnswerTopK,
            _options.IncludeEvaluatedInAnswer,
            _options.AverageTiedAnswers,
            _options.MinimumAnswerSpearman,
            cancellationToken);
    }
}

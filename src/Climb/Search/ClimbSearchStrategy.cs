namespace Climb;

/// <summary>
/// CLIMB's iterative bootstrapping: round 1 evaluates mixtures drawn from the sampler; each later round fits the predictor
/// on every result so far, ranks a large candidate pool, and evaluates mixtures drawn at random from the top-ranked ones;
/// the answer is the predictor's best mixture (evaluated mixtures compete by their out-of-fold predictions), or the best
/// measured mixture when the predictor's held-out Spearman is below <see cref="ClimbSearchStrategyOptions.MinimumAnswerSpearman"/>.
/// </summary>
public sealed class ClimbSearchStrategy : IMixtureSearchStrategy
{
    private readonly ClimbSearchStrategyOptions _options;
    private readonly IMixtureSampler _sampler;
    private readonly IMixturePredictor _predictor;
    private readonly int[] _budgets;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="sampler">The candidate sampler; a default <see cref="DirichletMixtureSampler"/> when <see langword="null"/>.</param>
    /// <param name="predictor">The predictor; a default <see cref="AutoMixturePredictor"/> when <see langword="null"/>.</param>
    public ClimbSearchStrategy(ClimbSearchStrategyOptions? options = null, IMixtureSampler? sampler = null, IMixturePredictor? predictor = null)
    {
        _options = OptionsValidation.Validate(options ?? new ClimbSearchStrategyOptions(), nameof(options));
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

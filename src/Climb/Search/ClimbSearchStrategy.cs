using System.Globalization;

namespace Climb;

/// <summary>
/// CLIMB's iterative bootstrapping. Round 1 evaluates mixtures drawn from the sampler; each later round fits the predictor
/// on every result so far and proposes the next mixtures from ranked candidates; the answer comes from the final
/// predictor. By default (Climb's small-budget rule) the candidates lie in a trust region around the best measured
/// mixtures, a round's mixtures are chosen by Thompson sampling from the Gaussian-process posterior, and a last round
/// re-measures the proposed answer (the best lower confidence bound), another predicted candidate and the best measured
/// mixture on fresh data seeds: the answer is the one with the best mean. <see cref="ClimbSearchStrategyOptions.Paper"/>
/// is the paper's rule: candidates from the prior, proposals drawn from the predicted top, the predictor's argmax as the answer.
/// </summary>
public sealed class ClimbSearchStrategy : IMixtureSearchStrategy
{
    private readonly ClimbSearchStrategyOptions _options;
    private readonly IMixtureSampler _sampler;
    private readonly IMixturePredictor _predictor;
    private readonly int[] _budgets;
    private readonly int _searchRounds;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="sampler">The candidate sampler; a default <see cref="DirichletMixtureSampler"/> when <see langword="null"/>.</param>
    /// <param name="predictor">The predictor; when <see langword="null"/>, the default automatic choice among ridge, a Gaussian process and LightGBM by cross-validated Spearman.</param>
    public ClimbSearchStrategy(ClimbSearchStrategyOptions? options = null, IMixtureSampler? sampler = null, IMixturePredictor? predictor = null)
    {
        _options = OptionsValidation.Validate(options ?? new ClimbSearchStrategyOptions(), nameof(options));
        _searchRounds = _options.RoundBudgets.Count;
        _budgets = _options.ConfirmationCandidates > 0
            ? [.. _options.RoundBudgets, _options.ConfirmationCandidates * _options.ConfirmationSeeds]
            : [.. _options.RoundBudgets];
        _sampler = sampler ?? new DirichletMixtureSampler();
        _predictor = predictor ?? new AutoMixturePredictor();
    }

    /// <inheritdoc />
    public string Name => "climb";

    /// <inheritdoc />
    public string Identity => $"climb:{_options.Describe()};sampler={_sampler.Identity};predictor={_predictor.Identity}";

    /// <summary>Gets the proxy runs of each round: the search rounds, then the confirmation round when there is one.</summary>
    public IReadOnlyList<int> RoundBudgets => _budgets;

    /// <summary>The size of the top-ranked set a round of <paramref name="budget"/> runs samples from: max(n², minimum).</summary>
    /// <param name="budget">The round's number of runs, n.</param>
    /// <returns>The number of top candidates.</returns>
    public int TopCandidates(int budget) => (int)Math.Min(int.MaxValue, Math.Max((long)budget * budget, _options.TopCandidatesMinimum));

    private bool PaperRule => _options.Candidates == ClimbCandidateRegion.Prior && _options.Proposals == ClimbProposalRule.TopOfPool;

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        int n = _budgets[context.Round];
        if (context.Round >= _searchRounds)
        {
            return PlanConfirmation(context, cancellationToken);
        }

        var plan = PlanSearchRound(context, n, cancellationToken);
        return _options.DataSeeds == ClimbDataSeeds.Search ? plan : new MixtureRoundPlan
        {
            Mixtures = plan.Mixtures,
            Seeds = Enumerable.Range(0, n).Select(i => _options.DataSeeds == ClimbDataSeeds.Shared
                ? SeedMixer.Derive(context.Seed, 0xD5EE)
                : SeedMixer.Derive(context.Seed, 0xD5EE, context.Round + 1, i)).ToArray(),
            PredictedUtilities = plan.PredictedUtilities,
            Predictor = plan.Predictor,
            CandidatesConsidered = plan.CandidatesConsidered,
        };
    }

    private MixtureRoundPlan PlanSearchRound(MixtureSearchContext context, int n, CancellationToken cancellationToken)
    {
        if (context.Round == 0 || context.Results.Count < 2)
        {
            return new MixtureRoundPlan { Mixtures = _sampler.Sample(context.Prior, n, SeedMixer.Derive(context.Seed, 0xC1, context.Round), cancellationToken) };
        }

        var fitted = PredictiveSearch.Fit(_predictor, context.Results, SeedMixer.Derive(context.Seed, 0xC2, context.Round), cancellationToken);
        if (PaperRule)
        {
            var pool = _sampler.Sample(context.Prior, _options.CandidatePoolSize, SeedMixer.Derive(context.Seed, 0xC3, context.Round), cancellationToken);
            return PlanFromTop(context, n, fitted, pool, TopCandidates(n), cancellationToken);
        }

        var candidates = CandidatePool(context, context.Results, fitted, _options.TrustRegionPoolSize, SeedMixer.Derive(context.Seed, 0xC3, context.Round), cancellationToken);
        if (_options.Proposals == ClimbProposalRule.ThompsonSampling && fitted is IPosteriorMixturePredictor posterior)
        {
            return PlanByThompsonSampling(context, n, posterior, candidates, cancellationToken);
        }

        return PlanFromTop(context, n, fitted, candidates, _options.Proposals == ClimbProposalRule.TopOfPool ? TopCandidates(n) : n, cancellationToken);
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_options.ConfirmationCandidates > 0)
        {
            return ConfirmedAnswer(context, cancellationToken);
        }

        if (PaperRule)
        {
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

        var (fitted, candidates) = AnswerCandidates(context, context.Results, cancellationToken);
        double rho = fitted.Report.HeldOutSpearman;
        if (_options.MinimumAnswerSpearman is { } min && !(rho >= min))
        {
            return PredictiveSearch.FallbackAnswer(context.Results, fitted.Report, min);
        }

        var first = candidates[0];
        return new MixtureSearchAnswer
        {
            Mixture = first.Mixture,
            Method = $"{first.Kind} of {first.Considered} candidates",
            Source = first.MeasuredInRounds ? AnswerSource.BestMeasured : AnswerSource.Predicted,
            PredictedUtility = first.Predicted,
            Predictor = fitted.Report,
            CandidatesConsidered = first.Considered,
            AccountsForNoise = first.Kind is "lower confidence bound" or "top-k mean",
        };
    }

    /// <summary>The paper's proposal step: shuffle the top <paramref name="top"/> of the ranking, then walk it (and the rest of the ranking) skipping repeats.</summary>
    private MixtureRoundPlan PlanFromTop(MixtureSearchContext context, int n, IFittedMixturePredictor fitted, IReadOnlyList<MixtureWeights> pool, int top, CancellationToken cancellationToken)
    {
        var predictions = new double[pool.Count];
        fitted.Predict(pool, predictions, cancellationToken);
        var ranked = PredictiveSearch.RankDescending(predictions);
        top = Math.Min(top, ranked.Length);
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

            if (!IsRepeat(context, pool[idx], chosen.Select(c => pool[c])))
            {
                chosen.Add(idx);
            }
        }

        ThrowIfShort(context, chosen.Count, n, pool.Count);
        return new MixtureRoundPlan
        {
            Mixtures = chosen.Select(i => pool[i]).ToArray(),
            PredictedUtilities = chosen.Select(i => predictions[i]).ToArray(),
            Predictor = fitted.Report,
            CandidatesConsidered = pool.Count,
        };
    }

    /// <summary>
    /// Thompson sampling: the candidates are screened to the most promising by an upper confidence bound, then each proposal is
    /// the best not yet chosen candidate under its own joint draw from the posterior.
    /// </summary>
    private MixtureRoundPlan PlanByThompsonSampling(MixtureSearchContext context, int n, IPosteriorMixturePredictor posterior, IReadOnlyList<MixtureWeights> pool, CancellationToken cancellationToken)
    {
        var mean = new double[pool.Count];
        var variance = new double[pool.Count];
        posterior.PredictDistribution(pool, mean, variance, cancellationToken);
        var ucb = mean.Select((m, i) => m + (2 * Math.Sqrt(variance[i]))).ToArray();
        var screened = PredictiveSearch.RankDescending(ucb).Where(i => !IsRepeat(context, pool[i], [])).Take(Math.Max(4 * n, 400)).ToArray();
        var candidates = screened.Select(i => pool[i]).ToArray();
        var draws = posterior.SampleJoint(candidates, n, SeedMixer.Derive(context.Seed, 0xC5, context.Round), cancellationToken);
        var chosen = new List<int>(n);
        foreach (var draw in draws)
        {
            foreach (int c in PredictiveSearch.RankDescending(draw))
            {
                if (!chosen.Contains(c) && !IsRepeat(context, candidates[c], chosen.Select(x => candidates[x])))
                {
                    chosen.Add(c);
                    break;
                }
            }
        }

        ThrowIfShort(context, chosen.Count, n, pool.Count);
        return new MixtureRoundPlan
        {
            Mixtures = chosen.Select(c => candidates[c]).ToArray(),
            PredictedUtilities = chosen.Select(c => mean[screened[c]]).ToArray(),
            Predictor = posterior.Report,
            CandidatesConsidered = pool.Count,
        };
    }

    /// <summary>The confirmation round: each candidate answer trained on the same fresh data seeds.</summary>
    private MixtureRoundPlan PlanConfirmation(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        var searchResults = SearchRoundResults(context);
        var (fitted, candidates) = AnswerCandidates(context, searchResults, cancellationToken);
        var seeds = PredictiveSearch.FreshSeeds(context, _options.ConfirmationSeeds);
        int c = Math.Min(candidates.Count, _options.ConfirmationCandidates);
        var mixtures = new List<MixtureWeights>();
        var runSeeds = new List<int>();
        var predicted = new List<double>();
        for (int i = 0; i < _options.ConfirmationCandidates; i++)
        {
            // Fewer distinct candidates than slots (all rules agreed): the last one takes the spare runs, so the budget is spent as declared.
            var candidate = candidates[Math.Min(i, c - 1)];
            foreach (int s in seeds)
            {
                mixtures.Add(candidate.Mixture);
                runSeeds.Add(s);
                predicted.Add(candidate.Predicted ?? double.NaN);
            }
        }

        return new MixtureRoundPlan
        {
            Mixtures = mixtures,
            Seeds = runSeeds,
            PredictedUtilities = predicted.All(double.IsFinite) ? predicted : null,
            Predictor = fitted.Report,
            CandidatesConsidered = candidates[0].Considered,
        };
    }

    private MixtureSearchAnswer ConfirmedAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        var searchResults = SearchRoundResults(context);
        var confirmation = context.Results.Skip(searchResults.Count).ToArray();
        var (fitted, candidates) = AnswerCandidates(context, searchResults, cancellationToken);
        var seeds = PredictiveSearch.FreshSeeds(new MixtureSearchContext { Prior = context.Prior, Seed = context.Seed, Round = _searchRounds, Results = searchResults, Failures = context.Failures.Where(f => f.Round < _searchRounds).ToArray() }, _options.ConfirmationSeeds);
        var confirmed = new List<ConfirmedMixture>();
        foreach (var candidate in candidates.Take(_options.ConfirmationCandidates))
        {
            var runs = confirmation.Where(r => r.Mixture.Equals(candidate.Mixture)).ToArray();
            var objectives = seeds.Select(s => runs.FirstOrDefault(r => r.Seed == s)).Where(r => r is not null).Select(r => r!).ToArray();
            confirmed.Add(new ConfirmedMixture
            {
                Mixture = candidate.Mixture,
                Kind = candidate.Kind,
                MeasuredInRounds = candidate.MeasuredInRounds,
                PredictedUtility = candidate.Predicted,
                Objectives = objectives.Select(r => r.Objective).ToArray(),
                MeanUtility = objectives.Length == 0 ? double.NaN : objectives.Average(r => r.Utility),
                MeanObjective = objectives.Length == 0 ? double.NaN : objectives.Average(r => r.Objective),
                StandardDeviation = MixtureSearch.SampleStandardDeviation(objectives.Select(r => r.Objective).ToArray()),
            });
        }

        int chosen = -1;
        for (int i = 0; i < confirmed.Count; i++)
        {
            if (double.IsFinite(confirmed[i].MeanUtility) && (chosen < 0 || confirmed[i].MeanUtility > confirmed[chosen].MeanUtility))
            {
                chosen = i;
            }
        }

        if (_options.ConfirmationRule == ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed && chosen > 0 && double.IsFinite(confirmed[0].MeanUtility))
        {
            // The proposed answer stands unless a challenger beats it on every seed both were measured on.
            var proposed = confirmation.Where(r => r.Mixture.Equals(confirmed[0].Mixture)).ToDictionary(r => r.Seed, r => r.Utility);
            bool BeatsEverywhere(int i)
            {
                var paired = confirmation.Where(r => r.Mixture.Equals(confirmed[i].Mixture) && proposed.ContainsKey(r.Seed)).ToArray();
                return paired.Length > 0 && paired.All(r => r.Utility > proposed[r.Seed]);
            }

            chosen = Enumerable.Range(1, confirmed.Count - 1)
                .Where(i => double.IsFinite(confirmed[i].MeanUtility) && BeatsEverywhere(i))
                .OrderByDescending(i => confirmed[i].MeanUtility).ThenBy(i => i)
                .DefaultIfEmpty(0).First();
        }

        if (chosen < 0)
        {
            // Every confirmation run failed: the best measured mixture, as without a confirmation round.
            var best = PredictiveSearch.BestMeasured(searchResults);
            return new MixtureSearchAnswer
            {
                Mixture = best.Mixture,
                Method = $"best measured of {searchResults.Count} (every confirmation run failed)",
                Source = AnswerSource.BestMeasured,
                Reason = "every run of the confirmation round failed, so the candidates could not be compared on fresh data seeds; the best measured mixture is the answer",
                Predictor = fitted.Report,
                CandidatesConsidered = searchResults.Count,
            };
        }

        var winner = confirmed[chosen];
        string table = string.Join("; ", confirmed.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Kind} {c.MeanObjective:G5}")));
        return new MixtureSearchAnswer
        {
            Mixture = winner.Mixture,
            Method = string.Create(CultureInfo.InvariantCulture, $"{winner.Kind}, confirmed on {seeds.Count} fresh data seeds (mean objective: {table})"),
            Source = winner.MeasuredInRounds ? AnswerSource.BestMeasured : AnswerSource.Predicted,
            Reason = winner.MeasuredInRounds
                ? string.Create(CultureInfo.InvariantCulture, $"re-measured on {seeds.Count} fresh data seeds, the best measured mixture did better than the predicted candidates{(_options.ConfirmationRule == ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed ? " on every seed" : string.Empty)} ({table})")
                : null,
            PredictedUtility = winner.PredictedUtility,
            Predictor = fitted.Report,
            CandidatesConsidered = candidates[0].Considered,
            Confirmation = new MixtureConfirmation { Seeds = seeds, Candidates = confirmed, Chosen = chosen },
            AccountsForNoise = true,
        };
    }

    /// <summary>
    /// The candidate answers, distinct, in the order they are confirmed: the answer rule's candidate, the other predicted
    /// rules' candidates, and the best measured mixture last (kept even when a predicted rule picked it).
    /// </summary>
    private (IFittedMixturePredictor Fitted, List<AnswerCandidate> Candidates) AnswerCandidates(MixtureSearchContext context, IReadOnlyList<ProxyResult> results, CancellationToken cancellationToken)
    {
        var fitted = PredictiveSearch.Fit(_predictor, results, SeedMixer.Derive(context.Seed, 0xA45, 1), cancellationToken);
        var pool = new List<MixtureWeights>(CandidatePool(context, results, fitted, _options.TrustRegionPoolSize, SeedMixer.Derive(context.Seed, 0xA45, 2), cancellationToken, answer: true));
        if (_options.IncludeEvaluatedInAnswer)
        {
            pool.AddRange(results.Select(r => r.Mixture));
        }

        var mean = new double[pool.Count];
        var variance = new double[pool.Count];
        var posterior = fitted as IPosteriorMixturePredictor;
        if (posterior is not null)
        {
            posterior.PredictDistribution(pool, mean, variance, cancellationToken);
        }
        else
        {
            fitted.Predict(pool, mean, cancellationToken);
        }

        var byMean = PredictiveSearch.RankDescending(mean);
        int Best(Func<int, double> score) => Enumerable.Range(0, pool.Count).OrderByDescending(score).ThenBy(i => i).First();
        var rules = new List<ClimbAnswerRule> { _options.Answer };
        rules.AddRange(new[] { ClimbAnswerRule.LowerConfidenceBound, ClimbAnswerRule.PredictedBest, ClimbAnswerRule.TopKMean }.Where(r => r != _options.Answer));
        var measured = new HashSet<MixtureWeights>(results.Select(r => r.Mixture));
        var list = new List<AnswerCandidate>();
        void Add(string kind, MixtureWeights m, double? predicted)
        {
            m = context.Prior.Project(m); // every candidate is feasible under the prior's bounds (a feasible one is unchanged)
            if (list.All(c => PredictiveSearch.L1(c.Mixture, m) > _options.RepeatDistance))
            {
                list.Add(new AnswerCandidate(kind, m, predicted, measured.Contains(m), pool.Count));
            }
        }

        foreach (var rule in rules)
        {
            switch (rule)
            {
                case ClimbAnswerRule.LowerConfidenceBound when posterior is not null:
                    int lcb = Best(i => mean[i] - (_options.ConfidenceBoundWidth * Math.Sqrt(variance[i])));
                    Add("lower confidence bound", pool[lcb], mean[lcb]);
                    break;
                case ClimbAnswerRule.PredictedBest:
                    Add("predicted best", pool[byMean[0]], mean[byMean[0]]);
                    break;
                case ClimbAnswerRule.TopKMean:
                    var top = PredictiveSearch.MeanOfTop(pool, byMean, Math.Max(_options.AnswerTopK, 2));
                    var one = new double[1];
                    fitted.Predict([top], one, cancellationToken);
                    Add("top-k mean", top, one[0]);
                    break;
            }
        }

        // The best measured mixture goes last, displacing the last predicted candidate when the slots are full; when the
        // rules agreed on fewer mixtures than there are slots, the next best by predicted value fill them.
        var best = PredictiveSearch.BestMeasured(results);
        list.RemoveAll(c => PredictiveSearch.L1(c.Mixture, best.Mixture) <= _options.RepeatDistance);
        int slots = Math.Max(_options.ConfirmationCandidates, 1);
        for (int r = 0; r < byMean.Length && list.Count < slots - 1; r++)
        {
            var m = pool[byMean[r]];
            if (PredictiveSearch.L1(m, best.Mixture) > _options.RepeatDistance)
            {
                Add("predicted runner-up", m, mean[byMean[r]]);
            }
        }

        if (_options.ConfirmationCandidates > 0 && list.Count >= slots)
        {
            list.RemoveRange(slots - 1, list.Count - (slots - 1));
        }

        if (_options.ConfirmationCandidates > 0 || list.Count == 0)
        {
            var one = new double[1];
            fitted.Predict([best.Mixture], one, cancellationToken);
            list.Add(new AnswerCandidate("best measured", best.Mixture, one[0], true, pool.Count));
        }

        return (fitted, list);
    }

    /// <summary>The candidates a later round or the answer ranks: trust-region draws (and a share from the sampler), or sampler draws only.</summary>
    private List<MixtureWeights> CandidatePool(
        MixtureSearchContext context, IReadOnlyList<ProxyResult> results, IFittedMixturePredictor fitted, int size, int seed, CancellationToken cancellationToken, bool answer = false)
    {
        if (_options.Candidates == ClimbCandidateRegion.Prior)
        {
            return [.. _sampler.Sample(context.Prior, size, seed, cancellationToken)];
        }

        int global = answer ? 0 : (int)Math.Round(size * _options.GlobalCandidateShare);
        var centres = Centres(results, fitted, cancellationToken);
        double concentration = Concentration(context, results);
        var pool = DirichletTrustRegion.Sample(centres, context.Prior, answer ? Math.Min(concentration * 2, _options.TrustRegionMaximumConcentration) : concentration, size - global, seed, null, cancellationToken);
        if (global > 0)
        {
            pool.AddRange(_sampler.Sample(context.Prior, global, SeedMixer.Derive(seed, 0x61), cancellationToken));
        }

        return pool;
    }

    /// <summary>The distinct measured mixtures the predictor rates best (at least 0.05 apart in L1), which centre the trust region.</summary>
    private List<MixtureWeights> Centres(IReadOnlyList<ProxyResult> results, IFittedMixturePredictor fitted, CancellationToken cancellationToken)
    {
        var mixtures = results.Select(r => r.Mixture).ToArray();
        var predicted = new double[mixtures.Length];
        fitted.Predict(mixtures, predicted, cancellationToken);
        var centres = new List<MixtureWeights>();
        foreach (int i in PredictiveSearch.RankDescending(predicted))
        {
            if (centres.Count == _options.TrustRegionCentres)
            {
                break;
            }

            if (centres.All(c => PredictiveSearch.L1(c, mixtures[i]) > 0.05))
            {
                centres.Add(mixtures[i]);
            }
        }

        return centres;
    }

    /// <summary>
    /// The trust region's concentration for the next draw, replayed from the rounds so far: it starts at
    /// <see cref="ClimbSearchStrategyOptions.TrustRegionConcentration"/> and doubles after every later round whose best
    /// measurement beat every earlier one (the region was productive: look closer) and halves after every other one (look wider).
    /// </summary>
    internal double Concentration(MixtureSearchContext context, IReadOnlyList<ProxyResult> results)
    {
        double concentration = _options.TrustRegionConcentration;
        int offset = 0;
        double best = double.NegativeInfinity;
        for (int round = 0; round < Math.Min(context.Round, _searchRounds) && offset < results.Count; round++)
        {
            int count = Math.Min(_budgets[round] - context.Failures.Count(f => f.Round == round), results.Count - offset);
            double roundBest = results.Skip(offset).Take(count).Select(r => r.Utility).DefaultIfEmpty(double.NegativeInfinity).Max();
            if (round > 0)
            {
                concentration = Math.Clamp(
                    roundBest > best ? concentration * 2 : concentration / 2,
                    _options.TrustRegionMinimumConcentration,
                    _options.TrustRegionMaximumConcentration);
            }

            best = Math.Max(best, roundBest);
            offset += count;
        }

        return concentration;
    }

    /// <summary>The results of the search rounds (the confirmation round's left out).</summary>
    private List<ProxyResult> SearchRoundResults(MixtureSearchContext context)
    {
        int count = 0;
        for (int round = 0; round < _searchRounds; round++)
        {
            count += _budgets[round] - context.Failures.Count(f => f.Round == round);
        }

        return context.Results.Take(Math.Min(count, context.Results.Count)).ToList();
    }

    private bool IsRepeat(MixtureSearchContext context, MixtureWeights m, IEnumerable<MixtureWeights> chosen) =>
        context.Results.Any(r => PredictiveSearch.L1(r.Mixture, m) <= _options.RepeatDistance) ||
        context.Failures.Any(f => PredictiveSearch.L1(f.Mixture, m) <= _options.RepeatDistance) ||
        chosen.Any(c => PredictiveSearch.L1(c, m) <= _options.RepeatDistance);

    private static void ThrowIfShort(MixtureSearchContext context, int found, int n, int pool)
    {
        if (found < n)
        {
            throw new InvalidOperationException(
                $"Round {context.Round} found only {found} new mixtures among {pool} candidates; increase the candidate pool or lower RepeatDistance.");
        }
    }

    private sealed record AnswerCandidate(string Kind, MixtureWeights Mixture, double? Predicted, bool MeasuredInRounds, int Considered);
}

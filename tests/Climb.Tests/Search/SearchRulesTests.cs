namespace Climb.Tests.Search;

/// <summary>Round planning, the answer rule, predictor selection, noise measurement and common random numbers.</summary>
public sealed class SearchRulesTests
{
    private static readonly MixturePrior Prior = SyntheticObjective.Prior;
    private static readonly MixtureWeights Anchor = SyntheticObjective.OptimumMixture;

    /// <summary>A fixed scoring rule (no learning): closeness to <see cref="Anchor"/>, or its opposite. Its held-out figures are real: it is scored against the targets like any predictor.</summary>
    private sealed class DistancePredictor(double sign = 1, bool memorize = false, int steps = 0) : IMixturePredictor
    {
        public string Identity => $"distance(sign={sign},memorize={memorize},steps={steps})";

        public double Score(MixtureWeights m)
        {
            double d = PredictiveSearch.L1(m, Anchor);
            double v = -sign * d;
            return steps > 0 ? Math.Round(v * steps) / steps : v;
        }

        public IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default)
        {
            var oof = observations.Select(o => Score(o.Mixture)).ToArray();
            var report = new MixturePredictorReport
            {
                Predictor = Identity,
                TrainingCount = observations.Count,
                HeldOutSpearman = RankStatistics.Spearman(oof, observations.Select(o => o.Target).ToArray()),
                Folds = 5,
                OutOfFoldPredictions = oof,
            };
            return new Fitted(this, memorize ? observations.ToArray() : [], report);
        }

        private sealed class Fitted(DistancePredictor p, (MixtureWeights Mixture, double Target)[] seen, MixturePredictorReport report) : IFittedMixturePredictor
        {
            public MixturePredictorReport Report => report;

            // A memorising model returns each training mixture's own measured target in-sample (what an overfitted tree or a GP without noise does).
            public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default)
            {
                for (int i = 0; i < mixtures.Count; i++)
                {
                    var hit = seen.FirstOrDefault(s => s.Mixture.Equals(mixtures[i]));
                    destination[i] = hit.Mixture is not null ? hit.Target : p.Score(mixtures[i]);
                }
            }
        }
    }

    private static async Task<MixtureSearchContext> ContextAsync(int n, int round, IReadOnlyList<ProxyFailure>? failures = null)
    {
        var objective = new SyntheticObjective();
        var mixtures = new DirichletMixtureSampler().Sample(Prior, n, 11);
        var results = new List<ProxyResult>();
        foreach (var m in mixtures)
        {
            results.Add(await objective.EvaluateAsync(m, 5, default));
        }

        return new MixtureSearchContext { Prior = Prior, Seed = 3, Round = round, Results = results, Failures = failures ?? [] };
    }

    [Fact]
    public async Task A_round_samples_its_proposals_from_the_top_n_squared_of_the_ranking()
    {
        var predictor = new DistancePredictor();
        var strategy = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [16, 5]; o.CandidatePoolSize = 2000; o.TopCandidatesMinimum = 10; }), predictor: predictor);
        Assert.Equal(25, strategy.TopCandidates(5));
        var context = await ContextAsync(16, 1);
        var plan = strategy.PlanRound(context, default);

        var pool = new DirichletMixtureSampler().Sample(Prior, 2000, SeedMixer.Derive(3, 0xC3, 1));
        var ranked = PredictiveSearch.RankDescending(pool.Select(predictor.Score).ToArray());
        var top = ranked.Take(25).Select(i => pool[i]).ToHashSet();
        Assert.Equal(5, plan.Mixtures.Count);
        Assert.All(plan.Mixtures, m => Assert.Contains(m, top));
        Assert.Equal(plan.Mixtures.Select(predictor.Score), plan.PredictedUtilities!);
        Assert.Equal(2000, plan.CandidatesConsidered);

        // Random among the top 25, not simply the top 5.
        var top5 = ranked.Take(5).Select(i => pool[i]).ToHashSet();
        Assert.False(plan.Mixtures.All(top5.Contains));
    }

    [Fact]
    public async Task Proposals_skip_repeats_of_evaluated_failed_and_already_proposed_mixtures()
    {
        var predictor = new DistancePredictor();
        var options = PaperOptions.With(o => { o.RoundBudgets = [16, 6]; o.CandidatePoolSize = 2000; o.TopCandidatesMinimum = 10; o.RepeatDistance = 0.4; });
        var pool = new DirichletMixtureSampler().Sample(Prior, 2000, SeedMixer.Derive(3, 0xC3, 1));
        var best = pool[PredictiveSearch.RankDescending(pool.Select(predictor.Score).ToArray())[0]];
        var failure = new ProxyFailure { Round = 0, Index = 0, Mixture = best, Seed = 1, Reason = "non-finite objective (NaN)" };
        var context = await ContextAsync(16, 1, [failure]);
        var plan = new ClimbSearchStrategy(options, predictor: predictor).PlanRound(context, default);
        for (int a = 0; a < plan.Mixtures.Count; a++)
        {
            Assert.True(PredictiveSearch.L1(plan.Mixtures[a], best) > 0.4, "a failed mixture's neighbourhood was proposed again");
            Assert.All(context.Results, r => Assert.True(PredictiveSearch.L1(plan.Mixtures[a], r.Mixture) > 0.4));
            for (int b = 0; b < a; b++)
            {
                Assert.True(PredictiveSearch.L1(plan.Mixtures[a], plan.Mixtures[b]) > 0.4);
            }
        }

        // When repeats leave too few new mixtures, the error says how many were found and what to change.
        options.RepeatDistance = 2.0;
        var ex = Assert.Throws<InvalidOperationException>(() => new ClimbSearchStrategy(options, predictor: predictor).PlanRound(context, default));
        Assert.Contains("found only 0 new mixtures among 2000 candidates", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RepeatDistance", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_answer_is_the_argmax_over_the_pool_and_the_evaluated_mixtures_by_out_of_fold_predictions()
    {
        var context = await ContextAsync(20, 2);
        var options = PaperOptions.With(o => { o.RoundBudgets = [20]; o.CandidatePoolSize = 3000; });
        var predictor = new DistancePredictor();
        var answer = new ClimbSearchStrategy(options, predictor: predictor).SelectAnswer(context, default);
        var pool = new DirichletMixtureSampler().Sample(Prior, 3000, SeedMixer.Derive(3, 0xA45, 2)).Concat(context.Results.Select(r => r.Mixture)).ToArray();
        var expected = pool.MaxBy(predictor.Score)!;
        Assert.Equal(expected, answer.Mixture);
        Assert.Equal(AnswerSource.Predicted, answer.Source);
        Assert.Null(answer.Reason);
        Assert.Equal(predictor.Score(expected), answer.PredictedUtility!.Value, 12);

        // A memorising model predicts each evaluated mixture's own measured utility in-sample. Make one evaluated mixture
        // look unbeatable in-sample: with out-of-fold predictions it does not win; an in-sample rule would pick it.
        var results = context.Results.ToList();
        var far = results.MaxBy(r => PredictiveSearch.L1(r.Mixture, Anchor))!;
        results[results.IndexOf(far)] = new ProxyResult { Mixture = far.Mixture, Seed = far.Seed, Objective = -100, Goal = ObjectiveGoal.Minimize };
        var rigged = new MixtureSearchContext { Prior = Prior, Seed = 3, Round = 2, Results = results };
        var memorizing = new DistancePredictor(memorize: true);
        var ranked = new ClimbSearchStrategy(options, predictor: memorizing).SelectAnswer(rigged, default);
        Assert.NotEqual(far.Mixture, ranked.Mixture);
        Assert.Equal(expected, ranked.Mixture);
    }

    [Fact]
    public async Task Ties_are_not_averaged_unless_asked()
    {
        var context = await ContextAsync(20, 2);
        var coarse = new DistancePredictor(steps: 2); // piecewise constant: many candidates tie at the top
        var plain = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [20]; o.CandidatePoolSize = 3000; }), predictor: coarse).SelectAnswer(context, default);
        var pool = new DirichletMixtureSampler().Sample(Prior, 3000, SeedMixer.Derive(3, 0xA45, 2));
        Assert.Contains(plain.Mixture, pool);
        Assert.DoesNotContain("tied", plain.Method, StringComparison.Ordinal);

        var averaged = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [20]; o.CandidatePoolSize = 3000; o.AverageTiedAnswers = true; }), predictor: coarse).SelectAnswer(context, default);
        Assert.Contains("tied", averaged.Method, StringComparison.Ordinal);
        Assert.DoesNotContain(averaged.Mixture, pool);
    }

    [Fact]
    public async Task A_predictor_that_cannot_rank_hands_the_answer_to_the_best_measured_mixture_and_says_why()
    {
        var context = await ContextAsync(20, 2);
        var wrong = new DistancePredictor(sign: -1); // ranks backwards: held-out Spearman strongly negative
        var answer = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [20]; o.CandidatePoolSize = 1000; }), predictor: wrong).SelectAnswer(context, default);
        var best = context.Results.MaxBy(r => r.Utility)!;
        Assert.Equal(AnswerSource.BestMeasured, answer.Source);
        Assert.Equal(best.Mixture, answer.Mixture);
        Assert.True(answer.Predictor!.HeldOutSpearman < 0);
        Assert.Contains("below the threshold 0.3", answer.Reason, StringComparison.Ordinal);
        Assert.Contains("fallback", answer.Method, StringComparison.Ordinal);

        // With the safeguard off the predictor is trusted (and here it is wrong).
        var trusted = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [20]; o.CandidatePoolSize = 1000; o.MinimumAnswerSpearman = null; }), predictor: wrong).SelectAnswer(context, default);
        Assert.Equal(AnswerSource.Predicted, trusted.Source);
        Assert.True(SyntheticObjective.TrueLoss(trusted.Mixture) > SyntheticObjective.TrueLoss(answer.Mixture));
    }

    [Fact]
    public async Task The_search_shares_seeds_within_a_round_measures_its_noise_and_the_answer_and_resumes_them()
    {
        string journal = Path.Combine(Path.GetTempPath(), "climb-search-rules-" + Guid.NewGuid().ToString("N") + ".jsonl");
        try
        {
            var objective = new SyntheticObjective();
            var strategy = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [16, 8, 6]; o.CandidatePoolSize = 3000; o.TopCandidatesMinimum = 32; }));
            var options = new MixtureSearchOptions { Seed = 2, JournalPath = journal, MaxDegreeOfParallelism = 2 };
            var result = await new MixtureSearch(strategy, options).RunAsync(Prior, objective.EvaluateAsync);

            // Common random numbers: one seed per round, a different one each round.
            foreach (var round in result.Rounds)
            {
                Assert.Single(round.Results.Select(r => r.Seed).Distinct());
                Assert.Equal(round.Results[0].Seed, round.SharedSeed);
            }

            Assert.Equal(3, result.Rounds.Select(r => r.SharedSeed).Distinct().Count());

            // The noise floor: the prior mixture under three other data seeds; the synthetic proxy's noise is N(0, 0.02²).
            var noise = result.Noise!;
            Assert.Equal(new MixtureWeights(Prior.Shares), noise.Mixture);
            Assert.Equal(3, noise.Objectives.Count);
            Assert.Equal(3, noise.Seeds.Distinct().Count());
            Assert.InRange(noise.StandardDeviation, 0.002, 0.08);
            double signal = MixtureSearch.SampleStandardDeviation(result.Rounds[0].Results.Select(r => r.Objective).ToArray());
            Assert.Equal(signal, noise.SignalStandardDeviation, 12);
            Assert.Equal(signal / noise.StandardDeviation, result.SignalToNoise, 9);

            // The answer measured by one more run, on the best measured result's data order; kept when it measures at
            // least as well as the best measured mixture, otherwise replaced by it.
            Assert.NotNull(result.AnswerMeasured);
            Assert.Equal(result.BestMeasured.Seed, result.AnswerMeasured!.Seed);
            if (result.AnswerMeasured.Utility >= result.BestMeasured.Utility)
            {
                Assert.Equal(AnswerSource.Predicted, result.AnswerSource);
                Assert.Equal(result.Mixture, result.AnswerMeasured.Mixture);
                Assert.Null(result.PredictedAnswer);
            }
            else
            {
                Assert.Equal(AnswerSource.BestMeasured, result.AnswerSource);
                Assert.Equal(result.PredictedAnswer!.Mixture, result.AnswerMeasured.Mixture);
                Assert.Equal(result.BestMeasured.Mixture, result.Mixture);
            }

            Assert.Equal(30 + 3 + 1, objective.Calls);

            // The rounds say which predictor Auto chose and how it did.
            foreach (var round in result.Rounds.Skip(1))
            {
                Assert.Single(round.Predictor!.Candidates!, c => c.Chosen);
                Assert.Equal(round.Predictor.Candidates!.Max(c => c.HeldOutSpearman), round.HeldOutSpearman);
                Assert.False(double.IsNaN(round.ProspectiveSpearman));
            }

            // Resuming runs nothing again, noise and answer runs included.
            var again = new SyntheticObjective();
            var resumed = await new MixtureSearch(strategy, options).RunAsync(Prior, again.EvaluateAsync);
            Assert.Equal(0, again.Calls);
            Assert.Equal(result.SignalToNoise, resumed.SignalToNoise);
            Assert.Equal(result.AnswerMeasured.Objective, resumed.AnswerMeasured!.Objective);
        }
        finally
        {
            File.Delete(journal);
        }
    }

    [Fact]
    public async Task A_predicted_answer_that_measures_worse_than_the_best_measured_mixture_is_replaced_and_kept_for_the_record()
    {
        var wrong = new DistancePredictor(sign: -1); // trusted (no Spearman threshold) and wrong: its best is far from the optimum
        var strategy = new ClimbSearchStrategy(PaperOptions.With(o => { o.RoundBudgets = [12]; o.CandidatePoolSize = 1000; o.MinimumAnswerSpearman = null; }), predictor: wrong);
        var result = await new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 5, NoiseReplicates = 0 }).RunAsync(Prior, new SyntheticObjective().EvaluateAsync);
        Assert.Equal(AnswerSource.BestMeasured, result.AnswerSource);
        Assert.Equal(result.BestMeasured.Mixture, result.Mixture);
        Assert.Equal(AnswerSource.Predicted, result.PredictedAnswer!.Source);
        Assert.Equal(result.PredictedAnswer.Mixture, result.AnswerMeasured!.Mixture);
        Assert.True(result.AnswerMeasured.Objective > result.BestMeasured.Objective);
        Assert.Contains("measured worse", result.Answer.Method, StringComparison.Ordinal);
        Assert.Contains("worse than the best measured", result.Answer.Reason, StringComparison.Ordinal);

        // Off: the predicted answer stands, measured and reported beside the best measured one.
        var kept = await new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 5, NoiseReplicates = 0, KeepBestMeasuredWhenAnswerIsWorse = false })
            .RunAsync(Prior, new SyntheticObjective().EvaluateAsync);
        Assert.Equal(AnswerSource.Predicted, kept.AnswerSource);
        Assert.Equal(result.PredictedAnswer.Mixture, kept.Mixture);
        Assert.Null(kept.PredictedAnswer);
    }
}

namespace Climb.Tests.Search;

/// <summary>
/// Climb's small-budget rule: the confirmation round (fresh paired seeds, the best measured mixture among the candidates,
/// the best mean wins, every run counted), the trust region (centred, concentration adapts, bounds respected) and the
/// Gaussian process's posterior behind Thompson sampling and the lower confidence bound.
/// </summary>
public sealed class ClimbAnswerRuleTests
{
    private static readonly MixturePrior Prior = SyntheticObjective.Prior;

    private static ClimbSearchStrategyOptions Small() => new() { RoundBudgets = [12, 8, 8], TrustRegionPoolSize = 400, ConfirmationCandidates = 3, ConfirmationSeeds = 3, ConfirmationRule = ClimbConfirmationRule.BestMean };

    [Fact]
    public async Task The_confirmation_round_re_measures_the_candidates_on_fresh_paired_seeds_and_answers_with_the_best_mean()
    {
        var objective = new SyntheticObjective();
        var options = Small();
        var strategy = new ClimbSearchStrategy(options, predictor: new GaussianProcessMixturePredictor());

        // Plant a collision: the search rounds run on the first seed the confirmation round would otherwise take.
        int planted = SeedMixer.Derive(5, 0xC0F1, 0);
        var search = new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 5, ProxySeed = planted, NoiseReplicates = 0, MeasureAnswer = true });
        var result = await search.RunAsync(Prior, objective.EvaluateAsync);

        // Every proxy run is counted: 28 in the rounds, 9 in the confirmation, none added to measure the answer.
        Assert.Equal(options.TotalProxyRuns, strategy.RoundBudgets.Sum());
        Assert.Equal(37, objective.Calls);
        Assert.Equal(37, result.ProxyResults.Count);

        var confirmation = result.Answer.Confirmation;
        Assert.NotNull(confirmation);
        var roundSeeds = result.ProxyResults.Take(28).Select(r => r.Seed).ToHashSet();
        Assert.Equal(3, confirmation!.Seeds.Distinct().Count());
        Assert.DoesNotContain(planted, confirmation.Seeds);
        Assert.Empty(confirmation.Seeds.Intersect(roundSeeds));

        // Three distinct candidates, the best measured mixture of the rounds last, each trained on every confirmation seed.
        Assert.Equal(3, confirmation.Candidates.Count);
        var bestOfRounds = result.ProxyResults.Take(28).MaxBy(r => r.Utility)!;
        Assert.Equal("best measured", confirmation.Candidates[^1].Kind);
        Assert.Equal(bestOfRounds.Mixture, confirmation.Candidates[^1].Mixture);
        Assert.True(confirmation.Candidates[^1].MeasuredInRounds);
        Assert.False(confirmation.Candidates[0].MeasuredInRounds);
        var confirmRuns = result.ProxyResults.Skip(28).ToArray();
        foreach (var c in confirmation.Candidates)
        {
            Assert.Equal(confirmation.Seeds.Order(), confirmRuns.Where(r => r.Mixture.Equals(c.Mixture)).Select(r => r.Seed).Order());
            Assert.Equal(c.Objectives.Average(), c.MeanObjective, 12);
        }

        // The synthetic noise depends on the seed only, so on paired seeds the best mean is the best true loss.
        var chosen = confirmation.Candidates[confirmation.Chosen];
        Assert.Equal(chosen.Mixture, result.Mixture);
        Assert.Equal(confirmation.Candidates.Min(c => SyntheticObjective.TrueLoss(c.Mixture)), SyntheticObjective.TrueLoss(result.Mixture), 12);
        Assert.Equal(chosen.MeasuredInRounds ? AnswerSource.BestMeasured : AnswerSource.Predicted, result.AnswerSource);
        Assert.Null(result.PredictedAnswer); // the search did not overrule the confirmed answer with one noisy measurement

        // And the answer is far better than the prior's token shares.
        Assert.True(SyntheticObjective.TrueLoss(result.Mixture) < SyntheticObjective.TrueLoss(new MixtureWeights(Prior.Shares)) - 1, $"{SyntheticObjective.TrueLoss(result.Mixture)}");
    }

    [Theory]
    [InlineData(ClimbConfirmationRule.BestMean, new[] { 0.5, 0.5, 1.1 }, true)]
    [InlineData(ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed, new[] { 0.5, 0.5, 1.1 }, false)]
    [InlineData(ClimbConfirmationRule.BestMean, new[] { 0.9, 0.9, 0.9 }, true)]
    [InlineData(ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed, new[] { 0.9, 0.9, 0.9 }, true)]
    public async Task The_confirmation_rule_decides_when_the_best_measured_mixture_replaces_the_proposed_answer(ClimbConfirmationRule rule, double[] bestMeasuredObjectives, bool replaced)
    {
        var options = new ClimbSearchStrategyOptions { RoundBudgets = [20], TrustRegionPoolSize = 300, ConfirmationCandidates = 2, ConfirmationSeeds = 3, ConfirmationRule = rule };
        var strategy = new ClimbSearchStrategy(options, predictor: new GaussianProcessMixturePredictor());
        var objective = new SyntheticObjective();
        var results = new List<ProxyResult>();
        foreach (var m in new DirichletMixtureSampler().Sample(Prior, 20, 31))
        {
            results.Add(await objective.EvaluateAsync(m, 77, default));
        }

        var plan = strategy.PlanRound(new MixtureSearchContext { Prior = Prior, Seed = 2, Round = 1, Results = results }, default);
        Assert.Equal(6, plan.Mixtures.Count);
        var proposed = plan.Mixtures[0];
        var best = results.MaxBy(r => r.Utility)!.Mixture;
        Assert.Equal(best, plan.Mixtures[3]);

        // The proposed answer measures 1.0 on every fresh seed; the best measured mixture as given (lower is better).
        var confirmation = plan.Mixtures.Select((m, i) => new ProxyResult
        {
            Mixture = m, Seed = plan.Seeds![i], Objective = i < 3 ? 1.0 : bestMeasuredObjectives[i - 3], Goal = ObjectiveGoal.Minimize,
        });
        var answer = strategy.SelectAnswer(new MixtureSearchContext { Prior = Prior, Seed = 2, Round = 2, Results = [.. results, .. confirmation] }, default);

        Assert.Equal(replaced ? best : proposed, answer.Mixture);
        Assert.Equal(replaced ? AnswerSource.BestMeasured : AnswerSource.Predicted, answer.Source);
        Assert.Equal(replaced ? 1 : 0, answer.Confirmation!.Chosen);
        Assert.True(answer.AccountsForNoise);
        Assert.Equal(bestMeasuredObjectives.Average(), answer.Confirmation.Candidates[1].MeanObjective, 12);
    }

    [Fact]
    public async Task A_resumed_search_confirms_the_same_candidates_and_gives_the_same_answer()
    {
        string dir = Path.Combine(Path.GetTempPath(), "climb-answer-rule-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string journal = Path.Combine(dir, "journal.jsonl");
            var first = await new MixtureSearch(new ClimbSearchStrategy(Small()), new MixtureSearchOptions { Seed = 9, JournalPath = journal, NoiseReplicates = 0 })
                .RunAsync(Prior, new SyntheticObjective().EvaluateAsync);
            var again = new SyntheticObjective();
            var second = await new MixtureSearch(new ClimbSearchStrategy(Small()), new MixtureSearchOptions { Seed = 9, JournalPath = journal, NoiseReplicates = 0 })
                .RunAsync(Prior, again.EvaluateAsync);
            Assert.Equal(0, again.Calls);
            Assert.Equal(first.Mixture, second.Mixture);
            Assert.Equal(first.Answer.Confirmation!.Seeds, second.Answer.Confirmation!.Seeds);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Trust_region_draws_are_centred_tighter_as_the_concentration_grows_and_respect_upper_bounds()
    {
        var centre = SyntheticObjective.OptimumMixture;
        double Spread(double concentration)
        {
            var draws = DirichletTrustRegion.Sample([centre], Prior, concentration, 2000, 3, null, default);
            var mean = Enumerable.Range(0, Prior.Count).Select(i => draws.Average(d => d[i])).ToArray();
            Assert.True(PredictiveSearch.L1(new MixtureWeights(MixtureWeights.Normalize(mean).ToArray()), centre) < 0.1, $"mean {string.Join(",", mean)}");
            return draws.Average(d => PredictiveSearch.L1(d, centre));
        }

        double wide = Spread(25), tight = Spread(400);
        Assert.True(tight < wide / 3, $"L1 spread {tight} at 400 vs {wide} at 25");

        var upper = Enumerable.Repeat(0.5, Prior.Count).ToArray();
        var bounded = DirichletTrustRegion.Sample([centre], Prior, 400, 500, 4, upper, default);
        Assert.All(bounded, d => Assert.True(d.AsSpan().ToArray().Max() <= 0.5 + 1e-9, d.ToString()));
        Assert.Contains(bounded, d => d[3] > 0.499); // the 0.55 weight is pressed to its bound, not rejected forever
    }

    [Fact]
    public void The_trust_region_concentration_doubles_after_a_round_that_improved_and_halves_after_one_that_did_not()
    {
        var strategy = new ClimbSearchStrategy(new ClimbSearchStrategyOptions { RoundBudgets = [2, 2, 2, 2], TrustRegionConcentration = 50 });
        ProxyResult R(double utility) => new() { Mixture = MixtureWeights.Uniform(Prior.Count), Seed = 1, Objective = -utility, Goal = ObjectiveGoal.Minimize };
        MixtureSearchContext Context(int round, params double[] utilities) => new() { Prior = Prior, Seed = 1, Round = round, Results = utilities.Select(R).ToArray() };

        Assert.Equal(50, strategy.Concentration(Context(1, -3, -2), Context(1, -3, -2).Results));
        var improved = Context(2, -3, -2, -1.5, -4);
        Assert.Equal(100, strategy.Concentration(improved, improved.Results));
        var thenNot = Context(3, -3, -2, -1.5, -4, -1.6, -5);
        Assert.Equal(50, strategy.Concentration(thenNot, thenNot.Results));
    }

    [Fact]
    public void The_gaussian_process_posterior_is_narrow_at_its_data_wide_away_from_it_and_its_joint_draws_match_it()
    {
        var objective = new SyntheticObjective();
        var data = new DirichletMixtureSampler().Sample(Prior, 40, 21).Select(m => (m, -objective.EvaluateAsync(m, 1000 + m.GetHashCode() % 997, default).Result.Objective)).ToArray();
        var fitted = Assert.IsAssignableFrom<IPosteriorMixturePredictor>(new GaussianProcessMixturePredictor().Fit(data, 1));

        var near = data.Take(3).Select(d => d.m).ToArray();
        var far = Enumerable.Range(17, 3).Select(i => new MixtureWeights(Enumerable.Range(0, Prior.Count).Select(j => j == i ? 1.0 : 0.0))).ToArray();
        MixtureWeights[] points = [.. near, .. far];
        var mean = new double[points.Length];
        var variance = new double[points.Length];
        fitted.PredictDistribution(points, mean, variance);
        var predicted = new double[points.Length];
        fitted.Predict(points, predicted);
        Assert.Equal(predicted, mean);
        Assert.True(variance.Take(3).Max() < variance.Skip(3).Min() / 4, $"variances {string.Join(", ", variance)}");

        var draws = fitted.SampleJoint(points, 4000, 7);
        for (int i = 0; i < points.Length; i++)
        {
            var column = draws.Select(d => d[i]).ToArray();
            double sampleMean = column.Average();
            double sampleVar = MathNet.Numerics.Statistics.Statistics.Variance(column);
            Assert.True(Math.Abs(sampleMean - mean[i]) < 5 * Math.Sqrt(variance[i] / draws.Length) + 1e-9, $"point {i}: draw mean {sampleMean} vs {mean[i]}");
            Assert.InRange(sampleVar, variance[i] * 0.8, (variance[i] * 1.2) + 1e-12);
        }

        Assert.Equal(draws.Select(d => d[0]), fitted.SampleJoint(points, 4000, 7).Select(d => d[0])); // same seed, same draws
    }

    [Fact]
    public void The_paper_preset_keeps_the_papers_rule_and_the_default_counts_its_confirmation_round()
    {
        var paper = ClimbSearchStrategyOptions.Paper();
        Assert.Equal([64, 32, 16], paper.RoundBudgets);
        Assert.Equal((ClimbProposalRule.TopOfPool, ClimbCandidateRegion.Prior, ClimbAnswerRule.PredictedBest, 0), (paper.Proposals, paper.Candidates, paper.Answer, paper.ConfirmationCandidates));
        Assert.Equal(0.3, paper.MinimumAnswerSpearman);
        Assert.Equal([64, 32, 16], new ClimbSearchStrategy(paper).RoundBudgets);

        var options = new ClimbSearchStrategyOptions();
        var strategy = new ClimbSearchStrategy(options);
        Assert.Equal(64, options.TotalProxyRuns);
        Assert.Equal([23, 17, 18, 6], strategy.RoundBudgets);
        Assert.Equal(ClimbSearchStrategyOptions.ForBudget(64).RoundBudgets, options.RoundBudgets);
        Assert.Equal(48, ClimbSearchStrategyOptions.ForBudget(48).TotalProxyRuns);
        Assert.Equal([17, 13, 12], ClimbSearchStrategyOptions.ForBudget(48).RoundBudgets);
        Assert.NotEqual(new ClimbSearchStrategy(paper).Identity, strategy.Identity);
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new ClimbSearchStrategy(new ClimbSearchStrategyOptions { ConfirmationCandidates = 1 }));
    }

    [Fact]
    public async Task Under_tight_bounds_every_proposal_confirmation_candidate_and_answer_is_feasible_and_the_confirmation_still_decides()
    {
        // The optimum puts 0.55 on one cluster; no cluster may take more than 0.2, so the unbounded trust region,
        // Thompson draws and answer rules would all leave the bounds on their way to it.
        var prior = Prior.WithMaxWeights(Enumerable.Repeat(0.2, SyntheticObjective.Clusters));
        var objective = new SyntheticObjective();
        var inner = new ClimbSearchStrategy(ClimbSearchStrategyOptions.ForBudget(40), predictor: new GaussianProcessMixturePredictor());
        var strategy = new FeasibilityRecorder(inner);
        var result = await new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 9, NoiseReplicates = 0 }).RunAsync(prior, objective.EvaluateAsync);

        // Every mixture the strategy itself proposed (search rounds and confirmation) and answered is inside the bounds.
        Assert.Equal(40, strategy.Proposed.Count);
        var outside = strategy.Proposed.Concat([strategy.Answer!]).Where(m => !prior.IsFeasible(m)).ToArray();
        Assert.True(outside.Length == 0, $"{outside.Length} infeasible, first {outside.FirstOrDefault()}");
        Assert.Contains(strategy.Proposed.Skip(14), m => Enumerable.Range(0, m.Count).Max(i => m[i]) > 0.2 - 1e-6); // the bounds bind: trust-region mixtures sit on them

        // The confirmation round matched its runs to its candidates (nothing was moved by the session's safety projection).
        var confirmation = result.Answer.Confirmation;
        Assert.NotNull(confirmation);
        Assert.All(confirmation!.Candidates, c => Assert.Equal(3, c.Objectives.Count));
        Assert.Equal(strategy.Answer, result.Mixture);
        Assert.True(prior.IsFeasible(result.Mixture));
        Assert.True(SyntheticObjective.TrueLoss(result.Mixture) < SyntheticObjective.TrueLoss(prior.Project(new MixtureWeights(prior.Shares))) - 0.5, $"{SyntheticObjective.TrueLoss(result.Mixture)}");
    }

    /// <summary>Records what a strategy proposes and answers, before the search's own safety projection sees it.</summary>
    private sealed class FeasibilityRecorder(IMixtureSearchStrategy inner) : IMixtureSearchStrategy
    {
        public List<MixtureWeights> Proposed { get; } = [];

        public MixtureWeights? Answer { get; private set; }

        public string Name => inner.Name;

        public string Identity => inner.Identity;

        public IReadOnlyList<int> RoundBudgets => inner.RoundBudgets;

        public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
        {
            var plan = inner.PlanRound(context, cancellationToken);
            Proposed.AddRange(plan.Mixtures);
            return plan;
        }

        public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
        {
            var answer = inner.SelectAnswer(context, cancellationToken);
            Answer = answer.Mixture;
            return answer;
        }
    }
}

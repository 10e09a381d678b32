using System.Collections.Concurrent;

namespace Climb.Tests.Search;

public sealed class MixtureSearchTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "climb-search-tests-" + Guid.NewGuid().ToString("N"));

    public MixtureSearchTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ClimbSearchStrategy SmallClimb() =>
        new(PaperOptions.With(o => { o.RoundBudgets = [16, 8, 6]; o.CandidatePoolSize = 3000; o.TopCandidatesMinimum = 32; }));

    /// <summary>A search for the journal and resume mechanics: one seed per run, no noise replicates, no answer measurement (SearchRulesTests covers those).</summary>
    private static MixtureSearch Search(IMixtureSearchStrategy strategy, string? journal, int seed = 1, int parallel = 3, string proxy = "synthetic") =>
        new(strategy, new MixtureSearchOptions
        {
            Seed = seed, JournalPath = journal, MaxDegreeOfParallelism = parallel, ProxyConfiguration = proxy,
            CommonRandomNumbers = false, NoiseReplicates = 0, MeasureAnswer = false,
        });

    /// <summary>The synthetic objective with a random delay (so runs finish out of order) and a record of finished runs.</summary>
    private sealed class SlowObjective(int cancelAfter = int.MaxValue, CancellationTokenSource? cts = null)
    {
        private readonly SyntheticObjective _inner = new();
        private int _finished;

        public ConcurrentBag<int> FinishedSeeds { get; } = [];

        public int Started;

        public async Task<ProxyResult> EvaluateAsync(MixtureWeights mixture, int seed, CancellationToken token)
        {
            Interlocked.Increment(ref Started);
            await Task.Delay(1 + (int)((uint)seed % 7), token);
            var r = await _inner.EvaluateAsync(mixture, seed, token);
            FinishedSeeds.Add(seed);
            if (Interlocked.Increment(ref _finished) == cancelAfter)
            {
                cts?.Cancel();
            }

            return r;
        }
    }

    [Fact]
    public async Task Kill_and_resume_gives_the_identical_answer_and_reruns_no_finished_proxy()
    {
        var reference = await Search(SmallClimb(), Path.Combine(_dir, "ref.jsonl")).RunAsync(SyntheticObjective.Prior, new SlowObjective().EvaluateAsync);

        string journal = Path.Combine(_dir, "killed.jsonl");
        using var cts = new CancellationTokenSource();
        var first = new SlowObjective(cancelAfter: 20, cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Search(SmallClimb(), journal).RunAsync(SyntheticObjective.Prior, first.EvaluateAsync, cancellationToken: cts.Token));
        Assert.InRange(first.FinishedSeeds.Count, 20, 29);
        int journaled = File.ReadAllLines(journal).Length - 1;
        Assert.Equal(first.FinishedSeeds.Count, journaled);

        var second = new SlowObjective();
        var resumed = await Search(SmallClimb(), journal).RunAsync(SyntheticObjective.Prior, second.EvaluateAsync);

        Assert.Equal(reference.Mixture, resumed.Mixture);
        Assert.Equal(reference.ProxyResults.Select(r => r.Objective), resumed.ProxyResults.Select(r => r.Objective));
        Assert.Equal(reference.ProxyResults.Select(r => r.Mixture), resumed.ProxyResults.Select(r => r.Mixture));
        Assert.Equal(journaled, resumed.ResumedCount);
        Assert.Empty(second.FinishedSeeds.Intersect(first.FinishedSeeds));
        Assert.Equal(30, first.FinishedSeeds.Count + second.FinishedSeeds.Count);
        Assert.Equal(31, File.ReadAllLines(journal).Length);
    }

    [Fact]
    public async Task Completion_order_and_parallelism_do_not_change_the_results()
    {
        var one = await Search(SmallClimb(), null, parallel: 1).RunAsync(SyntheticObjective.Prior, new SlowObjective().EvaluateAsync);
        var four = await Search(SmallClimb(), null, parallel: 4).RunAsync(SyntheticObjective.Prior, new SlowObjective().EvaluateAsync);
        Assert.Equal(one.Mixture, four.Mixture);
        Assert.Equal(one.ProxyResults.Select(r => r.Seed), four.ProxyResults.Select(r => r.Seed));
        Assert.Equal(one.ProxyResults.Select(r => r.Objective), four.ProxyResults.Select(r => r.Objective));
    }

    [Fact]
    public async Task Journal_of_another_configuration_is_refused_naming_the_file()
    {
        string journal = Path.Combine(_dir, "a.jsonl");
        var strategy = new BestOfNSearchStrategy(4);
        await Search(strategy, journal, seed: 1).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => Search(strategy, journal, seed: 2).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync));
        Assert.Contains(journal, ex.Message, StringComparison.Ordinal);
        Assert.Contains("seed=2", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Search(strategy, journal, seed: 1, proxy: "other proxy").RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync));
        await Assert.ThrowsAsync<InvalidOperationException>(
            () => Search(new BestOfNSearchStrategy(5), journal, seed: 1).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync));

        // The same configuration resumes without running anything.
        var again = new SyntheticObjective();
        var result = await Search(strategy, journal, seed: 1).RunAsync(SyntheticObjective.Prior, again.EvaluateAsync);
        Assert.Equal(0, again.Calls);
        Assert.Equal(4, result.ResumedCount);
    }

    [Fact]
    public async Task A_journal_in_use_by_another_search_is_refused()
    {
        string journal = Path.Combine(_dir, "busy.jsonl");
        var gate = new TaskCompletionSource();
        var strategy = new BestOfNSearchStrategy(2);
        var running = Search(strategy, journal, parallel: 1).RunAsync(SyntheticObjective.Prior, async (m, s, t) =>
        {
            await gate.Task;
            return await new SyntheticObjective().EvaluateAsync(m, s, t);
        });
        await Task.Delay(200);
        var ex = await Assert.ThrowsAsync<IOException>(() => Search(strategy, journal, parallel: 1).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync));
        Assert.Contains(journal, ex.Message, StringComparison.Ordinal);
        gate.SetResult();
        await running;
    }

    [Fact]
    public async Task Torn_last_line_is_dropped_and_only_that_run_is_repeated()
    {
        string journal = Path.Combine(_dir, "torn.jsonl");
        var strategy = new BestOfNSearchStrategy(6);
        var full = await Search(strategy, journal).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        var bytes = File.ReadAllBytes(journal);
        File.WriteAllBytes(journal, bytes[..^25]); // the process died while writing the last line

        var objective = new SyntheticObjective();
        var resumed = await Search(strategy, journal).RunAsync(SyntheticObjective.Prior, objective.EvaluateAsync);
        Assert.Equal(1, objective.Calls);
        Assert.Equal(full.Mixture, resumed.Mixture);
        var lines = File.ReadAllLines(journal);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("{", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupt_line_in_the_middle_is_reported_with_its_number()
    {
        string journal = Path.Combine(_dir, "corrupt.jsonl");
        var strategy = new BestOfNSearchStrategy(4);
        await Search(strategy, journal).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        var lines = File.ReadAllLines(journal);
        lines[2] = "{\"kind\":\"result\",\"round\":0, broken";
        File.WriteAllLines(journal, lines);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(
            () => Search(strategy, journal).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains(journal, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rounds_report_predictor_spearman_candidates_and_best_scores()
    {
        var result = await Search(SmallClimb(), null).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        Assert.Equal([16, 8, 6], result.Rounds.Select(r => r.Results.Count));
        Assert.Null(result.Rounds[0].Predictor);
        Assert.True(double.IsNaN(result.Rounds[0].HeldOutSpearman));
        for (int r = 1; r < 3; r++)
        {
            var round = result.Rounds[r];
            Assert.NotNull(round.Predictor);
            Assert.Equal(result.Rounds.Take(r).Sum(x => x.Results.Count), round.Predictor!.TrainingCount);
            Assert.InRange(round.HeldOutSpearman, -1, 1);
            Assert.Equal(3000, round.CandidatesConsidered);
            // NaN when the coarse early-round trees predict the same value for every proposal.
            Assert.True(double.IsNaN(round.ProspectiveSpearman) || Math.Abs(round.ProspectiveSpearman) <= 1);
            Assert.True(round.BestUtilitySoFar >= result.Rounds[r - 1].BestUtilitySoFar);
        }

        Assert.NotNull(result.Answer.Predictor);
        Assert.Equal(30, result.Answer.Predictor!.TrainingCount);
        Assert.Equal(30, result.ProxyResults.Count);
        Assert.Equal(result.ProxyResults.Max(r => r.Utility), result.BestMeasured.Utility);

        // Later rounds sample from the predictor's top candidates: on average they measure better than the sampled round.
        Assert.True(result.Rounds[2].Results.Average(r => r.Utility) > result.Rounds[0].Results.Average(r => r.Utility));
    }

    [Fact]
    public async Task Streaming_yields_each_round_then_the_result()
    {
        var updates = new List<MixtureSearchUpdate>();
        await foreach (var u in Search(SmallClimb(), null).StreamAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync))
        {
            updates.Add(u);
        }

        Assert.Equal([0, 1, 2], updates.Take(3).Select(u => u.Round!.Round));
        Assert.Null(updates[3].Round);
        Assert.Equal(30, updates[3].Result!.ProxyResults.Count);

        // Stopping after the first round stops the search: no proxy of a later round runs.
        var objective = new SyntheticObjective();
        await foreach (var u in Search(SmallClimb(), null).StreamAsync(SyntheticObjective.Prior, objective.EvaluateAsync))
        {
            break;
        }

        Assert.InRange(objective.Calls, 16, 24);

        var failing = Search(new BestOfNSearchStrategy(2), null).StreamAsync(
            SyntheticObjective.Prior, (m, s, t) => throw new IOException("broken proxy"));
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var _ in failing)
            {
            }
        });
    }

    [Fact]
    public async Task Baselines_answer_as_documented()
    {
        var best = await Search(new BestOfNSearchStrategy(10), null).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        Assert.Equal(best.BestMeasured.Mixture, best.Mixture);
        var uniform = new SyntheticObjective();
        var u = await Search(new UniformSearchStrategy(), null).RunAsync(SyntheticObjective.Prior, uniform.EvaluateAsync);
        Assert.Equal(MixtureWeights.Uniform(20), u.Mixture);
        Assert.Equal(1, uniform.Calls);
        var regmix = await Search(new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = 20, CandidatePoolSize = 2000, AnswerTopK = 16 }), null)
            .RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);
        Assert.Contains("top 16", regmix.Answer.Method, StringComparison.Ordinal);
        Assert.Single(regmix.Rounds);
    }

    /// <summary>A strategy whose one round measures the same mixture on seeds it chooses.</summary>
    private sealed class ReplicateStrategy(int[] seeds) : IMixtureSearchStrategy
    {
        public string Name => "replicates";

        public string Identity => "replicates:" + string.Join(",", seeds);

        public IReadOnlyList<int> RoundBudgets => [seeds.Length];

        public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken) =>
            new() { Mixtures = seeds.Select(_ => MixtureWeights.Uniform(context.Prior.Count)).ToArray(), Seeds = seeds };

        public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken) =>
            new() { Mixture = context.Results[0].Mixture, Method = "first", Source = AnswerSource.BestMeasured };
    }

    [Fact]
    public async Task A_plan_that_names_its_seeds_runs_each_proposal_on_its_own_seed_and_resumes_them()
    {
        int[] seeds = [101, 7, 55555];
        string journal = Path.Combine(_dir, "seeds.jsonl");
        var first = new SlowObjective();
        var r = await Search(new ReplicateStrategy(seeds), journal).RunAsync(SyntheticObjective.Prior, first.EvaluateAsync);
        Assert.Equal(seeds, r.ProxyResults.Select(p => p.Seed).ToArray());
        Assert.Equal(seeds.Order().ToArray(), first.FinishedSeeds.Order().ToArray());
        Assert.Null(r.Rounds[0].SharedSeed);

        var again = new SlowObjective();
        var resumed = await Search(new ReplicateStrategy(seeds), journal).RunAsync(SyntheticObjective.Prior, again.EvaluateAsync);
        Assert.Equal(0, again.Started);
        Assert.Equal(seeds, resumed.ProxyResults.Select(p => p.Seed).ToArray());
    }

    [Fact]
    public async Task A_failing_proxy_is_reported_with_round_index_and_cause_and_the_rest_resumes()
    {
        string journal = Path.Combine(_dir, "failing.jsonl");
        var strategy = new BestOfNSearchStrategy(5);
        int calls = 0;
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Search(strategy, journal, parallel: 1).RunAsync(
            SyntheticObjective.Prior,
            (m, s, t) => Interlocked.Increment(ref calls) == 3 ? throw new IOException("disk full") : new SyntheticObjective().EvaluateAsync(m, s, t)));
        Assert.Contains("round 0, mixture 2", ex.Message, StringComparison.Ordinal);
        Assert.IsType<IOException>(ex.InnerException);
        var objective = new SyntheticObjective();
        var result = await Search(strategy, journal, parallel: 1).RunAsync(SyntheticObjective.Prior, objective.EvaluateAsync);
        Assert.Equal(3, objective.Calls);
        Assert.Equal(2, result.ResumedCount);
    }

    [Fact]
    public async Task A_non_finite_objective_is_journaled_as_a_failure_and_the_search_goes_on()
    {
        string journal = Path.Combine(_dir, "nonfinite.jsonl");
        var inner = new SyntheticObjective();
        int calls = 0;
        // A user's proxy that returns +∞ for every mixture putting more than 20 % on cluster 0.
        Task<ProxyResult> Evaluate(MixtureWeights m, int s, CancellationToken t)
        {
            Interlocked.Increment(ref calls);
            return m[0] > 0.2
                ? Task.FromResult(new ProxyResult { Mixture = m, Seed = s, Objective = double.PositiveInfinity, Goal = ObjectiveGoal.Minimize })
                : inner.EvaluateAsync(m, s, t);
        }

        var result = await Search(SmallClimb(), journal).RunAsync(SyntheticObjective.Prior, Evaluate);
        Assert.NotEmpty(result.Failures);
        Assert.All(result.Failures, f => Assert.True(f.Mixture[0] > 0.2 && f.Reason.Contains("non-finite", StringComparison.Ordinal)));
        Assert.Equal(30, result.ProxyResults.Count + result.Failures.Count);
        Assert.All(result.ProxyResults, r => Assert.True(double.IsFinite(r.Objective)));
        Assert.Equal(result.Failures.Count, result.Rounds.Sum(r => r.Failures.Count));
        Assert.Equal(result.Failures.Count, File.ReadLines(journal).Count(l => l.Contains("\"kind\":\"failure\"", StringComparison.Ordinal)));

        // Resuming reads the failures back: nothing runs again, the answer is the same.
        int before = calls;
        var resumed = await Search(SmallClimb(), journal).RunAsync(SyntheticObjective.Prior, Evaluate);
        Assert.Equal(before, calls);
        Assert.Equal(result.Mixture, resumed.Mixture);
        Assert.Equal(result.Failures.Select(f => (f.Round, f.Index)), resumed.Failures.Select(f => (f.Round, f.Index)));

        // Only a round where every proxy fails stops the search.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Search(new BestOfNSearchStrategy(3), null, parallel: 1).RunAsync(
            SyntheticObjective.Prior,
            (m, s, t) => Task.FromResult(new ProxyResult { Mixture = m, Seed = s, Objective = double.NaN, Goal = ObjectiveGoal.Minimize })));
        Assert.Contains("Every proxy of round 0 failed", ex.Message, StringComparison.Ordinal);
    }
}

namespace Climb.Tests.Search;

/// <summary>The ask/tell session: the same engine as the driver, journaled and resumable, with results in any order, failures and closed rounds.</summary>
public sealed class MixtureSearchSessionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-session-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static ClimbSearchStrategy SmallClimb() =>
        new(new ClimbSearchStrategyOptions { RoundBudgets = [16, 8, 6], CandidatePoolSize = 3000, TopCandidatesMinimum = 32 });

    private static MixtureSearchOptions Options(string? journal, int noise = 3) => new() { Seed = 4, JournalPath = journal, NoiseReplicates = noise };

    private static Task<MixtureSearchSession> Open(IMixtureSearchStrategy strategy, string? journal, MixturePrior? prior = null, int noise = 3) =>
        MixtureSearchSession.OpenAsync(strategy, prior ?? SyntheticObjective.Prior, Options(journal, noise));

    private static async Task TellAsync(MixtureSearchSession session, MixtureProposal p)
    {
        var r = await new SyntheticObjective().EvaluateAsync(p.Mixture, p.Seed, default);
        session.Tell(p.Id, r.Objective, ObjectiveGoal.Minimize, r.Metrics);
    }

    [Fact]
    public async Task Ask_tell_in_any_order_gives_what_the_driver_gives()
    {
        var driven = await new MixtureSearch(SmallClimb(), Options(null)).RunAsync(SyntheticObjective.Prior, new SyntheticObjective().EvaluateAsync);

        using var session = await Open(SmallClimb(), null);
        var random = new Random(3);
        var ids = new List<string>();
        while (true)
        {
            var pending = await session.ProposeAsync();
            if (pending.Count == 0)
            {
                break;
            }

            ids.AddRange(pending.Select(p => p.Id));
            var early = await Assert.ThrowsAsync<InvalidOperationException>(() => session.AnswerAsync());
            Assert.Contains(pending[0].Kind == MixtureProposalKind.AnswerMeasurement ? "the answer's measuring run waits for 1 result(s) (r3-answer)" : "waits for", early.Message, StringComparison.Ordinal);
            foreach (var p in pending.OrderBy(_ => random.Next()))
            {
                await TellAsync(session, p);
            }
        }

        var told = await session.AnswerAsync();
        Assert.Equal(driven.Mixture, told.Mixture);
        Assert.Equal(driven.ProxyResults.Select(r => (r.Mixture, r.Seed, r.Objective)), told.ProxyResults.Select(r => (r.Mixture, r.Seed, r.Objective)));
        Assert.Equal(driven.AnswerMeasured!.Objective, told.AnswerMeasured!.Objective);
        Assert.Equal(driven.SignalToNoise, told.SignalToNoise);
        Assert.Equal(driven.Fingerprint, told.Fingerprint);

        // Round 0 carries the noise replicates; the confirmation round (2 candidates x 3 fresh seeds) comes last, proposed
        // like any round, and the answer is one of its mixtures, so no measuring run follows.
        Assert.Equal(16 + 3 + 8 + 6 + 6, ids.Count);
        Assert.Equal(["r0-noise0", "r0-noise1", "r0-noise2"], ids.Skip(16).Take(3));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"r3-{i}"), ids.TakeLast(6));
        Assert.NotNull(told.Answer.Confirmation);
        Assert.Contains(told.ProxyResults.Skip(told.ProxyResults.Count - 6), r => r.Mixture.Equals(told.Mixture));
        Assert.True(session.IsFinished);
        Assert.Equal(-1, session.CurrentRound);
        Assert.Empty(await session.ProposeAsync());
    }

    [Fact]
    public async Task Reopening_the_journal_gives_the_same_state_and_nothing_told_is_lost()
    {
        string journal = Path.Combine(_dir, "j.jsonl");
        IReadOnlyList<MixtureProposal> round0;
        using (var session = await Open(SmallClimb(), journal))
        {
            round0 = await session.ProposeAsync();
            foreach (var p in round0.Take(7))
            {
                await TellAsync(session, p);
            }

            session.TellFailure(round0[7].Id, "out of memory on node 3");
        }

        using (var session = await Open(SmallClimb(), journal))
        {
            Assert.Equal(8, session.ResumedCount);
            Assert.Equal(0, session.CurrentRound);
            var pending = await session.ProposeAsync();
            Assert.Equal(round0.Skip(8).Select(p => (p.Id, p.Mixture, p.Seed)), pending.Select(p => (p.Id, p.Mixture, p.Seed)));
            Assert.Equal(round0.Select(p => p.Id), session.GetProposals(0).Select(p => p.Id));
            Assert.NotNull(session.GetOutcome(round0[3].Id).Result);
            Assert.Equal("out of memory on node 3", session.GetOutcome(round0[7].Id).Failure!.Reason);
            Assert.Null(session.GetOutcome(round0[9].Id).Result);

            // A second session on the same journal is refused while this one holds it.
            await Assert.ThrowsAsync<IOException>(() => Open(SmallClimb(), journal));
        }
    }

    [Fact]
    public async Task Shuffled_partial_and_failed_results_give_the_answer_of_in_order_ones()
    {
        // The runs that never arrive and the ones that fail are decided by the run id, so both sessions see the same results.
        static bool Lost(string id) => id is "r0-3" or "r0-11" or "r1-2" or "r0-noise1";
        static bool Fails(string id) => id is "r0-5" or "r2-0";

        async Task<MixtureSearchResult> RunAsync(string journal, bool shuffle, bool reopenEachRound)
        {
            var random = new Random(9);
            var session = await Open(SmallClimb(), journal);
            try
            {
                while (true)
                {
                    var pending = await session.ProposeAsync();
                    if (pending.Count == 0)
                    {
                        return await session.AnswerAsync();
                    }

                    foreach (var p in shuffle ? pending.OrderBy(_ => random.Next()).ToList() : pending)
                    {
                        if (Fails(p.Id))
                        {
                            session.TellFailure(p.Id, "trainer crashed");
                        }
                        else if (!Lost(p.Id))
                        {
                            await TellAsync(session, p);
                        }
                    }

                    if (pending.Any(p => Lost(p.Id)))
                    {
                        Assert.Equal(pending.Count(p => Lost(p.Id)), session.CloseRound());
                    }

                    if (reopenEachRound)
                    {
                        session.Dispose();
                        session = await Open(SmallClimb(), journal);
                    }
                }
            }
            finally
            {
                session.Dispose();
            }
        }

        var inOrder = await RunAsync(Path.Combine(_dir, "in-order.jsonl"), shuffle: false, reopenEachRound: false);
        var shuffled = await RunAsync(Path.Combine(_dir, "shuffled.jsonl"), shuffle: true, reopenEachRound: true);
        Assert.Equal(inOrder.Mixture, shuffled.Mixture);
        Assert.Equal(inOrder.ProxyResults.Select(r => (r.Mixture, r.Objective)), shuffled.ProxyResults.Select(r => (r.Mixture, r.Objective)));
        Assert.Equal(inOrder.Failures.Select(f => (f.Round, f.Index, f.Reason)), shuffled.Failures.Select(f => (f.Round, f.Index, f.Reason)));
        Assert.Equal(30 + 6 - 5, inOrder.ProxyResults.Count); // the rounds and the confirmation round (2 x 3), less the failed and lost runs
        Assert.Contains(inOrder.Failures, f => f.Round == 0 && f.Index == 3 && f.Reason == "no result when round 0 was closed");
        Assert.Contains(inOrder.Failures, f => f.Round == 0 && f.Index == 5 && f.Reason == "trainer crashed");
        Assert.Equal(2, inOrder.Noise!.Objectives.Count);

        // The lost and failed runs were planned around, not only skipped: a failure is not proposed again.
        Assert.DoesNotContain(inOrder.ProxyResults, r => inOrder.Failures.Any(f => f.Round >= 0 && PredictiveSearch.L1(f.Mixture, r.Mixture) <= 1e-3));
    }

    [Fact]
    public async Task Bad_tells_are_refused_with_the_run_and_why_and_change_nothing()
    {
        string journal = Path.Combine(_dir, "bad.jsonl");
        using var session = await Open(new BestOfNSearchStrategy(4), journal, noise: 0);
        var pending = await session.ProposeAsync();
        Assert.Contains("Unknown run 'r7-0'", Assert.Throws<ArgumentException>(() => session.Tell("r7-0", 1.0, ObjectiveGoal.Minimize, null)).Message, StringComparison.Ordinal);
        Assert.Contains("no successful result", Assert.Throws<InvalidOperationException>(() => session.CloseRound()).Message, StringComparison.Ordinal);

        session.Tell(pending[0].Id, 2.5, ObjectiveGoal.Minimize, null);
        Assert.Contains("already has a result (objective 2.5)", Assert.Throws<InvalidOperationException>(() => session.Tell(pending[0].Id, 2.4, ObjectiveGoal.Minimize, null)).Message, StringComparison.Ordinal);
        Assert.Contains("goal Maximize", Assert.Throws<ArgumentException>(() => session.Tell(pending[1].Id, 0.7, ObjectiveGoal.Maximize, null)).Message, StringComparison.Ordinal);

        // A non-finite objective is a failure, as in the driver.
        session.Tell(pending[1].Id, double.NaN, ObjectiveGoal.Minimize, null);
        Assert.Contains("non-finite", session.GetOutcome(pending[1].Id).Failure!.Reason, StringComparison.Ordinal);

        Assert.Equal(2, session.CloseRound());
        Assert.Contains("already has an outcome: it failed (no result when round 0 was closed)", Assert.Throws<InvalidOperationException>(() => session.Tell(pending[3].Id, 2.0, ObjectiveGoal.Minimize, null)).Message, StringComparison.Ordinal);
        Assert.Equal(2.5, session.GetOutcome(pending[0].Id).Result!.Objective);
        Assert.Equal(pending[0].Mixture, (await session.AnswerAsync()).Mixture); // Best-of-N: the answer is measured already
        Assert.Equal(1 + 4, File.ReadAllLines(journal).Length);
    }

    /// <summary>A strategy that proposes and answers the uniform mixture on seeds it chooses, whatever the bounds.</summary>
    private sealed class UniformOnSeeds(int[] seeds) : IMixtureSearchStrategy
    {
        public string Name => "uniform-seeds";

        public string Identity => "uniform-seeds:" + string.Join(",", seeds);

        public IReadOnlyList<int> RoundBudgets => [seeds.Length];

        public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken) =>
            new() { Mixtures = seeds.Select(_ => MixtureWeights.Uniform(context.Prior.Count)).ToArray(), Seeds = seeds };

        public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken) =>
            new() { Mixture = MixtureWeights.Uniform(context.Prior.Count), Method = "uniform", Source = AnswerSource.Fixed };
    }

    [Fact]
    public async Task The_session_honours_the_plans_seeds_and_keeps_proposals_and_answer_within_the_bounds()
    {
        var bounded = MixturePrior.FromTokenCounts(Enumerable.Range(1, 20).Select(i => 10_000L / i)).WithRepetitionLimit(60_000, 4);
        Assert.False(bounded.IsFeasible(MixtureWeights.Uniform(20)));
        int[] seeds = [31, 7, 1999];
        using var session = await Open(new UniformOnSeeds(seeds), null, bounded);
        var pending = await session.ProposeAsync();
        Assert.Equal(seeds, pending.Where(p => p.Kind == MixtureProposalKind.Search).Select(p => p.Seed));
        Assert.All(pending, p => Assert.True(bounded.IsFeasible(p.Mixture)));
        Assert.Equal(bounded.Project(MixtureWeights.Uniform(20)), pending[0].Mixture);
        foreach (var p in pending)
        {
            await TellAsync(session, p);
        }

        Assert.Empty(await session.ProposeAsync()); // the (projected) answer was measured in round 0 already
        var result = await session.AnswerAsync();
        Assert.True(bounded.IsFeasible(result.Mixture));
        Assert.Contains("projected onto the data's bounds", result.Answer.Method, StringComparison.Ordinal);
    }
}

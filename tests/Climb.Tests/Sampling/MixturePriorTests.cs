namespace Climb.Tests.Sampling;

/// <summary>The data's bounds on a mixture: Olmix's repetition limit, the KL projection onto the bounds, and their errors.</summary>
public class MixturePriorTests
{
    /// <summary>The 20 super-clusters of the bundled sample corpus (cl100k tokens after the default pruning, `climb tokenize`).</summary>
    internal static readonly long[] SampleCorpusTokens =
    [
        198128, 543235, 41246, 259979, 100673, 66801, 47844, 48821, 266617, 551621,
        78633, 167983, 45900, 80304, 87125, 507917, 25226, 24271, 177422, 163002,
    ];

    [Fact]
    public void The_repetition_limit_bounds_each_weight_by_what_its_tokens_can_supply()
    {
        var prior = MixturePrior.FromTokenCounts([1000, 3000, 6000], ["a", "b", "c"]).WithRepetitionLimit(10_000, 4);
        Assert.Equal([0.4, 1.0, 1.0], prior.MaxWeights);
        Assert.Equal(10_000, prior.TargetTokens);
        Assert.Equal(4.0, prior.MaxRepetition);
        Assert.Equal([1000L, 3000, 6000], prior.TokenCounts!);
        Assert.True(prior.HasBounds);
        Assert.True(prior.IsFeasible(new MixtureWeights([0.4, 0.3, 0.3])));
        Assert.False(prior.IsFeasible(new MixtureWeights([0.41, 0.29, 0.3])));
        Assert.Equal([2.0, 2.0, Math.Round(1.0 / 3, 12)], prior.Repetitions(new MixtureWeights([0.2, 0.6, 0.2])).Select(x => Math.Round(x, 12)));

        // The bounds are part of the prior's identity (journals and fingerprints).
        Assert.NotEqual(MixturePrior.FromTokenCounts([1000, 3000, 6000], ["a", "b", "c"]).Describe(), prior.Describe());
        Assert.Equal(new MixturePrior([1000.0, 3000, 6000], ["a", "b", "c"]).Describe(), MixturePrior.FromTokenCounts([1000, 3000, 6000], ["a", "b", "c"]).Describe());
    }

    [Fact]
    public void A_budget_no_mixture_can_meet_is_an_error_that_gives_the_largest_feasible_budget()
    {
        var counts = MixturePrior.FromTokenCounts([1000, 3000, 6000]);
        Assert.Equal(40_000, counts.LargestFeasibleTargetTokens(4));
        Assert.Equal(1.0, counts.WithRepetitionLimit(40_000, 4).MaxWeights.Sum(), 12); // exactly feasible: the prior itself
        var ex = Assert.Throws<ArgumentException>(() => counts.WithRepetitionLimit(40_001, 4));
        Assert.Contains("largest feasible budget is 40,000 tokens", ex.Message, StringComparison.Ordinal);
        Assert.Contains("raise the repetition limit to at least 4.01", ex.Message, StringComparison.Ordinal);
        Assert.Equal("targetTokens", ex.ParamName);

        Assert.Throws<InvalidOperationException>(() => new MixturePrior([1.0, 2.0]).WithRepetitionLimit(10, 4));
        Assert.Throws<ArgumentException>(() => new MixturePrior([1.0, 2.0]).WithMaxWeights([0.5, 0.49]));
        Assert.Throws<ArgumentException>(() => new MixturePrior([1.0, 2.0]).WithMaxWeights([0.5]));
        Assert.Throws<ArgumentException>(() => new MixturePrior([1.0, 2.0]).WithMaxWeights([0.5, 1.5]));
    }

    [Fact]
    public void Projection_caps_what_exceeds_and_keeps_the_ratios_of_the_rest()
    {
        var prior = new MixturePrior([1.0, 1, 1, 1]).WithMaxWeights([0.1, 0.2, 1, 1]);
        var inside = new MixtureWeights([0.1, 0.2, 0.3, 0.4]);
        Assert.Same(inside, prior.Project(inside));

        var p = prior.Project(new MixtureWeights([0.5, 0.3, 0.15, 0.05]));
        Assert.Equal(0.1, p[0], 12);
        Assert.Equal(0.2, p[1], 12);
        Assert.Equal(3.0, p[2] / p[3], 9); // the uncapped clusters keep their ratio
        Assert.Equal(1.0, p.AsSpan().ToArray().Sum(), 12);
        Assert.Equal(p, prior.Project(p));

        // A sparse mixture whose only clusters are capped: the rest goes to the others by their token shares.
        var sparse = new MixturePrior([1.0, 1, 2, 6]).WithMaxWeights([0.1, 0.2, 1, 1]).Project(new MixtureWeights([0.5, 0.5, 0, 0]));
        Assert.Equal([0.1, 0.2], sparse.AsSpan()[..2].ToArray().Select(x => Math.Round(x, 12)));
        Assert.Equal(3.0, sparse[3] / sparse[2], 9);
    }

    [Fact]
    public void Projection_is_feasible_for_any_mixture_and_bounds()
    {
        var random = new Random(5);
        for (int trial = 0; trial < 2000; trial++)
        {
            int k = random.Next(1, 30);
            var counts = Enumerable.Range(0, k).Select(_ => (long)(random.NextDouble() < 0.1 ? 0 : random.Next(1000, 1_000_000))).ToArray();
            if (counts.Sum() == 0)
            {
                counts[0] = 1000;
            }

            double rep = 0.5 + (random.NextDouble() * 5);
            long largest = MixturePrior.FromTokenCounts(counts).LargestFeasibleTargetTokens(rep);
            long target = Math.Max(1, (long)(largest * random.NextDouble()));
            var prior = MixturePrior.FromTokenCounts(counts).WithRepetitionLimit(target, rep);
            var raw = Enumerable.Range(0, k).Select(_ => random.NextDouble() < 0.6 ? 0 : random.NextDouble()).ToArray();
            raw[random.Next(k)] += 0.1;
            var w = prior.Project(MixtureWeights.Normalize(raw));
            Assert.True(prior.IsFeasible(w), $"trial {trial}: {w} above {string.Join(",", prior.MaxWeights)}");
            for (int i = 0; i < k; i++)
            {
                Assert.True(w[i] * target <= (counts[i] * rep) + 1e-6 * target, $"trial {trial}: cluster {i} asks {w[i] * target} of {counts[i]} x {rep}");
            }
        }
    }
}

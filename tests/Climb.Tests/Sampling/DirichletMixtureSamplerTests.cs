using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Sampling;

public class DirichletMixtureSamplerTests
{
    private static readonly MixturePrior Zipf = new(Enumerable.Range(1, 20).Select(i => 1.0 / i));

    private static double L1(MixtureWeights a, MixtureWeights b)
    {
        double d = 0;
        for (int i = 0; i < a.Count; i++)
        {
            d += Math.Abs(a[i] - b[i]);
        }

        return d;
    }

    [Fact]
    public void Same_seed_gives_same_mixtures_and_other_seed_differs()
    {
        var sampler = new DirichletMixtureSampler();
        var a = sampler.Sample(Zipf, 5000, 7);
        var b = sampler.Sample(Zipf, 5000, 7);
        var c = sampler.Sample(Zipf, 5000, 8);
        Assert.Equal(5000, a.Count);
        Assert.Equal(a, b);
        Assert.NotEqual(a[0], c[0]);
        Assert.True(a.Zip(c).Count(p => p.First.Equals(p.Second)) < 50);
    }

    [Fact]
    public void Prefix_is_stable_when_more_mixtures_are_requested()
    {
        var sampler = new DirichletMixtureSampler();
        var small = sampler.Sample(Zipf, 100, 3);
        var large = sampler.Sample(Zipf, 3000, 3);
        Assert.Equal(small, large.Take(100));
    }

    [Fact]
    public void Prior_cap_is_respected_and_tiny_weights_are_zeroed()
    {
        var sampler = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { MaximumPriorMultiple = 3, MinimumWeight = 0.01 });
        var mixtures = sampler.Sample(Zipf, 4000, 1);
        foreach (var m in mixtures)
        {
            for (int i = 0; i < m.Count; i++)
            {
                Assert.True(m[i] <= (3 * Zipf.Shares[i]) + 1e-9, $"weight {m[i]} of cluster {i} above 3x share {Zipf.Shares[i]}");
                Assert.True(m[i] == 0 || m[i] >= 0.0099, $"tiny weight {m[i]} survived");
            }
        }

        // The cap binds: without rejection some weights would exceed it (the small clusters' caps are ~0.15).
        var uncapped = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { MaximumPriorMultiple = 0 }).Sample(Zipf, 4000, 1);
        Assert.Contains(uncapped, m => Enumerable.Range(0, 20).Any(i => m[i] > 3 * Zipf.Shares[i]));
        Assert.Contains(mixtures, m => m.AsSpan().ToArray().Any(w => w == 0));
    }

    [Fact]
    public void No_two_mixtures_are_closer_than_the_deduplication_distance()
    {
        var prior = new MixturePrior([1, 1, 1]);
        var sampler = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { DeduplicationDistance = 0.05, MinimumWeight = 0.01 });
        var mixtures = sampler.Sample(prior, 300, 5);
        for (int i = 0; i < mixtures.Count; i++)
        {
            for (int j = i + 1; j < mixtures.Count; j++)
            {
                Assert.True(L1(mixtures[i], mixtures[j]) > 0.05);
            }
        }

        // Rounding to the 2e-4 grid makes exact repeats likely for sparse draws; none survive the default de-duplication.
        var dense = new DirichletMixtureSampler().Sample(prior, 3000, 5);
        Assert.Equal(dense.Count, dense.Distinct().Count());
    }

    [Fact]
    public void Too_few_distinct_mixtures_is_reported()
    {
        var prior = new MixturePrior([1, 1]);
        var sampler = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { DeduplicationDistance = 0.5, MinimumWeight = 0.01 });
        var ex = Assert.Throws<InvalidOperationException>(() => sampler.Sample(prior, 50, 1));
        Assert.Contains("distinct", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bounds_and_fixed_weights_are_respected()
    {
        var options = new DirichletMixtureSamplerOptions();
        options.MinimumWeights[5] = 0.1;
        options.MaximumWeights[0] = 0.05;
        options.FixedWeights[19] = 0.2;
        var mixtures = new DirichletMixtureSampler(options).Sample(Zipf, 3000, 2);
        foreach (var m in mixtures)
        {
            Assert.True(m[5] >= 0.1 - 1e-9);
            Assert.True(m[0] <= 0.05 + 1e-9);
            Assert.Equal(0.2, m[19], 12);
        }
    }

    [Fact]
    public void Infeasible_bounds_are_rejected_before_sampling_naming_the_cluster()
    {
        var options = new DirichletMixtureSamplerOptions();
        options.MinimumWeights[19] = 0.5; // cap is 15 x 1.4 % = 0.21
        var ex = Assert.Throws<ArgumentException>(() => new DirichletMixtureSampler(options).Sample(Zipf, 10, 1));
        Assert.Contains("Cluster 19", ex.Message, StringComparison.Ordinal);

        var fixedTooMuch = new DirichletMixtureSamplerOptions();
        fixedTooMuch.FixedWeights[0] = 0.7;
        fixedTooMuch.FixedWeights[1] = 0.7;
        Assert.Throws<ArgumentException>(() => new DirichletMixtureSampler(fixedTooMuch).Sample(Zipf, 10, 1));

        var outOfRange = new DirichletMixtureSamplerOptions();
        outOfRange.MaximumWeights[25] = 0.5;
        Assert.Contains("cluster 25", Assert.Throws<ArgumentException>(() => new DirichletMixtureSampler(outOfRange).Sample(Zipf, 10, 1)).Message, StringComparison.Ordinal);

        Assert.Throws<ValidationException>(() => new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { MinimumStrength = 10, MaximumStrength = 1 }));
    }

    [Fact]
    public void Sparse_fraction_limits_the_active_clusters()
    {
        var sampler = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { SparseFraction = 1, SparseMaximumClusters = 3, MaximumStrength = 50, MinimumStrength = 50 });
        var mixtures = sampler.Sample(Zipf, 2000, 4);
        Assert.All(mixtures, m => Assert.InRange(m.AsSpan().ToArray().Count(w => w > 0), 1, 3));

        var dense = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { MaximumStrength = 50, MinimumStrength = 50 }).Sample(Zipf, 2000, 4);
        Assert.True(dense.Average(m => m.AsSpan().ToArray().Count(w => w > 0)) > 10);
    }

    [Fact]
    public void Mean_of_draws_matches_the_tempered_prior()
    {
        // With one strength, no cap, no floor and no rounding, the draws are Dirichlet(strength * tempered prior),
        // whose mean is the tempered prior: a check of the log-space gamma sampler.
        var options = new DirichletMixtureSamplerOptions
        {
            MinimumStrength = 2, MaximumStrength = 2, StrengthCount = 1, MaximumPriorMultiple = 0, MinimumWeight = 0, DeduplicationDistance = 0,
        };
        var mixtures = new DirichletMixtureSampler(options).Sample(Zipf, 40_000, 11);
        var tempered = Zipf.Shares.Select(Math.Sqrt).ToArray();
        double sum = tempered.Sum();
        for (int i = 0; i < 20; i++)
        {
            double mean = mixtures.Average(m => m[i]);
            Assert.InRange(mean, (tempered[i] / sum) - 0.004, (tempered[i] / sum) + 0.004);
        }

        // Tiny strengths (0.01 spread over 20 clusters) stay valid thanks to log-space sampling: nearly one-hot draws.
        var tiny = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { MinimumStrength = 0.01, MaximumStrength = 0.01, StrengthCount = 1, MaximumPriorMultiple = 0 })
            .Sample(Zipf, 200, 1);
        Assert.True(tiny.Average(m => m.AsSpan().ToArray().Max()) > 0.9);
    }
}

using Xunit.Abstractions;

namespace Climb.Tests.Sampling;

/// <summary>The data's bounds in the sampler: projection, and what rejection would do at the same bounds (docs/search.md).</summary>
public class DirichletMixtureSamplerBoundsTests(ITestOutputHelper output)
{
    private static MixturePrior SampleCorpus(double rho)
    {
        // rho = MaxRepetition x total tokens / TargetTokens: every weight is at most rho x its token share.
        var counts = MixturePriorTests.SampleCorpusTokens;
        return MixturePrior.FromTokenCounts(counts).WithRepetitionLimit((long)(4.0 * counts.Sum() / rho), 4);
    }

    [Fact]
    public void Every_draw_meets_the_priors_bounds_and_the_draws_still_spread()
    {
        var sampler = new DirichletMixtureSampler();
        var bounded = SampleCorpus(1.39); // the README's run: 3.48M tokens, 10M exported, 4 epochs at most
        var mixtures = sampler.Sample(bounded, 5000, 3);
        Assert.Equal(5000, mixtures.Distinct().Count());
        Assert.All(mixtures, m => Assert.True(bounded.IsFeasible(m), $"{m} above the bounds"));
        Assert.Equal(mixtures, sampler.Sample(bounded, 5000, 3));

        // Not collapsed onto the prior: the draws cover the room the bounds leave (each weight in [0, 1.39 x share]).
        var prior = new MixtureWeights(bounded.Shares);
        double meanDistance = mixtures.Average(m => PredictiveSearch.L1(m, prior));
        Assert.InRange(meanDistance, 0.2, 0.78); // at most 2 x (1 - 1/1.39) = 0.56 is possible for half the mass; well above 0
        for (int i = 0; i < bounded.Count; i++)
        {
            Assert.Contains(mixtures, m => m[i] < 0.5 * bounded.Shares[i]);
            Assert.Contains(mixtures, m => m[i] >= bounded.MaxWeights[i] - 1e-12);
        }

        // Loose bounds change nothing: the draws are those of the unbounded prior.
        var loose = MixturePrior.FromTokenCounts(MixturePriorTests.SampleCorpusTokens).WithMaxWeights(Enumerable.Repeat(1.0, 20));
        Assert.Equal(sampler.Sample(MixturePrior.FromTokenCounts(MixturePriorTests.SampleCorpusTokens), 500, 3), sampler.Sample(loose, 500, 3));
    }

    [Fact]
    public void Rejection_would_accept_almost_no_draw_at_tight_bounds_where_projection_never_fails()
    {
        var sampler = new DirichletMixtureSampler();
        var raw = sampler.Sample(new MixturePrior(SampleCorpus(1).Shares), 20_000, 17);
        output.WriteLine("rho (bound / share) | draws within the bounds (rejection's acceptance) | mean L1 to the prior, projected | clusters at their bound, projected");
        var acceptance = new Dictionary<double, double>();
        foreach (double rho in new[] { 1.1, 1.39, 2, 4, 8, 15 })
        {
            var bounded = SampleCorpus(rho);
            acceptance[rho] = raw.Count(bounded.IsFeasible) / (double)raw.Count;
            var projected = sampler.Sample(bounded, 5000, 17);
            Assert.All(projected, m => Assert.True(bounded.IsFeasible(m)));
            var prior = new MixtureWeights(bounded.Shares);
            double distance = projected.Average(m => PredictiveSearch.L1(m, prior));
            double atCap = projected.Average(m => Enumerable.Range(0, 20).Count(i => bounded.MaxWeights[i] < 1 && m[i] >= bounded.MaxWeights[i] - 1e-12));
            output.WriteLine(FormattableString.Invariant($"{rho} | {acceptance[rho]:P2} | {distance:F3} | {atCap:F1}"));
        }

        Assert.True(acceptance[1.39] < 0.001, $"acceptance {acceptance[1.39]}");
        Assert.True(acceptance[15] > acceptance[4] && acceptance[4] > acceptance[1.39]);
    }
}

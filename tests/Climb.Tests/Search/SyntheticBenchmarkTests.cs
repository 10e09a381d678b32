using System.Globalization;
using Xunit.Abstractions;

namespace Climb.Tests.Search;

public class SyntheticBenchmarkTests(ITestOutputHelper output)
{
    internal static async Task<double> RunAsync(IMixtureSearchStrategy strategy, int seed)
    {
        var objective = new SyntheticObjective();
        var search = new MixtureSearch(strategy, new MixtureSearchOptions { Seed = seed, MaxDegreeOfParallelism = 2 });
        var result = await search.RunAsync(SyntheticObjective.Prior, objective.EvaluateAsync);
        Assert.Equal(strategy.RoundBudgets.Sum(), objective.Calls);
        return SyntheticObjective.TrueLoss(result.Mixture);
    }

    internal static IReadOnlyDictionary<string, double[]> Table(int poolSize, int[] seeds)
    {
        var strategies = new Dictionary<string, Func<IMixtureSearchStrategy>>
        {
            ["CLIMB 64/32/16"] = () => new ClimbSearchStrategy(new ClimbSearchOptions { CandidatePoolSize = poolSize }),
            ["RegMix 112"] = () => new RegMixSearchStrategy(new RegMixSearchOptions { Budget = 112, CandidatePoolSize = poolSize }),
            ["Best-of-112"] = () => new BestOfNSearchStrategy(112),
            ["Uniform"] = () => new UniformSearchStrategy(),
        };
        return strategies.ToDictionary(p => p.Key, p => seeds.Select(s => RunAsync(p.Value(), s).GetAwaiter().GetResult()).ToArray());
    }

    internal static string Format(IReadOnlyDictionary<string, double[]> table)
    {
        var lines = new List<string> { "| strategy | true loss, mean ± std | per seed |", "| --- | --- | --- |" };
        foreach (var (name, v) in table)
        {
            double mean = v.Average();
            double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / Math.Max(1, v.Length - 1));
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"| {name} | {mean:F4} ± {std:F4} | {string.Join(", ", v.Select(x => x.ToString("F4", CultureInfo.InvariantCulture)))} |"));
        }

        return string.Join(Environment.NewLine, lines);
    }

    [Fact]
    public async Task Optimum_is_feasible_for_the_sampler_and_scores_three()
    {
        Assert.Equal(3.0, SyntheticObjective.TrueLoss(SyntheticObjective.OptimumMixture), 12);
        Assert.Equal(5.5004, SyntheticObjective.TrueLoss(MixtureWeights.Uniform(20)), 4);
        for (int i = 0; i < 20; i++)
        {
            Assert.True(SyntheticObjective.OptimumMixture[i] <= 15 * SyntheticObjective.Prior.Shares[i]);
        }

        var objective = new SyntheticObjective();
        var r = await objective.EvaluateAsync(SyntheticObjective.OptimumMixture, 5, default);
        Assert.NotEqual(3.0, r.Objective);
        Assert.Equal(r.Objective, (await objective.EvaluateAsync(SyntheticObjective.OptimumMixture, 5, default)).Objective);
    }

    [Fact]
    public void Climb_beats_RegMix_and_uniform_at_equal_budget_over_five_seeds()
    {
        // Smaller candidate pool than the paper's 100k to keep the default run short; the Slow test below uses 100k.
        var table = Table(poolSize: 20_000, seeds: [1, 2, 3, 4, 5]);
        output.WriteLine(Format(table));
        double climb = table["CLIMB 64/32/16"].Average();
        Assert.True(climb < table["RegMix 112"].Average(), Format(table));
        Assert.True(climb < table["Uniform"].Average(), Format(table));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Full_table_with_the_paper_pool_size()
    {
        var table = Table(poolSize: 100_000, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        output.WriteLine(Format(table));
        double climb = table["CLIMB 64/32/16"].Average();
        Assert.True(climb < table["RegMix 112"].Average(), Format(table));
        Assert.True(climb < table["Uniform"].Average(), Format(table));
    }
}

using System.Globalization;
using Xunit.Abstractions;

namespace Climb.Tests.Search;

public class SyntheticBenchmarkTests(ITestOutputHelper output)
{
    /// <summary>Per-round predictor figures of the CLIMB runs: (round, held-out CV Spearman, prospective Spearman, best true loss so far).</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentBag<(int Round, double HeldOut, double Prospective, double BestTrue)> ClimbRounds = [];

    internal static async Task<double> RunAsync(IMixtureSearchStrategy strategy, int seed)
    {
        var objective = new SyntheticObjective();
        var search = new MixtureSearch(strategy, new MixtureSearchOptions { Seed = seed, MaxDegreeOfParallelism = 2, NoiseReplicates = 0, MeasureAnswer = false });
        var result = await search.RunAsync(SyntheticObjective.Prior, objective.EvaluateAsync);
        Assert.Equal(strategy.RoundBudgets.Sum(), objective.Calls);
        if (strategy is ClimbSearchStrategy)
        {
            double best = double.MaxValue;
            foreach (var r in result.Rounds)
            {
                best = Math.Min(best, r.Results.Min(x => SyntheticObjective.TrueLoss(x.Mixture)));
                ClimbRounds.Add((r.Round, r.HeldOutSpearman, r.ProspectiveSpearman, best));
            }

            ClimbRounds.Add((result.Rounds.Count, result.Answer.Predictor!.HeldOutSpearman, double.NaN, SyntheticObjective.TrueLoss(result.Mixture)));
        }

        return SyntheticObjective.TrueLoss(result.Mixture);
    }

    internal static string FormatRounds()
    {
        var lines = new List<string> { "| CLIMB round | predictor trained on | held-out (5-fold) Spearman, mean | prospective Spearman, mean | best true loss so far, mean |", "| --- | --- | --- | --- | --- |" };
        foreach (var g in ClimbRounds.GroupBy(x => x.Round).OrderBy(g => g.Key))
        {
            static string Mean(IEnumerable<double> v)
            {
                var f = v.Where(double.IsFinite).ToArray();
                return f.Length == 0 ? "—" : f.Average().ToString("F3", CultureInfo.InvariantCulture) + (f.Length < v.Count() ? $" ({f.Length} finite)" : string.Empty);
            }

            string trainedOn = g.Key switch { 0 => "—", 1 => "64", 2 => "96", _ => "112 (answer)" };
            lines.Add($"| {(g.Key == 3 ? "answer" : (g.Key + 1).ToString(CultureInfo.InvariantCulture))} | {trainedOn} | {Mean(g.Select(x => x.HeldOut))} | {Mean(g.Select(x => x.Prospective))} | {Mean(g.Select(x => x.BestTrue))} |");
        }

        return string.Join(Environment.NewLine, lines);
    }

    internal static IReadOnlyDictionary<string, double[]> Table(int poolSize, int[] seeds, int crossValidationFolds = 5)
    {
        // The cross-validation folds only feed the reported held-out Spearman, never the search's decisions, so fewer
        // folds give the same answers faster.
        var predictor = new LightGbmMixturePredictor(new LightGbmMixturePredictorOptions { CrossValidationFolds = crossValidationFolds });
        var strategies = new Dictionary<string, Func<IMixtureSearchStrategy>>
        {
            ["CLIMB 64/32/16"] = () => new ClimbSearchStrategy(PaperOptions.With(o => { o.CandidatePoolSize = poolSize; }), predictor: predictor),
            ["RegMix 112"] = () => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = 112, CandidatePoolSize = poolSize }, predictor: predictor),
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
        var table = Table(poolSize: 20_000, seeds: [1, 2, 3, 4, 5], crossValidationFolds: 2);
        output.WriteLine(Format(table));
        double climb = table["CLIMB 64/32/16"].Average();
        Assert.True(climb < table["RegMix 112"].Average(), Format(table));
        Assert.True(climb < table["Uniform"].Average(), Format(table));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Full_table_with_the_paper_pool_size()
    {
        ClimbRounds.Clear();
        var table = Table(poolSize: 100_000, seeds: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        output.WriteLine(Format(table));
        output.WriteLine(FormatRounds());
        double climb = table["CLIMB 64/32/16"].Average();
        Assert.True(climb < table["RegMix 112"].Average(), Format(table));
        Assert.True(climb < table["Uniform"].Average(), Format(table));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Variants_table_sparsity_bias_and_ridge()
    {
        // Informational (docs/search.md): the same objective and budget with the optional sparsity bias and with the ridge predictor.
        int[] seeds = [1, 2, 3, 4, 5];
        var sparse = new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { SparseFraction = 0.5 });
        var ridge = new RidgeMixturePredictor(new RidgeMixturePredictorOptions { Features = MixtureFeatures.LogWeights, Lambda = 1.0 });
        var variants = new Dictionary<string, Func<IMixtureSearchStrategy>>
        {
            ["CLIMB, sparse sampler (50 %)"] = () => new ClimbSearchStrategy(PaperOptions.With(o => { o.CandidatePoolSize = 20_000; }), sparse),
            ["RegMix, sparse sampler (50 %)"] = () => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { CandidatePoolSize = 20_000 }, sparse),
            ["Best-of-112, sparse sampler (50 %)"] = () => new BestOfNSearchStrategy(112, sparse),
            ["CLIMB, log-ridge predictor"] = () => new ClimbSearchStrategy(PaperOptions.With(o => { o.CandidatePoolSize = 20_000; }), predictor: ridge),
            ["RegMix, log-ridge predictor"] = () => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { CandidatePoolSize = 20_000 }, predictor: ridge),
        };
        var table = variants.ToDictionary(p => p.Key, p => seeds.Select(s => RunAsync(p.Value(), s).GetAwaiter().GetResult()).ToArray());
        output.WriteLine(Format(table));
        Assert.All(table.Values, v => Assert.True(v.Average() < 5.5));
    }
}

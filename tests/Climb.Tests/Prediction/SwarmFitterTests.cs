using System.Globalization;
using System.Text;

namespace Climb.Tests.Prediction;

/// <summary><see cref="SwarmFitter"/> on swarms whose objective is a known function of the mixture.</summary>
public class SwarmFitterTests
{
    private static readonly string[] Domains = ["web", "code", "math"];
    private static readonly double[] Optimum = [0.6, 0.3, 0.1];

    /// <summary>A bowl with its minimum 2.0 at <see cref="Optimum"/>.</summary>
    private static double Loss(ReadOnlySpan<double> w)
    {
        double s = 2.0;
        for (int j = 0; j < w.Length; j++)
        {
            s += (j + 1) * (w[j] - Optimum[j]) * (w[j] - Optimum[j]);
        }

        return s;
    }

    /// <summary>60 runs drawn around a uniform prior, in the Olmix shape, with a loss column and an accuracy column.</summary>
    private static MixtureSwarm Swarm(int runs = 60)
    {
        var mixtures = new DirichletMixtureSampler().Sample(new MixturePrior([1.0, 1.0, 1.0]), runs, 11);
        var ratios = new StringBuilder("run,web,code,math\n");
        var metrics = new StringBuilder("run,val_loss,acc\n");
        for (int i = 0; i < mixtures.Count; i++)
        {
            var w = mixtures[i].AsSpan();
            ratios.AppendLine(string.Create(CultureInfo.InvariantCulture, $"r{i},{w[0]:R},{w[1]:R},{w[2]:R}"));
            metrics.AppendLine(string.Create(CultureInfo.InvariantCulture, $"r{i},{Loss(w):R},{1 / Loss(w):R}"));
        }

        return MixtureSwarm.Read(new StringReader(ratios.ToString()), "ratios.csv", new StringReader(metrics.ToString()), "metrics.csv");
    }

    private static SwarmFitOptions Options(string? metric = "val_loss") => new() { Metric = metric, CandidateCount = 20_000 };

    [Fact]
    public void Proposes_a_mixture_near_the_optimum_and_better_than_the_prior()
    {
        var swarm = Swarm();
        var r = new SwarmFitter(Options()).Fit(swarm);
        Assert.Equal("val_loss", r.Objective);
        Assert.Equal(ObjectiveGoal.Minimize, r.Goal);
        Assert.Equal(60, r.RunsUsed);
        Assert.Equal(20_000, r.CandidatesConsidered);
        Assert.StartsWith("mean of the predicted top 128", r.Method, StringComparison.Ordinal);
        Assert.True(r.Predictor.HeldOutSpearman > 0.9, $"cv {r.Predictor.HeldOutSpearman:F3}");

        // The prior's centre (uniform) has loss 2.0 + 1(0.27)² + 2(0.03)² + 3(0.23)² ≈ 2.23; the answer must be far better.
        double answer = Loss(r.Mixture.AsSpan());
        Assert.True(answer < 2.02, $"true loss of the answer {answer:F4} (uniform: {Loss([1 / 3.0, 1 / 3.0, 1 / 3.0]):F4})");
        Assert.True(Math.Abs(r.PredictedValue - answer) < 0.02, $"predicted {r.PredictedValue:F4}, true {answer:F4}");
        Assert.Equal(swarm.Runs.MinBy(x => x.Metrics[0])!.Run, r.BestMeasured.Run);
        Assert.Equal(5, r.Nearest.Count);
        Assert.All(r.Nearest, n => Assert.Equal(PredictiveSearch.L1(swarm.Runs.Single(x => x.Run == n.Run).Mixture, r.Mixture), n.Distance, 12));
    }

    [Fact]
    public void Feasibility_bounds_each_weight_by_tokens_times_repetition_over_target()
    {
        // Token shares 0.3/0.4/0.3, so RegMix's cap of 15x the share never binds; at 30M target tokens and 4 epochs web
        // (3M tokens) can supply at most 0.4 of the mixture.
        var options = Options();
        options.TokenCounts["web"] = 3_000_000;
        options.TokenCounts["code"] = 4_000_000;
        options.TokenCounts["math"] = 3_000_000;
        options.TargetTokens = 30_000_000;
        options.MaxRepetition = 4;
        var r = new SwarmFitter(options).Fit(Swarm());
        Assert.Equal(new[] { 0.4, 1.6 / 3, 0.4 }, r.MaximumWeights!.Select(x => Math.Round(x, 12)).ToArray(), new RoundedComparer());
        Assert.All(r.Mixture.AsSpan().ToArray().Zip(r.MaximumWeights!), p => Assert.True(p.First <= p.Second + 1e-9));

        // The unconstrained optimum puts 0.6 on web; the data can supply at most 0.4 of it.
        Assert.True(r.Mixture[0] <= 0.4 + 1e-9, $"web weight {r.Mixture[0]:F4}");
        Assert.True(r.Mixture[0] > 0.3, $"web weight {r.Mixture[0]:F4}: the bound should be the active limit");

        options.TargetTokens = 1_000_000_000;
        var ex = Assert.Throws<ArgumentException>(() => new SwarmFitter(options).Fit(Swarm()));
        Assert.Contains("the 3 clusters hold 10,000,000 tokens, and with each token used at most 4 times the largest feasible budget is 40,000,000 tokens", ex.Message, StringComparison.Ordinal);

        options.TokenCounts.Remove("math");
        options.TargetTokens = 10_000_000;
        Assert.Contains("missing: math", Assert.Throws<ArgumentException>(() => new SwarmFitter(options).Fit(Swarm())).Message, StringComparison.Ordinal);
        Assert.Contains("TargetTokens needs TokenCounts", Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new SwarmFitter(new SwarmFitOptions { TargetTokens = 10 })).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ranks_given_candidates_in_any_column_order_and_answers_with_the_best()
    {
        var candidates = MixtureSwarm.Read(
            new StringReader("index,math,web,code\na,0.1,0.6,0.3\nb,0.34,0.33,0.33\nc,0.8,0.1,0.1\n"),
            "candidates.csv");
        var r = new SwarmFitter(Options()).Fit(Swarm(), candidates);
        Assert.Equal("a", r.CandidateRun);
        Assert.Equal(Optimum, r.Mixture.AsSpan().ToArray().Select(x => Math.Round(x, 9)));
        Assert.Equal(3, r.CandidatesConsidered);

        var missing = MixtureSwarm.Read(new StringReader("run,math,web,other\na,0.1,0.6,0.3\n"), "bad.csv");
        Assert.Contains("bad.csv: no column 'code'", Assert.Throws<ArgumentException>(() => new SwarmFitter(Options()).Fit(Swarm(), missing)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_direction_is_explicit_or_inferred_and_a_mixed_mean_needs_it_stated()
    {
        var swarm = Swarm();
        var acc = new SwarmFitter(Options("acc")).Fit(swarm);
        Assert.Equal(ObjectiveGoal.Maximize, acc.Goal);
        Assert.Contains("'acc'", acc.GoalSource, StringComparison.Ordinal);
        Assert.True(Loss(acc.Mixture.AsSpan()) < 2.02); // maximising 1/loss minimises the loss

        var mean = Assert.Throws<ArgumentException>(() => new SwarmFitter(new SwarmFitOptions { Mean = true, CandidateCount = 100 }).Fit(swarm));
        Assert.Contains("disagree on direction", mean.Message, StringComparison.Ordinal);
        var several = Assert.Throws<ArgumentException>(() => new SwarmFitter(new SwarmFitOptions { CandidateCount = 100 }).Fit(swarm));
        Assert.Contains("has 2 metrics (val_loss, acc)", several.Message, StringComparison.Ordinal);
        var given = new SwarmFitter(new SwarmFitOptions { Mean = true, Goal = ObjectiveGoal.Minimize, CandidateCount = 100, TopK = 1 }).Fit(swarm);
        Assert.Equal("given", given.GoalSource);
        Assert.Equal("mean of 2 metrics", given.Objective);
        Assert.Contains("Metric ('x') and Mean are exclusive", Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new SwarmFitter(new SwarmFitOptions { Mean = true, Metric = "x" })).Message, StringComparison.Ordinal);
    }

    private sealed class RoundedComparer : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) < 1e-9;

        public int GetHashCode(double obj) => 0;
    }
}

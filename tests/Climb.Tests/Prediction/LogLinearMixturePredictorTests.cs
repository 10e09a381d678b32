namespace Climb.Tests.Prediction;

/// <summary>The log-linear mixing law L(w) = c + exp(t·w), fitted with a Huber loss.</summary>
public class LogLinearMixturePredictorTests
{
    private static readonly double[] Slopes = [1.2, -0.8, 0.3, -1.5, 0.6];
    private const double Offset = 2.0;

    private static double Law(MixtureWeights w) => Offset + Math.Exp(Enumerable.Range(0, Slopes.Length).Sum(j => Slopes[j] * w[j]));

    /// <summary>200 mixtures whose losses follow the law with noise of 0.005 nats; every 20th proxy diverged (+1 nat).</summary>
    private static List<(MixtureWeights Mixture, double Target)> Swarm(int seed, bool outliers)
    {
        var mixtures = new DirichletMixtureSampler().Sample(new MixturePrior(Enumerable.Repeat(1.0, Slopes.Length)), 200, seed);
        var random = new Random(seed);
        return mixtures.Select((m, i) =>
        {
            double noise = 0.005 * ((random.NextDouble() * 2) - 1);
            double loss = Law(m) + noise + (outliers && i % 20 == 7 ? 1.0 : 0.0);
            return (m, -loss);
        }).ToList();
    }

    [Fact]
    public void Recovers_the_law_from_noisy_runs_and_resists_diverged_proxies()
    {
        var test = new DirichletMixtureSampler().Sample(new MixturePrior(Enumerable.Repeat(1.0, Slopes.Length)), 300, 99);
        var truth = test.Select(Law).ToArray();
        double MaxError(LogLinearMixturePredictorOptions options, out double rho)
        {
            var fitted = new LogLinearMixturePredictor(options).Fit(Swarm(3, outliers: true), seed: 1);
            var predicted = new double[test.Count];
            fitted.Predict(test, predicted);
            rho = RankStatistics.Spearman(predicted, truth.Select(t => -t).ToArray());
            return Enumerable.Range(0, test.Count).Max(i => Math.Abs(-predicted[i] - truth[i]));
        }

        double huber = MaxError(new LogLinearMixturePredictorOptions(), out double rhoHuber);
        double squared = MaxError(new LogLinearMixturePredictorOptions { HuberDelta = 1e6 }, out _);
        Assert.True(rhoHuber > 0.99, $"Spearman {rhoHuber:F4}");
        Assert.True(huber < 0.03, $"Huber fit: largest error {huber:F4} nats");
        Assert.True(squared > 2 * huber, $"least squares {squared:F4} vs Huber {huber:F4}: ten diverged proxies should bend a squared loss");
    }

    [Fact]
    public void Reports_cross_validation_and_is_deterministic()
    {
        var data = Swarm(5, outliers: false);
        var p = new LogLinearMixturePredictor();
        var a = p.Fit(data, seed: 7);
        var b = p.Fit(data, seed: 7);
        Assert.Equal(5, a.Report.Folds);
        Assert.True(a.Report.HeldOutSpearman > 0.99, $"held-out Spearman {a.Report.HeldOutSpearman:F4}");
        Assert.Equal(a.Report.OutOfFoldPredictions!, b.Report.OutOfFoldPredictions!);
        Assert.StartsWith("loglinear(", p.Identity, StringComparison.Ordinal);

        // Constant targets: a flat law at their value, not a failure.
        var flat = data.Select(d => (d.Mixture, -3.0)).ToList();
        var f = p.Fit(flat, seed: 1);
        var one = new double[1];
        f.Predict([data[0].Mixture], one);
        Assert.Equal(-3.0, one[0], 9);
    }
}

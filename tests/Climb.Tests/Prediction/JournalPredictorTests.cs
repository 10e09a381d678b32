namespace Climb.Tests.Prediction;

/// <summary>
/// Every predictor fitted on real proxy results: the 112 Kneser-Ney proxies of a `climb run --proxy NGram` on the sample
/// corpus (objectives 5.05–9.1 nats). The bars are cross-validated Spearman correlations; a constant or random predictor
/// scores about 0 (or NaN), and the sampler's own order carries no information about the objective.
/// </summary>
public class JournalPredictorTests
{
    private static readonly List<(MixtureWeights Mixture, double Target)> All = JournalFixture.Load(JournalFixture.NGramSample);

    public static TheoryData<string, double> Predictors => new()
    {
        { "ridge", 0.85 },
        { "gp", 0.85 },
        { "lightgbm", 0.85 },
        { "lightgbm-paper", 0.75 },
        { "auto", 0.85 },
    };

    private static IMixturePredictor Make(string name) => name switch
    {
        "ridge" => new RidgeMixturePredictor(),
        "gp" => new GaussianProcessMixturePredictor(),
        "lightgbm" => new LightGbmMixturePredictor(),
        "lightgbm-paper" => new LightGbmMixturePredictor(LightGbmMixturePredictorOptions.Paper()),
        _ => new AutoMixturePredictor(),
    };

    [Theory]
    [MemberData(nameof(Predictors))]
    public void Cross_validated_spearman_on_the_ngram_journal(string name, double bar)
    {
        Assert.Equal(112, All.Count);
        var fitted = Make(name).Fit(All, seed: 1);
        Assert.True(fitted.Report.HeldOutSpearman >= bar, $"{fitted.Report.Predictor}: held-out Spearman {fitted.Report.HeldOutSpearman:F3} < {bar}");
        Assert.Equal(112, fitted.Report.OutOfFoldPredictions!.Count);
        Assert.Equal(fitted.Report.HeldOutSpearman, RankStatistics.Spearman([.. fitted.Report.OutOfFoldPredictions], [.. All.Select(a => a.Target)]), 12);

        // The final model ranks its own training mixtures well, and is not constant.
        var predictions = new double[All.Count];
        fitted.Predict(All.Select(a => a.Mixture).ToArray(), predictions);
        Assert.True(predictions.Distinct().Count() > 50, $"{predictions.Distinct().Count()} distinct predictions");
    }

    [Fact]
    public void LightGbm_is_not_constant_at_transformer_loss_scale()
    {
        // Transformer proxies of one search differ by a few hundredths of a nat. Before targets were standardised, an L1
        // penalty of 1 on such residuals zeroed every leaf: one tree, a constant model, a negative out-of-fold Spearman.
        var round1 = JournalFixture.Load(JournalFixture.NGramSample, round: 0).Take(32).ToList();
        var small = round1.Select(a => (a.Mixture, a.Target * 0.1)).ToList();
        foreach (var options in new[] { LightGbmMixturePredictorOptions.Paper(), new LightGbmMixturePredictorOptions() })
        {
            var p = new LightGbmMixturePredictor(options);
            var big = p.Fit(round1, 1);
            var scaled = p.Fit(small, 1);
            Assert.True(scaled.Report.Iterations > 1, $"{p.Identity}: {scaled.Report.Iterations} trees");
            Assert.Equal(big.Report.HeldOutSpearman, scaled.Report.HeldOutSpearman, 6);
        }

        var fitted = new LightGbmMixturePredictor().Fit(small, 1);
        Assert.True(fitted.Report.HeldOutSpearman > 0.3, $"small-sample LightGBM on 32 points: {fitted.Report.HeldOutSpearman:F3}");
    }

    [Fact]
    public void Auto_chooses_the_candidate_with_the_best_held_out_spearman_and_reports_all()
    {
        var round1 = JournalFixture.Load(JournalFixture.NGramSample, round: 0);
        var auto = new AutoMixturePredictor();
        var fitted = auto.Fit(round1, 3);
        var candidates = fitted.Report.Candidates!;
        Assert.Equal(3, candidates.Count);
        Assert.Single(candidates, c => c.Chosen);
        var chosen = candidates.Single(c => c.Chosen);
        Assert.Equal(candidates.Max(c => c.HeldOutSpearman), chosen.HeldOutSpearman);
        Assert.Equal(chosen.Predictor, fitted.Report.Predictor);
        Assert.Equal(chosen.HeldOutSpearman, fitted.Report.HeldOutSpearman);

        // Its predictions are the chosen candidate's own.
        var alone = auto.Candidates.Single(c => c.Identity == chosen.Predictor).Fit(round1, 3);
        var pool = new DirichletMixtureSampler().Sample(new MixturePrior(Enumerable.Repeat(1.0, round1[0].Mixture.Count)), 200, 5);
        var a = new double[200];
        var b = new double[200];
        fitted.Predict(pool, a);
        alone.Predict(pool, b);
        Assert.Equal(b, a);

        // A candidate that cannot rank (a constant) is never chosen over one that can.
        var withConstant = new AutoMixturePredictor([new LightGbmMixturePredictor(new() { MinimumExamplesPerLeaf = 1000 }), new RidgeMixturePredictor()]).Fit(round1, 3);
        Assert.StartsWith("ridge", withConstant.Report.Predictor, StringComparison.Ordinal);
    }
}

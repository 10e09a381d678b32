using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Climb.Tests.Prediction;

public class PredictorTests
{
    private static readonly MixturePrior Prior = new(Enumerable.Range(1, 10).Select(i => 1.0 / i));

    private static (MixtureWeights, double)[] Data(int n, int seed, Func<MixtureWeights, double> f) =>
        new DirichletMixtureSampler().Sample(Prior, n, seed).Select(m => (m, f(m))).ToArray();

    private static double Smooth(MixtureWeights m) => -Math.Pow(m[2] - 0.4, 2) - (0.5 * Math.Pow(m[5] - 0.2, 2)) + (0.1 * m[0]);

    [Fact]
    public void Spearman_handles_ties_like_scipy()
    {
        // scipy.stats.spearmanr([1,2,2,3,5,5,5],[2,1,4,3,7,6,6]).statistic
        Assert.Equal(0.8496617760555312, RankStatistics.Spearman([1, 2, 2, 3, 5, 5, 5], [2, 1, 4, 3, 7, 6, 6]), 12);
        Assert.True(double.IsNaN(RankStatistics.Spearman([1, 1, 1], [1, 2, 3])));
    }

    [Fact]
    public void LightGbm_learns_a_smooth_objective_and_reports_held_out_spearman()
    {
        var train = Data(150, 1, Smooth);
        var test = Data(400, 2, Smooth);
        var fitted = new LightGbmMixturePredictor().Fit(train, seed: 3);
        Assert.Equal(150, fitted.Report.TrainingCount);
        Assert.Equal(5, fitted.Report.Folds);
        Assert.InRange(fitted.Report.Iterations, 1, 1000);
        Assert.True(fitted.Report.HeldOutSpearman > 0.6, $"cv Spearman {fitted.Report.HeldOutSpearman}");
        var predictions = new double[test.Length];
        fitted.Predict(test.Select(t => t.Item1).ToArray(), predictions);
        double spearman = RankStatistics.Spearman(predictions, test.Select(t => t.Item2).ToArray());
        Assert.True(spearman > 0.6, $"test Spearman {spearman}");

        // A constant target carries no rank information.
        var noise = Data(60, 4, m => new Random(m.GetHashCode()).NextDouble());
        var fittedNoise = new LightGbmMixturePredictor().Fit(noise, seed: 3);
        Assert.True(Math.Abs(fittedNoise.Report.HeldOutSpearman) < 0.5 || double.IsNaN(fittedNoise.Report.HeldOutSpearman));
    }

    [Fact]
    public void LightGbm_fit_is_reproducible()
    {
        var train = Data(80, 5, Smooth);
        var pool = new DirichletMixtureSampler().Sample(Prior, 500, 6);
        var a = new double[500];
        var b = new double[500];
        var p = new LightGbmMixturePredictor();
        var fa = p.Fit(train, 9);
        var fb = p.Fit(train, 9);
        fa.Predict(pool, a);
        fb.Predict(pool, b);
        Assert.Equal(a, b);
        Assert.Equal(fa.Report.HeldOutSpearman, fb.Report.HeldOutSpearman);
    }

    [Fact]
    public void Compiled_trees_predict_exactly_what_MLNet_predicts()
    {
        var train = Data(200, 7, Smooth);
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 10);
        Row ToRow((MixtureWeights M, double T) o) => new() { Features = o.M.AsSpan().ToArray().Select(v => (float)v).ToArray(), Label = (float)o.T };
        var view = ml.Data.LoadFromEnumerable(train.Select(ToRow).ToArray(), schema);
        var model = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = 200, LearningRate = 0.05, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1,
            Booster = new GradientBooster.Options { MaximumTreeDepth = 4, L1Regularization = 1, L2Regularization = 1 },
        }).Fit(view);
        var compiled = CompiledTreeEnsemble.From(model.Model.TrainedTreeEnsemble);
        var test = Data(300, 8, Smooth).Select(ToRow).ToArray();
        var scores = model.Transform(ml.Data.LoadFromEnumerable(test, schema)).GetColumn<float>("Score").ToArray();
        Assert.True(compiled.TreeCount > 10);
        for (int i = 0; i < test.Length; i++)
        {
            Assert.Equal(scores[i], compiled.Predict(test[i].Features), 4);
        }
    }

    [Fact]
    public void LightGbm_with_too_few_points_for_a_split_predicts_the_mean()
    {
        var train = Data(6, 1, Smooth);
        var fitted = new LightGbmMixturePredictor(LightGbmMixturePredictorOptions.Paper()).Fit(train, 1);
        var predictions = new double[3];
        fitted.Predict(Data(3, 2, Smooth).Select(t => t.Item1).ToArray(), predictions);
        Assert.All(predictions, p => Assert.Equal(train.Average(t => t.Item2), p, 12));
        Assert.Equal(0, fitted.Report.Iterations);
    }

    [Fact]
    public void Ridge_recovers_a_linear_objective()
    {
        Func<MixtureWeights, double> linear = m => (2 * m[0]) - (3 * m[4]) + m[7];
        var train = Data(60, 1, linear);
        var fitted = new RidgeMixturePredictor(new RidgeMixturePredictorOptions { Lambda = 1e-6, Features = MixtureFeatures.Weights }).Fit(train, 1);
        Assert.True(fitted.Report.HeldOutSpearman > 0.99);
        var test = Data(100, 2, linear);
        var predictions = new double[100];
        fitted.Predict(test.Select(t => t.Item1).ToArray(), predictions);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(test[i].Item2, predictions[i], 3);
        }

        var log = new RidgeMixturePredictor(new RidgeMixturePredictorOptions { Features = MixtureFeatures.LogWeights, Lambda = 1.0 }).Fit(Data(60, 1, Smooth), 1);
        Assert.True(log.Report.HeldOutSpearman > 0.3, $"log-ridge Spearman {log.Report.HeldOutSpearman}");
    }

    [Fact]
    public void Bad_observations_are_rejected_naming_the_index()
    {
        var p = new RidgeMixturePredictor();
        Assert.Throws<ArgumentException>(() => p.Fit([(MixtureWeights.Uniform(3), 1.0)], 1));
        var ex = Assert.Throws<ArgumentException>(() => p.Fit([(MixtureWeights.Uniform(3), 1.0), (MixtureWeights.Uniform(4), 2.0)], 1));
        Assert.Contains("Observation 1", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new LightGbmMixturePredictor().Fit([(MixtureWeights.Uniform(3), 1.0), (MixtureWeights.Uniform(3), double.NaN)], 1));
        Assert.Contains("Observation 1", ex.Message, StringComparison.Ordinal);
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }
}

using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Climb.Benchmarks.Search;

/// <summary>
/// `climb-bench search [count] [clusters]`: mixtures/s of the Dirichlet sampler, fit time of the LightGBM and ridge
/// predictors on 112 results, and predictions/s when ranking the candidate pool.
/// </summary>
internal static class SearchBench
{
    public static int Run(string[] args)
    {
        int count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int k = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        var prior = new MixturePrior(Enumerable.Range(1, k).Select(i => 1.0 / i));
        var sampler = new DirichletMixtureSampler();
        Console.WriteLine($"load: {File.ReadAllText("/proc/loadavg").Trim()}  cores: {Environment.ProcessorCount}");

        sampler.Sample(prior, 1000, 0); // warm-up
        var best = double.MaxValue;
        IReadOnlyList<MixtureWeights> pool = [];
        for (int rep = 0; rep < 3; rep++)
        {
            var sw = Stopwatch.StartNew();
            pool = sampler.Sample(prior, count, rep + 1);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sampler: {count} mixtures x {k} clusters in {best:F3} s (best of 3) = {count / best:F0} mixtures/s"));

        var train = sampler.Sample(prior, 112, 99).Select(m => (m, Target(m))).ToArray();
        foreach (IMixturePredictor predictor in new IMixturePredictor[] { new LightGbmMixturePredictor(), new RidgeMixturePredictor() })
        {
            var sw = Stopwatch.StartNew();
            var fitted = predictor.Fit(train, 1);
            double fit = sw.Elapsed.TotalSeconds;
            var predictions = new double[pool.Count];
            fitted.Predict(pool, predictions); // warm-up
            double bestPredict = double.MaxValue;
            for (int rep = 0; rep < 3; rep++)
            {
                sw.Restart();
                fitted.Predict(pool, predictions);
                bestPredict = Math.Min(bestPredict, sw.Elapsed.TotalSeconds);
            }

            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{predictor.Identity}: fit on 112 in {fit:F2} s (5-fold CV + final; {fitted.Report.Iterations} trees; held-out Spearman {fitted.Report.HeldOutSpearman:F3}); " +
                $"predict {count} in {bestPredict:F3} s = {count / bestPredict:F0} predictions/s"));
        }

        MlNetTransformBaseline(train, pool, k);
        return 0;
    }

    /// <summary>The same LightGBM settings scored through ML.NET's Transform over an IDataView, for comparison with the compiled trees.</summary>
    private static void MlNetTransformBaseline((MixtureWeights M, double T)[] train, IReadOnlyList<MixtureWeights> pool, int k)
    {
        var ml = new MLContext(1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        Row ToRow(MixtureWeights m, double t) => new() { Features = m.AsSpan().ToArray().Select(v => (float)v).ToArray(), Label = (float)t };
        var model = ml.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = 498, LearningRate = 0.01, NumberOfLeaves = 16, MinimumExampleCountPerLeaf = 5, NumberOfThreads = 1,
            Booster = new GradientBooster.Options { MaximumTreeDepth = 4, L1Regularization = 1, L2Regularization = 1 },
        }).Fit(ml.Data.LoadFromEnumerable(train.Select(t => ToRow(t.M, t.T)).ToArray(), schema));
        var rows = pool.Select(m => ToRow(m, 0)).ToArray();
        double best = double.MaxValue;
        for (int rep = 0; rep < 2; rep++)
        {
            var sw = Stopwatch.StartNew();
            var scores = model.Transform(ml.Data.LoadFromEnumerable(rows, schema)).GetColumn<float>("Score").ToArray();
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            GC.KeepAlive(scores);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ML.NET Transform (same settings, {model.Model.TrainedTreeEnsemble.Trees.Count} trees): predict {pool.Count} in {best:F3} s = {pool.Count / best:F0} predictions/s"));
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];

        public float Label { get; set; }
    }

    private static double Target(MixtureWeights m)
    {
        double h = 0;
        for (int i = 0; i < m.Count; i++)
        {
            double o = i == 3 ? 0.55 : i == 8 ? 0.3 : i == 13 ? 0.15 : 0;
            double d = Math.Sqrt(m[i]) - Math.Sqrt(o);
            h += d * d;
        }

        return -(3 + (2 * h));
    }
}

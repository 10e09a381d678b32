using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Climb;

/// <summary>Options of <see cref="RidgeMixturePredictor"/>.</summary>
public sealed class RidgeMixturePredictorOptions
{
    /// <summary>Gets or sets the ridge penalty on standardised features.</summary>
    /// <value>1.</value>
    [Range(0.0, 1e9)]
    public double Lambda { get; set; } = 1.0;

    /// <summary>Gets or sets whether the features are log(weight + <see cref="LogOffset"/>) rather than the weights (RegMix's log-linear variant).</summary>
    /// <value><see langword="false"/>.</value>
    public bool LogFeatures { get; set; }

    /// <summary>Gets or sets the offset inside the logarithm of <see cref="LogFeatures"/>.</summary>
    /// <value>1e-4.</value>
    [Range(1e-12, 1.0)]
    public double LogOffset { get; set; } = 1e-4;

    /// <summary>Gets or sets the number of cross-validation folds behind the reported held-out Spearman correlation.</summary>
    /// <value>5.</value>
    [Range(2, 100)]
    public int CrossValidationFolds { get; set; } = 5;

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"ridge(lambda={Lambda:R},log={LogFeatures},offset={LogOffset:R},cv={CrossValidationFolds})");
}

/// <summary>
/// A linear predictor fitted in closed form (ridge regression, MathNet.Numerics) on standardised weights or log-weights:
/// a fast, low-variance baseline and an alternative to LightGBM when few proxy results exist.
/// </summary>
public sealed class RidgeMixturePredictor : IMixturePredictor
{
    private readonly RidgeMixturePredictorOptions _options;

    /// <summary>Initializes the predictor.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public RidgeMixturePredictor(RidgeMixturePredictorOptions? options = null)
    {
        _options = OptionsValidation.Validate(options ?? new RidgeMixturePredictorOptions(), nameof(options));
    }

    /// <inheritdoc />
    public string Identity => _options.Describe();

    /// <inheritdoc />
    public IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default)
    {
        int k = PredictorFitting.Validate(observations, 2);
        var started = Stopwatch.GetTimestamp();
        int n = observations.Count;
        var x = new double[n, k];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            var w = observations[i].Mixture.AsSpan();
            for (int j = 0; j < k; j++)
            {
                x[i, j] = Feature(w[j]);
            }

            y[i] = observations[i].Target;
        }

        var (spearman, folds) = PredictorFitting.CrossValidate(
            n,
            _options.CrossValidationFolds,
            seed,
            y,
            (train, test, _) =>
            {
                var m = Solve(x, y, k, train);
                return test.Select(i => m.Predict(Row(x, i, k))).ToArray();
            },
            cancellationToken);
        var model = Solve(x, y, k, Enumerable.Range(0, n).ToArray());
        var report = new MixturePredictorReport
        {
            Predictor = Identity,
            TrainingCount = n,
            HeldOutSpearman = spearman,
            Folds = folds,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        return new Fitted(this, model, k, report);
    }

    private double Feature(double w) => _options.LogFeatures ? Math.Log(w + _options.LogOffset) : w;

    private static double[] Row(double[,] x, int i, int k)
    {
        var r = new double[k];
        for (int j = 0; j < k; j++)
        {
            r[j] = x[i, j];
        }

        return r;
    }

    private LinearModel Solve(double[,] x, double[] y, int k, int[] rows)
    {
        int n = rows.Length;
        var mean = new double[k];
        var scale = new double[k];
        double yMean = rows.Average(i => y[i]);
        for (int j = 0; j < k; j++)
        {
            double m = 0;
            foreach (int i in rows)
            {
                m += x[i, j];
            }

            m /= n;
            double v = 0;
            foreach (int i in rows)
            {
                v += (x[i, j] - m) * (x[i, j] - m);
            }

            mean[j] = m;
            scale[j] = v > 0 ? Math.Sqrt(v / n) : 0;
        }

        var a = Matrix<double>.Build.Dense(n, k, (r, c) => scale[c] > 0 ? (x[rows[r], c] - mean[c]) / scale[c] : 0);
        var b = Vector<double>.Build.Dense(n, r => y[rows[r]] - yMean);
        var gram = a.TransposeThisAndMultiply(a) + (Matrix<double>.Build.DenseIdentity(k) * Math.Max(_options.Lambda, 1e-10));
        var beta = gram.Cholesky().Solve(a.TransposeThisAndMultiply(b));
        var coef = new double[k];
        double intercept = yMean;
        for (int j = 0; j < k; j++)
        {
            coef[j] = scale[j] > 0 ? beta[j] / scale[j] : 0;
            intercept -= coef[j] * mean[j];
        }

        return new LinearModel(coef, intercept);
    }

    private sealed record LinearModel(double[] Coefficients, double Intercept)
    {
        public double Predict(ReadOnlySpan<double> features)
        {
            double s = Intercept;
            for (int j = 0; j < Coefficients.Length; j++)
            {
                s += Coefficients[j] * features[j];
            }

            return s;
        }
    }

    private sealed class Fitted(RidgeMixturePredictor owner, LinearModel model, int k, MixturePredictorReport report) : IFittedMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default)
        {
            PredictorFitting.CheckBatch(mixtures, destination, k);
            var result = new double[mixtures.Count];
            Parallel.For(0, (mixtures.Count + 4095) / 4096, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                Span<double> f = stackalloc double[k];
                int end = Math.Min(mixtures.Count, (b + 1) * 4096);
                for (int i = b * 4096; i < end; i++)
                {
                    var w = mixtures[i].AsSpan();
                    for (int j = 0; j < k; j++)
                    {
                        f[j] = owner.Feature(w[j]);
                    }

                    result[i] = model.Predict(f);
                }
            });
            result.CopyTo(destination);
        }
    }
}

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;

namespace Climb;

/// <summary>The features a <see cref="RidgeMixturePredictor"/> computes from the mixture weights.</summary>
public enum MixtureFeatures
{
    /// <summary>The weights themselves.</summary>
    Weights,

    /// <summary>log(weight + offset) (RegMix's log-linear variant).</summary>
    LogWeights,

    /// <summary>√weight: stretches the small weights where a mixture's loss changes fastest.</summary>
    SqrtWeights,

    /// <summary>√weight and the centred log-ratio log(wᵢ + ε) − mean log(w + ε): both ends of the simplex at once.</summary>
    SqrtWeightsAndLogRatios,
}

/// <summary>Options of <see cref="RidgeMixturePredictor"/>.</summary>
public sealed class RidgeMixturePredictorOptions
{
    /// <summary>Gets or sets the ridge penalty on standardised features; <see langword="null"/> chooses it on every fit by exact leave-one-out error over a grid of 10⁻³…10⁴.</summary>
    /// <value><see langword="null"/>.</value>
    [Range(0.0, 1e9)]
    public double? Lambda { get; set; }

    /// <summary>Gets or sets the features.</summary>
    /// <value><see cref="MixtureFeatures.SqrtWeightsAndLogRatios"/>.</value>
    public MixtureFeatures Features { get; set; } = MixtureFeatures.SqrtWeightsAndLogRatios;

    /// <summary>Gets or sets the offset inside the logarithms of <see cref="MixtureFeatures.LogWeights"/> and <see cref="MixtureFeatures.SqrtWeightsAndLogRatios"/>.</summary>
    /// <value>1e-4.</value>
    [Range(1e-12, 1.0)]
    public double LogOffset { get; set; } = 1e-4;

    /// <summary>Gets or sets the number of cross-validation folds behind the reported held-out Spearman correlation.</summary>
    /// <value>5.</value>
    [Range(2, 100)]
    public int CrossValidationFolds { get; set; } = 5;

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"ridge(lambda={(Lambda is { } l ? l.ToString("R", CultureInfo.InvariantCulture) : "loo")},features={Features},offset={LogOffset:R},cv={CrossValidationFolds})");
}

/// <summary>
/// A linear predictor fitted in closed form (ridge regression, MathNet.Numerics) on standardised features of the weights
/// (by default √w and centred log-ratios), with the penalty chosen by exact leave-one-out error: a low-variance predictor
/// that ranks well from a few dozen proxy results.
/// </summary>
public sealed class RidgeMixturePredictor : IMixturePredictor
{
    private static readonly double[] LambdaGrid = Enumerable.Range(0, 15).Select(i => Math.Pow(10, -3 + (0.5 * i))).ToArray();
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
        var (model, k, report) = PredictorFitting.FitWithCrossValidation(
            Identity,
            observations,
            _options.CrossValidationFolds,
            seed,
            w =>
            {
                var f = new double[FeatureCount(w.Length)];
                Features(w, f);
                return f;
            },
            (data, rows, _) => Solve(data.X, data.Y, rows),
            (m, f) => m.Predict(f),
            null,
            cancellationToken);
        return new Fitted(this, model, k, report);
    }

    private int FeatureCount(int k) => _options.Features == MixtureFeatures.SqrtWeightsAndLogRatios ? 2 * k : k;

    private void Features(ReadOnlySpan<double> w, Span<double> f)
    {
        int k = w.Length;
        switch (_options.Features)
        {
            case MixtureFeatures.Weights:
                w.CopyTo(f);
                break;
            case MixtureFeatures.LogWeights:
                for (int j = 0; j < k; j++)
                {
                    f[j] = Math.Log(w[j] + _options.LogOffset);
                }

                break;
            case MixtureFeatures.SqrtWeights:
                for (int j = 0; j < k; j++)
                {
                    f[j] = Math.Sqrt(Math.Max(0, w[j]));
                }

                break;
            default:
                double mean = 0;
                for (int j = 0; j < k; j++)
                {
                    f[j] = Math.Sqrt(Math.Max(0, w[j]));
                    f[k + j] = Math.Log(w[j] + _options.LogOffset);
                    mean += f[k + j];
                }

                mean /= k;
                for (int j = 0; j < k; j++)
                {
                    f[k + j] -= mean;
                }

                break;
        }
    }

    private LinearModel Solve(double[][] x, double[] y, int[] rows)
    {
        int n = rows.Length;
        int p = x[0].Length;
        var mean = new double[p];
        var scale = new double[p];
        double yMean = rows.Average(i => y[i]);
        for (int j = 0; j < p; j++)
        {
            double m = 0;
            foreach (int i in rows)
            {
                m += x[i][j];
            }

            m /= n;
            double v = 0;
            foreach (int i in rows)
            {
                v += (x[i][j] - m) * (x[i][j] - m);
            }

            mean[j] = m;
            scale[j] = v > 1e-24 ? Math.Sqrt(v / n) : 0;
        }

        var a = Matrix<double>.Build.Dense(n, p, (r, c) => scale[c] > 0 ? (x[rows[r]][c] - mean[c]) / scale[c] : 0);
        var b = Vector<double>.Build.Dense(n, r => y[rows[r]] - yMean);
        double lambda = _options.Lambda ?? LeaveOneOutLambda(a, b);
        var gram = a.TransposeThisAndMultiply(a) + (Matrix<double>.Build.DenseIdentity(p) * Math.Max(lambda, 1e-10));
        var beta = gram.Cholesky().Solve(a.TransposeThisAndMultiply(b));
        var coef = new double[p];
        double intercept = yMean;
        for (int j = 0; j < p; j++)
        {
            coef[j] = scale[j] > 0 ? beta[j] / scale[j] : 0;
            intercept -= coef[j] * mean[j];
        }

        return new LinearModel(coef, intercept);
    }

    /// <summary>The grid penalty with the smallest exact leave-one-out squared error (one SVD: H = U diag(s²/(s²+λ)) Uᵀ, plus 1/n for the intercept).</summary>
    private static double LeaveOneOutLambda(Matrix<double> a, Vector<double> b)
    {
        int n = a.RowCount;
        if (n < 3)
        {
            return 1.0;
        }

        var svd = a.Svd(computeVectors: true);
        var u = svd.U;
        var s = svd.S;
        int r = Math.Min(s.Count, u.ColumnCount);
        var ub = u.TransposeThisAndMultiply(b);
        double best = double.PositiveInfinity, bestLambda = 1.0;
        foreach (double lambda in LambdaGrid)
        {
            double sse = 0;
            for (int i = 0; i < n; i++)
            {
                double fit = 0, h = 1.0 / n;
                for (int j = 0; j < r; j++)
                {
                    double s2 = s[j] * s[j];
                    double shrink = s2 / (s2 + lambda);
                    fit += u[i, j] * shrink * ub[j];
                    h += u[i, j] * u[i, j] * shrink;
                }

                double e = (b[i] - fit) / Math.Max(1 - h, 1e-9);
                sse += e * e;
            }

            if (sse < best)
            {
                best = sse;
                bestLambda = lambda;
            }
        }

        return bestLambda;
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
            int p = owner.FeatureCount(k);
            Parallel.For(0, (mixtures.Count + 4095) / 4096, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                var f = new double[p];
                int end = Math.Min(mixtures.Count, (b + 1) * 4096);
                for (int i = b * 4096; i < end; i++)
                {
                    owner.Features(mixtures[i].AsSpan(), f);
                    result[i] = model.Predict(f);
                }
            });
            result.CopyTo(destination);
        }
    }
}

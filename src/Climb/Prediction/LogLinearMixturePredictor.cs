using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Climb;

/// <summary>
/// The log-linear mixing law of Ye et al. 2024 ("Data Mixing Laws", arXiv 2403.16952), Olmix's default regressor: a loss
/// L(w) = c + exp(t·w), with one slope per component and an offset, fitted by L-BFGS on a Huber loss. The target is a
/// utility (larger is better), so the law models its negation, the loss; its predictions are returned as utilities again.
/// </summary>
/// <remarks>
/// <para>
/// Olmix (<c>olmix/fit/utils.py</c>, <c>law.py</c>) parameterises c = exp(log c), starts L-BFGS from 300 points (log c on a
/// 10-point grid in [−2, 1.5], t drawn at random with a negative slope on the metric's own domain) and keeps the start with
/// the lowest Huber loss (delta 0.02). This predictor does not know which component is the target's own domain, and its
/// targets need not be positive, so c is free and the starts are fitted to the data instead: for a grid of offsets c₀ below
/// the smallest loss, t₀ is the least-squares solution of log(L − c₀) = t·w; each start is refined by L-BFGS on the Huber
/// loss, and the lowest loss wins. The fit is deterministic (the seed only sets the cross-validation folds).
/// </para>
/// <para>
/// On the simplex (Σw = 1) a common shift of every slope scales exp(t·w), so the law needs no separate scale. It is monotone
/// along each component and convex in the loss, so it cannot place an optimum inside the simplex on its own; it ranks well
/// where the loss is dominated by how much of a few domains a mixture holds.
/// </para>
/// </remarks>
public sealed class LogLinearMixturePredictor : IMixturePredictor
{
    private static readonly double[] OffsetFractions = [1e-3, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
    private readonly LogLinearMixturePredictorOptions _options;

    /// <summary>Initializes the predictor.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public LogLinearMixturePredictor(LogLinearMixturePredictorOptions? options = null)
    {
        _options = OptionsValidation.Validate(options ?? new LogLinearMixturePredictorOptions(), nameof(options));
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
            w => w.ToArray(),
            (data, rows, _) => Train(data, rows, cancellationToken),
            (m, w) => m.Utility(w),
            null,
            cancellationToken);
        return new Fitted(model, k, report);
    }

    private Law Train(PredictorData data, int[] rows, CancellationToken cancellationToken)
    {
        int n = rows.Length;
        int k = data.Weights;
        var w = rows.Select(i => data.X[i]).ToArray();
        var loss = rows.Select(i => -data.Y[i]).ToArray();
        double min = loss.Min(), max = loss.Max();
        double spread = max - min;
        if (n < 2 || !(spread > 0))
        {
            // No variation to explain: the law is flat at the mean loss.
            return new Law(loss.Average() - 1, new double[k]);
        }

        double delta = _options.HuberDelta;
        var best = (Value: double.PositiveInfinity, Theta: Array.Empty<double>());
        (double, Vector<double>) Objective(Vector<double> theta)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double c = theta[0];
            var grad = Vector<double>.Build.Dense(k + 1);
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                double z = 0;
                for (int j = 0; j < k; j++)
                {
                    z += theta[j + 1] * w[i][j];
                }

                double e = Math.Exp(Math.Min(z, 700));
                double r = loss[i] - c - e;
                double a = Math.Abs(r);
                sum += a <= delta ? 0.5 * r * r : delta * (a - (0.5 * delta));
                double psi = Math.Clamp(r, -delta, delta);
                grad[0] -= psi;
                for (int j = 0; j < k; j++)
                {
                    grad[j + 1] -= psi * e * w[i][j];
                }
            }

            double value = sum / n;
            if (double.IsFinite(value) && value < best.Value)
            {
                // The best point any start reaches is kept, also when the optimiser stops on its iteration limit.
                best = (value, theta.ToArray());
            }

            return (double.IsFinite(value) ? value : double.MaxValue, grad / n);
        }

        foreach (double fraction in OffsetFractions)
        {
            double c0 = min - (fraction * spread);
            var theta0 = Vector<double>.Build.DenseOfArray([c0, .. InitialSlopes(w, loss, c0, k)]);
            Objective(theta0);
            try
            {
                new LimitedMemoryBfgsMinimizer(1e-9, 1e-10, 1e-12, 10, _options.MaximumIterations)
                    .FindMinimum(ObjectiveFunction.Gradient(Objective), theta0);
            }
            catch (Exception ex) when (ex is MaximumIterationsException or OptimizationException or ArgumentException or InvalidOperationException)
            {
                // The best point seen so far is kept (recorded in Objective).
            }
        }

        return new Law(best.Theta[0], best.Theta[1..]);
    }

    /// <summary>The least-squares slopes of log(L − c₀) = t·w (no intercept: on the simplex a shift of every slope is one), with a tiny ridge for rank-deficient designs.</summary>
    private static double[] InitialSlopes(double[][] w, double[] loss, double c0, int k)
    {
        int n = w.Length;
        var a = Matrix<double>.Build.Dense(n, k, (i, j) => w[i][j]);
        var b = Vector<double>.Build.Dense(n, i => Math.Log(Math.Max(loss[i] - c0, 1e-12)));
        var gram = a.TransposeThisAndMultiply(a) + (Matrix<double>.Build.DenseIdentity(k) * 1e-6);
        return gram.Cholesky().Solve(a.TransposeThisAndMultiply(b)).ToArray();
    }

    /// <summary>A fitted law: loss = c + exp(t·w).</summary>
    private sealed class Law(double offset, double[] slopes)
    {
        public double Utility(ReadOnlySpan<double> w)
        {
            double z = 0;
            for (int j = 0; j < slopes.Length; j++)
            {
                z += slopes[j] * w[j];
            }

            return -(offset + Math.Exp(Math.Min(z, 700)));
        }
    }

    private sealed class Fitted(Law law, int k, MixturePredictorReport report) : IFittedMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default)
        {
            PredictorFitting.CheckBatch(mixtures, destination, k);
            var result = new double[mixtures.Count];
            Parallel.For(0, (mixtures.Count + 4095) / 4096, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                int end = Math.Min(mixtures.Count, (b + 1) * 4096);
                for (int i = b * 4096; i < end; i++)
                {
                    result[i] = law.Utility(mixtures[i].AsSpan());
                }
            });
            result.CopyTo(destination);
        }
    }
}

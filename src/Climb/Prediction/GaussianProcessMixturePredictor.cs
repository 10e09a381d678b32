using System.ComponentModel.DataAnnotations;
using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Optimization;

namespace Climb;

/// <summary>Options of <see cref="GaussianProcessMixturePredictor"/>.</summary>
public sealed class GaussianProcessMixturePredictorOptions
{
    /// <summary>Gets or sets the number of optimiser starts for the hyper-parameters (the best marginal likelihood wins).</summary>
    /// <value>2.</value>
    [Range(1, 20)]
    public int Restarts { get; set; } = 2;

    /// <summary>Gets or sets the most L-BFGS iterations per start.</summary>
    /// <value>80.</value>
    [Range(1, 10_000)]
    public int MaximumIterations { get; set; } = 80;

    /// <summary>Gets or sets the number of cross-validation folds behind the reported held-out Spearman correlation.</summary>
    /// <value>5.</value>
    [Range(2, 100)]
    public int CrossValidationFolds { get; set; } = 5;

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"gp(kernel=matern52-ard,features=sqrt,restarts={Restarts},it={MaximumIterations},cv={CrossValidationFolds})");
}

/// <summary>
/// Gaussian-process regression on √w with an ARD Matérn-5/2 kernel (one length scale per cluster, a signal and a noise
/// variance), the hyper-parameters fitted by maximising the marginal likelihood (with weak log-normal priors that keep
/// them finite on a few dozen points) by L-BFGS; MathNet.Numerics for the algebra. A smooth, well-calibrated predictor for
/// small proxy budgets; it learns which clusters matter through their length scales.
/// </summary>
public sealed class GaussianProcessMixturePredictor : IMixturePredictor
{
    private const double Sqrt5 = 2.23606797749979;
    private readonly GaussianProcessMixturePredictorOptions _options;

    /// <summary>Initializes the predictor.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public GaussianProcessMixturePredictor(GaussianProcessMixturePredictorOptions? options = null)
    {
        _options = OptionsValidation.Validate(options ?? new GaussianProcessMixturePredictorOptions(), nameof(options));
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
            Features,
            (data, rows, _) => Train(data.X, data.Y, rows, cancellationToken),
            (m, f) => m.Predict(f),
            null,
            cancellationToken);
        return new Fitted(model, k, report);
    }

    private static double[] Features(ReadOnlySpan<double> w)
    {
        var f = new double[w.Length];
        for (int j = 0; j < w.Length; j++)
        {
            f[j] = Math.Sqrt(Math.Max(0, w[j]));
        }

        return f;
    }

    private static double Matern(double r2, out double r)
    {
        r = Math.Sqrt(Math.Max(r2, 0));
        return (1 + (Sqrt5 * r) + (5.0 / 3.0 * r2)) * Math.Exp(-Sqrt5 * r);
    }

    private Model Train(double[][] xAll, double[] yAll, int[] rows, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        int n = rows.Length;
        int k = xAll[0].Length;
        var x = rows.Select(i => xAll[i]).ToArray();
        var (mean, scale) = PredictorFitting.Standardization(yAll, rows);
        var y = Vector<double>.Build.Dense(n, i => (yAll[rows[i]] - mean) / scale);
        if (n < 3)
        {
            return new Model(x, Vector<double>.Build.Dense(n), Enumerable.Repeat(1.0, k).ToArray(), 1.0, mean, scale);
        }

        // Squared differences per dimension, computed once.
        var d2 = new double[k][];
        for (int d = 0; d < k; d++)
        {
            d2[d] = new double[n * n];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double diff = x[i][d] - x[j][d];
                    d2[d][(i * n) + j] = diff * diff;
                }
            }
        }

        // θ = [log ℓ_1..ℓ_k, log σf², log σn²]; weak priors centred on prior guesses for √w inputs and standardised targets.
        double[] priorMean = [.. Enumerable.Repeat(Math.Log(0.5), k), 0.0, Math.Log(0.05)];
        double[] priorSd = [.. Enumerable.Repeat(1.5, k), 1.5, 2.0];
        var best = (Value: double.PositiveInfinity, Theta: (double[])priorMean.Clone());

        (double, Vector<double>) Evaluate(Vector<double> theta)
        {
            ct.ThrowIfCancellationRequested();
            var (nll, grad) = NegativeLogPosterior(theta, d2, y, n, k, priorMean, priorSd);
            if (double.IsFinite(nll) && nll < best.Value)
            {
                best = (nll, theta.ToArray());
            }

            return (double.IsFinite(nll) ? nll : 1e300, grad);
        }

        double[][] starts =
        [
            priorMean,
            [.. Enumerable.Repeat(Math.Log(0.2), k), 0.0, Math.Log(0.3)],
            [.. Enumerable.Repeat(Math.Log(1.5), k), 0.0, Math.Log(0.01)],
        ];
        for (int s = 0; s < Math.Min(_options.Restarts, starts.Length); s++)
        {
            try
            {
                var minimizer = new LimitedMemoryBfgsMinimizer(1e-5, 1e-7, 1e-9, 7, _options.MaximumIterations);
                minimizer.FindMinimum(ObjectiveFunction.Gradient(Evaluate), Vector<double>.Build.DenseOfArray(starts[s]));
            }
            catch (Exception ex) when (ex is MaximumIterationsException or OptimizationException or ArgumentException or InvalidOperationException)
            {
                // The best point seen so far is kept (recorded in Evaluate).
            }
        }

        double[] t = best.Theta;
        var lengths = t.Take(k).Select(Math.Exp).ToArray();
        double sf2 = Math.Exp(t[k]), sn2 = Math.Exp(t[k + 1]);
        var kmat = Covariance(d2, lengths, sf2, sn2, n, k, out _, out _);
        var cholesky = kmat.Cholesky();
        var alpha = cholesky.Solve(y);
        return new Model(x, alpha, lengths, sf2, mean, scale) { Lower = cholesky.Factor.ToArray() };
    }

    private static Matrix<double> Covariance(double[][] d2, double[] lengths, double sf2, double sn2, int n, int k, out double[] r, out double[] baseK)
    {
        var inv = lengths.Select(l => 1.0 / (l * l)).ToArray();
        r = new double[n * n];
        baseK = new double[n * n];
        var kmat = Matrix<double>.Build.Dense(n, n);
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int ij = (i * n) + j;
                double r2 = 0;
                for (int d = 0; d < k; d++)
                {
                    r2 += d2[d][ij] * inv[d];
                }

                double kv = sf2 * Matern(r2, out double rr);
                r[ij] = rr;
                baseK[ij] = kv;
                kmat[i, j] = kv + (i == j ? sn2 + 1e-8 : 0);
            }
        }

        return kmat;
    }

    private static (double Value, Vector<double> Gradient) NegativeLogPosterior(
        Vector<double> theta, double[][] d2, Vector<double> y, int n, int k, double[] priorMean, double[] priorSd)
    {
        var grad = Vector<double>.Build.Dense(k + 2);
        var lengths = new double[k];
        for (int d = 0; d < k; d++)
        {
            lengths[d] = Math.Exp(Math.Clamp(theta[d], -12, 12));
        }

        double sf2 = Math.Exp(Math.Clamp(theta[k], -20, 20)), sn2 = Math.Exp(Math.Clamp(theta[k + 1], -20, 20));
        var kmat = Covariance(d2, lengths, sf2, sn2, n, k, out var r, out var baseK);
        MathNet.Numerics.LinearAlgebra.Factorization.Cholesky<double> chol;
        try
        {
            chol = kmat.Cholesky();
        }
        catch (ArgumentException)
        {
            return (double.PositiveInfinity, grad);
        }

        var alpha = chol.Solve(y);
        double nll = (0.5 * y.DotProduct(alpha)) + (0.5 * chol.DeterminantLn) + (0.5 * n * Math.Log(2 * Math.PI));
        var w = chol.Solve(Matrix<double>.Build.DenseIdentity(n)) - alpha.OuterProduct(alpha); // K⁻¹ − ααᵀ

        // dNLL/dθ = ½ tr(W dK/dθ).
        var g = new double[n * n];
        double gsf = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                int ij = (i * n) + j;
                double rr = r[ij];
                g[ij] = w[i, j] * sf2 * (5.0 / 3.0) * (1 + (Sqrt5 * rr)) * Math.Exp(-Sqrt5 * rr);
                gsf += w[i, j] * baseK[ij];
            }
        }

        for (int d = 0; d < k; d++)
        {
            double s = 0;
            double[] dd = d2[d];
            for (int ij = 0; ij < g.Length; ij++)
            {
                s += g[ij] * dd[ij];
            }

            grad[d] = 0.5 * s / (lengths[d] * lengths[d]);
        }

        grad[k] = 0.5 * gsf;
        grad[k + 1] = 0.5 * sn2 * w.Trace();
        for (int p = 0; p < k + 2; p++)
        {
            double z = (theta[p] - priorMean[p]) / priorSd[p];
            nll += 0.5 * z * z;
            grad[p] += z / priorSd[p];
        }

        return (nll, grad);
    }

    private sealed class Model(double[][] x, Vector<double> alpha, double[] lengths, double sf2, double mean, double scale)
    {
        private readonly double[] _inv = lengths.Select(l => 1.0 / (l * l)).ToArray();
        private readonly double[] _alpha = alpha.ToArray();

        /// <summary>Gets the lower Cholesky factor of the training covariance (noise included), or null for a model on fewer than 3 points (the prior).</summary>
        public double[,]? Lower { get; init; }

        public double Predict(ReadOnlySpan<double> f)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++)
            {
                s += _alpha[i] * Kernel(f, x[i]);
            }

            return mean + (scale * s);
        }

        /// <summary>The kernel between a feature vector and a training point (or any other feature vector).</summary>
        public double Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
        {
            double r2 = 0;
            for (int d = 0; d < _inv.Length; d++)
            {
                double diff = a[d] - b[d];
                r2 += diff * diff * _inv[d];
            }

            return sf2 * Matern(r2, out _);
        }

        /// <summary>v = L⁻¹ k(x, ·) for one point (forward substitution); empty for the prior model.</summary>
        public double[] Whitened(ReadOnlySpan<double> f)
        {
            if (Lower is not { } l)
            {
                return [];
            }

            int n = x.Length;
            var v = new double[n];
            for (int i = 0; i < n; i++)
            {
                double s = Kernel(f, x[i]);
                for (int j = 0; j < i; j++)
                {
                    s -= l[i, j] * v[j];
                }

                v[i] = s / l[i, i];
            }

            return v;
        }

        /// <summary>The posterior variance of the latent function at a point, in the target's squared units.</summary>
        public double Variance(ReadOnlySpan<double> f)
        {
            var v = Whitened(f);
            double var = sf2;
            foreach (double e in v)
            {
                var -= e * e;
            }

            return Math.Max(var, 0) * scale * scale;
        }

        public double Scale => scale;
    }

    private sealed class Fitted(Model model, int k, MixturePredictorReport report) : IPosteriorMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default)
        {
            PredictorFitting.CheckBatch(mixtures, destination, k);
            var result = new double[mixtures.Count];
            Parallel.For(0, (mixtures.Count + 1023) / 1024, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                int end = Math.Min(mixtures.Count, (b + 1) * 1024);
                for (int i = b * 1024; i < end; i++)
                {
                    result[i] = model.Predict(Features(mixtures[i].AsSpan()));
                }
            });
            result.CopyTo(destination);
        }

        public void PredictDistribution(IReadOnlyList<MixtureWeights> mixtures, Span<double> mean, Span<double> variance, CancellationToken cancellationToken = default)
        {
            PredictorFitting.CheckBatch(mixtures, mean, k);
            PredictorFitting.CheckBatch(mixtures, variance, k);
            var mu = new double[mixtures.Count];
            var v = new double[mixtures.Count];
            Parallel.For(0, (mixtures.Count + 255) / 256, new ParallelOptions { CancellationToken = cancellationToken }, b =>
            {
                int end = Math.Min(mixtures.Count, (b + 1) * 256);
                for (int i = b * 256; i < end; i++)
                {
                    var f = Features(mixtures[i].AsSpan());
                    mu[i] = model.Predict(f);
                    v[i] = model.Variance(f);
                }
            });
            mu.CopyTo(mean);
            v.CopyTo(variance);
        }

        public double[][] SampleJoint(IReadOnlyList<MixtureWeights> mixtures, int draws, int seed, CancellationToken cancellationToken = default)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(draws);
            var mean = new double[mixtures.Count];
            Predict(mixtures, mean, cancellationToken);
            int m = mixtures.Count;
            var f = mixtures.Select(w => Features(w.AsSpan())).ToArray();
            var v = new double[m][];
            Parallel.For(0, m, new ParallelOptions { CancellationToken = cancellationToken }, i => v[i] = model.Whitened(f[i]));

            // Σ = K(X*, X*) − VᵀV (standardised units), then a jittered Cholesky factor: draws are μ + scale · L z.
            var cov = Matrix<double>.Build.Dense(m, m);
            Parallel.For(0, m, new ParallelOptions { CancellationToken = cancellationToken }, i =>
            {
                for (int j = 0; j <= i; j++)
                {
                    double c = model.Kernel(f[i], f[j]);
                    double[] vi = v[i], vj = v[j];
                    for (int t = 0; t < vi.Length; t++)
                    {
                        c -= vi[t] * vj[t];
                    }

                    cov[i, j] = c;
                    cov[j, i] = c;
                }
            });
            var lower = JitteredCholesky(cov, cancellationToken);
            var random = new LogGammaSampler(new Random(seed));
            var result = new double[draws][];
            for (int d = 0; d < draws; d++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var z = new double[m];
                for (int i = 0; i < m; i++)
                {
                    z[i] = random.NextNormal();
                }

                var sample = new double[m];
                for (int i = 0; i < m; i++)
                {
                    double s = 0;
                    for (int j = 0; j <= i; j++)
                    {
                        s += lower[i, j] * z[j];
                    }

                    sample[i] = mean[i] + (model.Scale * s);
                }

                result[d] = sample;
            }

            return result;
        }

        /// <summary>A Cholesky factor of a posterior covariance, with growing diagonal jitter until it is positive definite.</summary>
        private static Matrix<double> JitteredCholesky(Matrix<double> cov, CancellationToken ct)
        {
            double jitter = 1e-9;
            for (int attempt = 0; attempt < 12; attempt++)
            {
                ct.ThrowIfCancellationRequested();
                var c = cov.Clone();
                for (int i = 0; i < c.RowCount; i++)
                {
                    c[i, i] += jitter;
                }

                try
                {
                    return c.Cholesky().Factor;
                }
                catch (ArgumentException)
                {
                    jitter *= 10;
                }
            }

            // Numerically singular even with jitter: fall back to independent draws with the diagonal variances.
            var diagonal = Matrix<double>.Build.Dense(cov.RowCount, cov.RowCount);
            for (int i = 0; i < cov.RowCount; i++)
            {
                diagonal[i, i] = Math.Sqrt(Math.Max(cov[i, i], 0));
            }

            return diagonal;
        }
    }
}

using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// The statistics of one paired comparison (strategy A − strategy B over the same seeds) that the evidence benchmark
/// reports: the mean difference, a paired percentile bootstrap 95% interval with a fixed seed, the Wilcoxon signed-rank
/// test and the exact sign test, both two-sided. Compiled into the test project too (tests/Climb.Tests/Benchmarks), where
/// it is checked against values computed with SciPy.
/// </summary>
/// <remarks>
/// <para><b>Zeros</b> (the two strategies answered the same mixture, so their re-measurements are identical) are dropped
/// by both tests, as in Wilcoxon's original test (SciPy's <c>zero_method="wilcox"</c>); the bootstrap and the mean keep
/// them.</para>
/// <para><b>Wilcoxon p</b>: exact (the null distribution of W+ enumerated by dynamic programming) when at most
/// <see cref="ExactLimit"/> non-zero differences remain and their absolute values have no ties; otherwise the normal
/// approximation with the tie-corrected variance n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and no continuity correction (SciPy's
/// <c>method="approx"</c>). <see cref="Result.WilcoxonMethod"/> says which was used.</para>
/// </remarks>
internal static class PairedStatistics
{
    /// <summary>The largest number of non-zero differences whose Wilcoxon p is computed exactly (SciPy's limit).</summary>
    public const int ExactLimit = 50;

    /// <summary>The bootstrap resamples.</summary>
    public const int BootstrapResamples = 10_000;

    /// <summary>Computes every statistic of the paired differences.</summary>
    /// <param name="differences">A − B per seed.</param>
    /// <param name="bootstrapSeed">The seed of the bootstrap resampling (fixed, so the report is reproducible).</param>
    /// <returns>The statistics; NaN where a statistic needs more data.</returns>
    public static Result Compute(IReadOnlyList<double> differences, int bootstrapSeed)
    {
        ArgumentNullException.ThrowIfNull(differences);
        if (differences.Any(d => !double.IsFinite(d)))
        {
            throw new ArgumentException("Every paired difference must be finite.", nameof(differences));
        }

        int n = differences.Count;
        double mean = n == 0 ? double.NaN : differences.Average();
        double sd = n < 2 ? double.NaN : MathNet.Numerics.Statistics.Statistics.StandardDeviation(differences);
        var (low, high) = BootstrapInterval(differences, 0.95, BootstrapResamples, bootstrapSeed);
        var (wilcoxonP, method, nonZero) = Wilcoxon(differences);
        return new Result
        {
            Count = n,
            Mean = mean,
            StandardDeviation = sd,
            IntervalLow = low,
            IntervalHigh = high,
            WilcoxonP = wilcoxonP,
            WilcoxonMethod = method,
            SignP = SignTest(differences),
            Negative = differences.Count(d => d < 0),
            Positive = differences.Count(d => d > 0),
            Zeros = n - nonZero,
        };
    }

    /// <summary>The paired percentile bootstrap interval of the mean: resample the differences with replacement.</summary>
    /// <param name="differences">The paired differences.</param>
    /// <param name="level">The coverage, for example 0.95.</param>
    /// <param name="resamples">The bootstrap resamples.</param>
    /// <param name="seed">The seed of the resampling.</param>
    /// <returns>The interval; NaN with fewer than two differences.</returns>
    public static (double Low, double High) BootstrapInterval(IReadOnlyList<double> differences, double level, int resamples, int seed)
    {
        ArgumentNullException.ThrowIfNull(differences);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 100);
        int n = differences.Count;
        if (n < 2)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Xoshiro256StarStar(seed, threadSafe: false);
        var means = new double[resamples];
        for (int b = 0; b < resamples; b++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += differences[random.Next(n)];
            }

            means[b] = sum / n;
        }

        double alpha = (1 - level) / 2;
        // The same quantile definition as numpy's default (linear interpolation, R type 7), which scipy.stats.bootstrap uses.
        return (MathNet.Numerics.Statistics.Statistics.QuantileCustom(means, alpha, MathNet.Numerics.Statistics.QuantileDefinition.R7),
            MathNet.Numerics.Statistics.Statistics.QuantileCustom(means, 1 - alpha, MathNet.Numerics.Statistics.QuantileDefinition.R7));
    }

    /// <summary>The two-sided Wilcoxon signed-rank test of a zero median difference (zeros dropped).</summary>
    /// <param name="differences">The paired differences.</param>
    /// <returns>The p-value (NaN with no non-zero difference), the method used, and the non-zero count.</returns>
    public static (double P, string Method, int NonZero) Wilcoxon(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var d = differences.Where(x => x != 0).ToArray();
        int n = d.Length;
        if (n == 0)
        {
            return (double.NaN, "none (every difference is zero)", 0);
        }

        var abs = d.Select(Math.Abs).ToArray();
        var ranks = MidRanks(abs, out double tieTerm);
        double wPlus = 0;
        for (int i = 0; i < n; i++)
        {
            if (d[i] > 0)
            {
                wPlus += ranks[i];
            }
        }

        double total = n * (n + 1) / 2.0;
        if (n <= ExactLimit && tieTerm == 0)
        {
            // Counts of subsets of {1..n} by their sum: the exact null distribution of W+ (every sign equally likely).
            int max = n * (n + 1) / 2;
            var counts = new double[max + 1];
            counts[0] = 1;
            for (int r = 1; r <= n; r++)
            {
                for (int s = max; s >= r; s--)
                {
                    counts[s] += counts[s - r];
                }
            }

            double all = Math.Pow(2, n);
            int w = (int)Math.Round(Math.Min(wPlus, total - wPlus));
            double tail = 0;
            for (int s = 0; s <= w; s++)
            {
                tail += counts[s];
            }

            return (Math.Min(1.0, 2 * tail / all), "exact", n);
        }

        double meanW = total / 2;
        double variance = n * (n + 1) * (2 * n + 1) / 24.0 - tieTerm / 48.0;
        if (variance <= 0)
        {
            return (1.0, "normal approximation (tie-corrected)", n);
        }

        double z = (Math.Min(wPlus, total - wPlus) - meanW) / Math.Sqrt(variance);
        return (Math.Min(1.0, 2 * Normal.CDF(0, 1, -Math.Abs(z))), "normal approximation (tie-corrected)", n);
    }

    /// <summary>The two-sided exact sign test (binomial, p = ½) of a zero median difference (zeros dropped).</summary>
    /// <param name="differences">The paired differences.</param>
    /// <returns>The p-value; NaN with no non-zero difference.</returns>
    public static double SignTest(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        int negative = differences.Count(x => x < 0);
        int positive = differences.Count(x => x > 0);
        int n = negative + positive;
        if (n == 0)
        {
            return double.NaN;
        }

        int k = Math.Min(negative, positive);
        // For p = ½ the distribution is symmetric: SciPy's binomtest two-sided p (the outcomes no more likely than k) is twice the lower tail.
        return Math.Min(1.0, 2 * Binomial.CDF(0.5, n, k));
    }

    /// <summary>Average ranks (1-based) of the values, and Σ(t³ − t) over groups of t tied values.</summary>
    private static double[] MidRanks(double[] values, out double tieTerm)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        tieTerm = 0;
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && values[order[j + 1]] == values[order[i]])
            {
                j++;
            }

            double rank = (i + j + 2) / 2.0;
            for (int k = i; k <= j; k++)
            {
                ranks[order[k]] = rank;
            }

            double t = j - i + 1;
            tieTerm += t * t * t - t;
            i = j + 1;
        }

        return ranks;
    }

    /// <summary>The statistics of one paired comparison.</summary>
    internal sealed record Result
    {
        public int Count { get; init; }

        public double Mean { get; init; }

        public double StandardDeviation { get; init; }

        public double IntervalLow { get; init; }

        public double IntervalHigh { get; init; }

        public double WilcoxonP { get; init; }

        public string WilcoxonMethod { get; init; } = string.Empty;

        public double SignP { get; init; }

        /// <summary>Gets the seeds where A − B &lt; 0 (A better when lower is better).</summary>
        public int Negative { get; init; }

        public int Positive { get; init; }

        public int Zeros { get; init; }
    }
}

namespace Climb.Benchmarks.Search;

/// <summary>Paired-difference statistics of the answer-rule development runs: Wilcoxon signed-rank, sign test, bootstrap interval.</summary>
internal static class AnswerDevStatistics
{
    /// <summary>Two-sided Wilcoxon signed-rank p-value of paired differences (zeros dropped; exact for n ≤ 30 without ties, else the normal approximation with tie correction).</summary>
    public static double WilcoxonSignedRank(IReadOnlyList<double> differences)
    {
        var d = differences.Where(x => x != 0 && double.IsFinite(x)).ToArray();
        int n = d.Length;
        if (n == 0)
        {
            return 1.0;
        }

        var order = d.Select((x, i) => (Abs: Math.Abs(x), i)).OrderBy(p => p.Abs).ToArray();
        var ranks = new double[n];
        bool ties = false;
        for (int a = 0; a < n;)
        {
            int b = a;
            while (b + 1 < n && order[b + 1].Abs == order[a].Abs)
            {
                b++;
            }

            ties |= b > a;
            for (int t = a; t <= b; t++)
            {
                ranks[order[t].i] = (a + b + 2) / 2.0;
            }

            a = b + 1;
        }

        double wPlus = 0;
        for (int i = 0; i < n; i++)
        {
            if (d[i] > 0)
            {
                wPlus += ranks[i];
            }
        }

        if (!ties && n <= 30)
        {
            // Exact: the distribution of W+ under H0 by dynamic programming over the ranks 1..n.
            int max = n * (n + 1) / 2;
            var count = new double[max + 1];
            count[0] = 1;
            for (int r = 1; r <= n; r++)
            {
                for (int s = max; s >= r; s--)
                {
                    count[s] += count[s - r];
                }
            }

            double total = Math.Pow(2, n);
            double w = Math.Min(wPlus, max - wPlus);
            double tail = 0;
            for (int s = 0; s <= (int)Math.Floor(w + 1e-9); s++)
            {
                tail += count[s];
            }

            return Math.Min(1.0, 2 * tail / total);
        }

        double mean = n * (n + 1) / 4.0;
        double variance = n * (n + 1) * ((2 * n) + 1) / 24.0;
        foreach (var g in ranks.GroupBy(r => r).Where(g => g.Count() > 1))
        {
            double t = g.Count();
            variance -= ((t * t * t) - t) / 48.0;
        }

        double z = (Math.Abs(wPlus - mean) - 0.5) / Math.Sqrt(variance);
        return Math.Min(1.0, 2 * (1 - MathNet.Numerics.Distributions.Normal.CDF(0, 1, Math.Max(z, 0))));
    }

    /// <summary>Two-sided exact sign-test p-value (zeros dropped).</summary>
    public static double SignTest(IReadOnlyList<double> differences)
    {
        int pos = differences.Count(x => x > 0), neg = differences.Count(x => x < 0);
        int n = pos + neg;
        if (n == 0)
        {
            return 1.0;
        }

        int k = Math.Min(pos, neg);
        double tail = 0;
        for (int i = 0; i <= k; i++)
        {
            tail += MathNet.Numerics.Distributions.Binomial.PMF(0.5, n, i);
        }

        return Math.Min(1.0, 2 * tail);
    }

    /// <summary>A percentile bootstrap 95% interval of the mean (10,000 resamples, fixed seed).</summary>
    public static (double Low, double High) BootstrapMean(IReadOnlyList<double> values, int seed = 12345)
    {
        if (values.Count == 0)
        {
            return (double.NaN, double.NaN);
        }

        var random = new Random(seed);
        var means = new double[10_000];
        for (int b = 0; b < means.Length; b++)
        {
            double s = 0;
            for (int i = 0; i < values.Count; i++)
            {
                s += values[random.Next(values.Count)];
            }

            means[b] = s / values.Count;
        }

        Array.Sort(means);
        return (means[249], means[9749]);
    }
}

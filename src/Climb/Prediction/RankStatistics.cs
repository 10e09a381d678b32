namespace Climb;

/// <summary>Rank statistics used to judge predictors.</summary>
internal static class RankStatistics
{
    /// <summary>Ranks (1-based), ties given the average of the ranks they span.</summary>
    public static double[] AverageRanks(ReadOnlySpan<double> values)
    {
        int n = values.Length;
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var copy = values.ToArray();
        Array.Sort(order, (a, b) =>
        {
            int c = copy[a].CompareTo(copy[b]);
            return c != 0 ? c : a.CompareTo(b);
        });

        var ranks = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && copy[order[j + 1]] == copy[order[i]])
            {
                j++;
            }

            double rank = ((i + j) / 2.0) + 1.0;
            for (int t = i; t <= j; t++)
            {
                ranks[order[t]] = rank;
            }

            i = j + 1;
        }

        return ranks;
    }

    /// <summary>Pearson correlation; NaN when either side has no variance or fewer than 2 points.</summary>
    public static double Pearson(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("Both samples need the same length.", nameof(y));
        }

        int n = x.Length;
        if (n < 2)
        {
            return double.NaN;
        }

        double mx = 0, my = 0;
        for (int i = 0; i < n; i++)
        {
            mx += x[i];
            my += y[i];
        }

        mx /= n;
        my /= n;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }

        return sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : double.NaN;
    }

    /// <summary>Spearman's rank correlation with ties (Pearson correlation of average ranks).</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y) =>
        Pearson(AverageRanks(x), AverageRanks(y));
}

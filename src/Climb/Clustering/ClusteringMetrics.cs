namespace Climb;

/// <summary>Agreement between two partitions of the same items (used by tests, the pipeline and the report).</summary>
internal static class ClusteringMetrics
{
    /// <summary>The adjusted Rand index (Hubert and Arabie): 1 for identical partitions, about 0 for independent ones.</summary>
    public static double AdjustedRandIndex(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var (table, rows, cols, n) = Contingency(a, b);
        double sumCells = table.Values.Sum(v => Choose2(v));
        double sumRows = rows.Values.Sum(v => Choose2(v));
        double sumCols = cols.Values.Sum(v => Choose2(v));
        double total = Choose2(n);
        if (total == 0)
        {
            return 1.0;
        }

        double expected = sumRows * sumCols / total;
        double max = 0.5 * (sumRows + sumCols);
        if (max == expected)
        {
            // Both partitions trivial (all in one cluster or all singletons) and identical in that sense.
            return 1.0;
        }

        return (sumCells - expected) / (max - expected);
    }

    /// <summary>Normalised mutual information with the arithmetic-mean normalisation (scikit-learn's default): I(A;B) / ((H(A) + H(B)) / 2).</summary>
    public static double NormalizedMutualInformation(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var (table, rows, cols, n) = Contingency(a, b);
        if (n == 0)
        {
            return 1.0;
        }

        double mi = 0;
        foreach (var ((i, j), count) in table)
        {
            double pij = (double)count / n;
            mi += pij * Math.Log(pij * n * n / ((double)rows[i] * cols[j]));
        }

        double ha = Entropy(rows.Values, n);
        double hb = Entropy(cols.Values, n);
        double mean = 0.5 * (ha + hb);
        if (mean <= 0)
        {
            return 1.0;
        }

        return Math.Clamp(mi / mean, 0.0, 1.0);
    }

    private static double Entropy(IEnumerable<long> counts, long n) =>
        -counts.Where(c => c > 0).Sum(c => (double)c / n * Math.Log((double)c / n));

    private static double Choose2(long v) => v * (v - 1) / 2.0;

    private static (Dictionary<(int, int), long> Table, Dictionary<int, long> Rows, Dictionary<int, long> Cols, long N) Contingency(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count != b.Count)
        {
            throw new ArgumentException($"The partitions label {a.Count} and {b.Count} items; they must label the same items.", nameof(b));
        }

        var table = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var cols = new Dictionary<int, long>();
        for (int i = 0; i < a.Count; i++)
        {
            var key = (a[i], b[i]);
            table[key] = table.GetValueOrDefault(key) + 1;
            rows[a[i]] = rows.GetValueOrDefault(a[i]) + 1;
            cols[b[i]] = cols.GetValueOrDefault(b[i]) + 1;
        }

        return (table, rows, cols, a.Count);
    }
}

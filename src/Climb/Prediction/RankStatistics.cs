using MathNet.Numerics.Statistics;

namespace Climb;

/// <summary>Rank statistics used to judge predictors (MathNet.Numerics: ties get their average rank).</summary>
internal static class RankStatistics
{
    /// <summary>Spearman's rank correlation with ties (Pearson correlation of average ranks); NaN when a side has no variance or fewer than 2 points.</summary>
    public static double Spearman(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException("Both samples need the same length.", nameof(y));
        }

        if (x.Length < 2)
        {
            return double.NaN;
        }

        double r = Correlation.Spearman(x.ToArray(), y.ToArray());
        return double.IsFinite(r) ? r : double.NaN;
    }
}

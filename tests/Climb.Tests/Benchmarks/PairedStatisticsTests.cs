using Climb.Benchmarks.Evidence;

namespace Climb.Tests.Benchmarks;

/// <summary>
/// The evidence benchmark's statistics (benchmarks/Climb.Benchmarks/Evidence/PairedStatistics.cs, compiled into this
/// project) against reference values computed once with SciPy 1.10.1 (Debian 12's python3-scipy):
/// <c>scipy.stats.wilcoxon</c>, <c>scipy.stats.binomtest</c> and <c>scipy.stats.bootstrap(method="percentile",
/// n_resamples=200000)</c>. The script that printed them is in the comment of each data set.
/// </summary>
public sealed class PairedStatisticsTests
{
    // n = 12, no ties, no zeros: exact Wilcoxon. scipy.stats.wilcoxon(a, method="exact").pvalue; binomtest(3, 12).
    private static readonly double[] Twelve = [0.12, -0.03, 0.45, 0.21, -0.07, 0.33, 0.09, 0.18, -0.11, 0.27, 0.05, 0.39];

    // round(sin(k·0.9)·0.03 − 0.008, 4) for k = 1..30, then two zeros: 30 distinct non-zero magnitudes → exact after dropping zeros.
    // scipy.stats.wilcoxon(e[e != 0], method="exact"); binomtest(16, 30).
    private static readonly double[] ThirtyWithZeros =
    [
        0.0155, 0.0212, 0.0048, -0.0213, -0.0373, -0.0312, -0.0075, 0.0158, 0.0211, 0.0044, -0.0217, -0.0374, -0.0309, -0.007, 0.0161,
        0.021, 0.0039, -0.0222, -0.0375, -0.0305, -0.0065, 0.0164, 0.0208, 0.0034, -0.0226, -0.0376, -0.0302, -0.006, 0.0167, 0.0207, 0.0, 0.0,
    ];

    // Ties in |d| and three zeros: normal approximation. scipy.stats.wilcoxon(c, zero_method="wilcox", method="approx"); binomtest(3, 11).
    private static readonly double[] TiesAndZeros = [0.01, -0.01, 0.02, 0.0, 0.0, -0.02, 0.03, 0.01, 0.02, -0.005, 0.0, 0.04, 0.02, 0.01];

    // round(cos(k·2.3)·0.015 − 0.003, 5) for k = 1..60: more than 50 differences → normal approximation.
    private static readonly double[] Sixty =
    [
        -0.01299, -0.00468, 0.00924, -0.01762, 0.00425, 0.00196, -0.01686, 0.01051, -0.00714, -0.01099, 0.01179, -0.01472, -0.00218, 0.00762, -0.01798,
        0.00633, -0.00046, -0.01571, 0.01141, -0.00948, -0.00877, 0.01117, -0.01611, 0.0003, 0.00571, -0.01791, 0.00816, -0.00296, -0.01421, 0.0119,
        -0.01164, -0.00638, 0.01015, -0.01714, 0.00269, 0.00355, -0.01743, 0.00967, -0.00546, -0.0124, 0.01198, -0.01356, -0.0039, 0.00877, -0.01778,
        0.00493, 0.00122, -0.01654, 0.01083, -0.00789, -0.01032, 0.01164, -0.01519, -0.0014, 0.00705, -0.018, 0.00693, -0.00124, -0.01528, 0.0116,
    ];

    [Fact]
    public void WilcoxonIsExactForFewUntiedDifferencesAndMatchesScipy()
    {
        var (p, method, nonZero) = PairedStatistics.Wilcoxon(Twelve);
        Assert.Equal("exact", method);
        Assert.Equal(12, nonZero);
        Assert.Equal(0.01611328125, p, 12);
    }

    [Fact]
    public void WilcoxonDropsZerosThenIsExactAndMatchesScipy()
    {
        var (p, method, nonZero) = PairedStatistics.Wilcoxon(ThirtyWithZeros);
        Assert.Equal("exact", method);
        Assert.Equal(30, nonZero);
        Assert.Equal(0.07324407435953617, p, 10);
    }

    [Fact]
    public void WilcoxonUsesTheTieCorrectedNormalApproximationWithTiesAndMatchesScipy()
    {
        var (p, method, nonZero) = PairedStatistics.Wilcoxon(TiesAndZeros);
        Assert.StartsWith("normal approximation", method, StringComparison.Ordinal);
        Assert.Equal(11, nonZero);
        Assert.Equal(0.05931440647035453, p, 10);
    }

    [Fact]
    public void WilcoxonUsesTheNormalApproximationAboveFiftyAndMatchesScipy()
    {
        var (p, method, _) = PairedStatistics.Wilcoxon(Sixty);
        Assert.StartsWith("normal approximation", method, StringComparison.Ordinal);
        Assert.Equal(0.02878555667736162, p, 10);
    }

    [Theory]
    [InlineData(nameof(Twelve), 0.14599609375)]
    [InlineData(nameof(ThirtyWithZeros), 0.8555355519056321)]
    [InlineData(nameof(TiesAndZeros), 0.2265625)]
    [InlineData(nameof(Sixty), 0.36629400670329104)]
    public void SignTestIsTheExactBinomialOfScipy(string set, double expected) =>
        Assert.Equal(expected, PairedStatistics.SignTest(Data(set)), 10);

    [Theory]
    [InlineData(nameof(Twelve), 0.06, 0.255)]
    [InlineData(nameof(TiesAndZeros), 0.0007142857142857144, 0.017142857142857144)]
    [InlineData(nameof(Sixty), -0.005715012499999998, -0.0003343333333333334)]
    public void BootstrapIntervalAgreesWithScipysPercentileInterval(string set, double low, double high)
    {
        // Different random streams: the endpoints agree to Monte Carlo error (10,000 resamples here), a few % of the width.
        var r = PairedStatistics.Compute(Data(set), bootstrapSeed: 20260101);
        double width = high - low;
        Assert.InRange(r.IntervalLow, low - 0.05 * width, low + 0.05 * width);
        Assert.InRange(r.IntervalHigh, high - 0.05 * width, high + 0.05 * width);
        Assert.Equal(r, PairedStatistics.Compute(Data(set), bootstrapSeed: 20260101)); // a fixed seed gives the same report
    }

    [Fact]
    public void ComputeCountsSignsAndZerosAndKeepsZerosInTheMean()
    {
        var r = PairedStatistics.Compute(TiesAndZeros, 1);
        Assert.Equal(14, r.Count);
        Assert.Equal(3, r.Negative);
        Assert.Equal(8, r.Positive);
        Assert.Equal(3, r.Zeros);
        Assert.Equal(0.008928571428571428, r.Mean, 12);
        Assert.Equal(0.01619337132055196, r.StandardDeviation, 12);
    }

    [Fact]
    public void AllZeroDifferencesHaveNoTestAndNonFiniteOnesAreRefused()
    {
        var r = PairedStatistics.Compute([0.0, 0.0, 0.0], 1);
        Assert.True(double.IsNaN(r.WilcoxonP));
        Assert.True(double.IsNaN(r.SignP));
        Assert.Equal(0, r.IntervalLow);
        Assert.Throws<ArgumentException>(() => PairedStatistics.Compute([0.1, double.NaN], 1));
    }

    private static double[] Data(string name) => name switch
    {
        nameof(Twelve) => Twelve,
        nameof(ThirtyWithZeros) => ThirtyWithZeros,
        nameof(TiesAndZeros) => TiesAndZeros,
        nameof(Sixty) => Sixty,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}

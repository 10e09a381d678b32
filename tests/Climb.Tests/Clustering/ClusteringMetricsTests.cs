namespace Climb.Tests.Clustering;

public class ClusteringMetricsTests
{
    [Fact]
    public void Match_scikit_learn()
    {
        // sklearn.metrics.adjusted_rand_score / normalized_mutual_info_score (1.2).
        Assert.Equal(0.5714285714285714, ClusteringMetrics.AdjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]), 1e-12);
        Assert.Equal(0.8, ClusteringMetrics.NormalizedMutualInformation([0, 0, 1, 1], [0, 0, 1, 2]), 1e-12);
        Assert.Equal(0.18181818181818182, ClusteringMetrics.AdjustedRandIndex([0, 0, 0, 1, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2, 2, 2]), 1e-12);
        Assert.Equal(0.5300257549140327, ClusteringMetrics.NormalizedMutualInformation([0, 0, 0, 1, 1, 1, 2, 2], [1, 1, 0, 0, 2, 2, 2, 2]), 1e-12);
    }

    [Fact]
    public void Relabelling_does_not_matter_and_lengths_must_agree()
    {
        int[] a = [0, 0, 1, 1, 2, 2];
        int[] b = [5, 5, 9, 9, 7, 7];
        Assert.Equal(1.0, ClusteringMetrics.AdjustedRandIndex(a, b), 12);
        Assert.Equal(1.0, ClusteringMetrics.NormalizedMutualInformation(a, b), 12);
        Assert.Throws<ArgumentException>(() => ClusteringMetrics.AdjustedRandIndex(a, [1, 2]));
    }
}

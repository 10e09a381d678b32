using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Clustering;

public class CentroidMergerTests
{
    // Nine 3-D points and SciPy 1.10's linkage(X, method=...) on them (float64), for the unweighted case.
    private static readonly float[][] Points =
    [
        [0.0f, 0.6f, -0.55f], [-1.78f, -0.91f, -1.98f], [0.12f, 2.68f, -0.98f], [-1.24f, 0.98f, 0.71f], [0.21f, -1.86f, -0.06f],
        [1.39f, -2.69f, -0.92f], [-3.8f, -2.58f, -3.68f], [-0.47f, -2.53f, 0.54f], [0.31f, -0.37f, -5.03f],
    ];

    private static readonly double[][] ScipyWard =
    [
        [4, 7, 1.127519381693823, 2], [0, 3, 1.8082035272597408, 2], [5, 9, 2.280650519350832, 3], [2, 10, 2.6440625760053966, 3],
        [1, 6, 3.123987794894692, 2], [8, 13, 4.66770827860862, 3], [11, 12, 6.678385620084955, 6], [14, 15, 7.746876916979649, 9],
    ];

    private static readonly double[][] ScipyAverage =
    [
        [4, 7, 1.127519381693823, 2], [0, 3, 1.8082035272597408, 2], [5, 9, 2.024766228542902, 3], [2, 10, 2.4416995475605296, 3],
        [1, 6, 3.123987794894692, 2], [11, 12, 4.082696720255372, 6], [8, 13, 4.297226081073202, 3], [14, 15, 4.884336258671618, 9],
    ];

    [Theory]
    [InlineData(CentroidLinkage.Ward)]
    [InlineData(CentroidLinkage.Average)]
    public void Unweighted_dendrogram_matches_scipy(CentroidLinkage linkage)
    {
        var merger = new CentroidMerger(new CentroidMergerOptions { Linkage = linkage, WeightBySize = false });
        var result = merger.Merge(EmbeddingMatrix.FromRows(Points), Enumerable.Repeat(1L, 9).ToArray());
        var expected = linkage == CentroidLinkage.Ward ? ScipyWard : ScipyAverage;

        Assert.Equal(8, result.Dendrogram.Count);
        for (int s = 0; s < 8; s++)
        {
            var step = result.Dendrogram[s];
            Assert.Equal((int)expected[s][0], step.First);
            Assert.Equal((int)expected[s][1], step.Second);
            Assert.Equal(expected[s][2], step.Distance, 1e-5);
            Assert.Equal(expected[s][3], step.Size);
        }
    }

    [Fact]
    public void Threshold_and_target_cuts_match_scipy_fcluster()
    {
        // SciPy fcluster(Z_ward, t=2.0, criterion='distance') = [6, 1, 7, 6, 4, 5, 2, 4, 3] (7 clusters).
        var byThreshold = new CentroidMerger(new CentroidMergerOptions { WeightBySize = false, DistanceThreshold = 2.0 })
            .Merge(EmbeddingMatrix.FromRows(Points), Enumerable.Repeat(1L, 9).ToArray());
        Assert.Equal(7, byThreshold.SuperClusterCount);
        Assert.Equal(byThreshold.SuperClusterOf[0], byThreshold.SuperClusterOf[3]);
        Assert.Equal(byThreshold.SuperClusterOf[4], byThreshold.SuperClusterOf[7]);
        Assert.Equal([0, 1, 2, 0, 3, 4, 5, 3, 6], byThreshold.SuperClusterOf);

        var byTarget = new CentroidMerger(new CentroidMergerOptions { WeightBySize = false, TargetClusterCount = 3 })
            .Merge(EmbeddingMatrix.FromRows(Points), Enumerable.Repeat(1L, 9).ToArray());
        Assert.Equal(3, byTarget.SuperClusterCount);

        // The first six SciPy steps leave {4, 5, 7}, {0, 2, 3} and {1, 6, 8}.
        Assert.Equal(byTarget.SuperClusterOf[1], byTarget.SuperClusterOf[6]);
        Assert.Equal(byTarget.SuperClusterOf[1], byTarget.SuperClusterOf[8]);
        Assert.Equal(byTarget.SuperClusterOf[0], byTarget.SuperClusterOf[2]);
        Assert.Equal(byTarget.SuperClusterOf[4], byTarget.SuperClusterOf[5]);
        Assert.NotEqual(byTarget.SuperClusterOf[0], byTarget.SuperClusterOf[4]);
    }

    [Theory]
    [InlineData(CentroidLinkage.Ward)]
    [InlineData(CentroidLinkage.Average)]
    public void Weighted_merges_follow_the_definition(CentroidLinkage linkage)
    {
        // A naive O(K³) agglomeration straight from the definitions on actual groups (not Lance–Williams).
        int k = 25, d = 5;
        var c = new EmbeddingMatrix(ClusteringTestData.Uniform(k * d, 4), d);
        var rng = new Random(2);
        var sizes = Enumerable.Range(0, k).Select(_ => (long)rng.Next(1, 500)).ToArray();
        double meanWeight = sizes.Average();

        var result = new CentroidMerger(new CentroidMergerOptions { Linkage = linkage, TargetClusterCount = 1 }).Merge(c, sizes);

        var groups = Enumerable.Range(0, k).Select(i => new List<int> { i }).ToList();
        var naive = new List<double>();
        while (groups.Count > 1)
        {
            double best = double.PositiveInfinity;
            int bi = -1, bj = -1;
            for (int i = 0; i < groups.Count; i++)
            {
                for (int j = i + 1; j < groups.Count; j++)
                {
                    double v = linkage == CentroidLinkage.Ward ? WardDistance(groups[i], groups[j]) : AverageDistance(groups[i], groups[j]);
                    if (v < best)
                    {
                        (best, bi, bj) = (v, i, j);
                    }
                }
            }

            naive.Add(best);
            groups[bi].AddRange(groups[bj]);
            groups.RemoveAt(bj);
        }

        naive.Sort();
        Assert.Equal(naive.Count, result.Dendrogram.Count);
        for (int s = 0; s < naive.Count; s++)
        {
            Assert.Equal(naive[s], result.Dendrogram[s].Distance, 1e-4);
        }

        Assert.Equal(sizes.Sum(), result.Sizes.Single());
        Assert.Equal(sizes.Sum(), result.Dendrogram[^1].Size);

        double WardDistance(List<int> a, List<int> b)
        {
            double wa = a.Sum(i => (double)sizes[i]);
            double wb = b.Sum(i => (double)sizes[i]);
            var ca = Mean(a);
            var cb = Mean(b);
            double sq = Enumerable.Range(0, d).Sum(t => (ca[t] - cb[t]) * (ca[t] - cb[t]));
            double deltaSse = wa * wb / (wa + wb) * sq;
            return Math.Sqrt(2 * deltaSse / meanWeight);
        }

        double AverageDistance(List<int> a, List<int> b)
        {
            double num = 0, den = 0;
            foreach (int i in a)
            {
                foreach (int j in b)
                {
                    double e = Math.Sqrt(Enumerable.Range(0, d).Sum(t => Math.Pow(c[i][t] - c[j][t], 2)));
                    num += sizes[i] * sizes[j] * e;
                    den += sizes[i] * sizes[j];
                }
            }

            return num / den;
        }

        double[] Mean(List<int> g)
        {
            var m = new double[d];
            double w = g.Sum(i => (double)sizes[i]);
            foreach (int i in g)
            {
                for (int t = 0; t < d; t++)
                {
                    m[t] += sizes[i] * (double)c[i][t] / w;
                }
            }

            return m;
        }
    }

    [Fact]
    public void Merged_centroids_are_size_weighted_and_sizes_add_up()
    {
        var c = EmbeddingMatrix.FromRows([[0f, 0f], [1f, 0f], [100f, 100f]]);
        var result = new CentroidMerger(new CentroidMergerOptions { TargetClusterCount = 2 }).Merge(c, [1, 3, 10]);

        Assert.Equal([0, 0, 1], result.SuperClusterOf);
        Assert.Equal([4L, 10L], result.Sizes);
        Assert.Equal(0.75f, result.Centroids[0][0], 1e-6f);
        Assert.Equal(0f, result.Centroids[0][1]);
        Assert.Equal(100f, result.Centroids[1][0]);
    }

    [Fact]
    public void Distance_threshold_stops_merging_far_groups()
    {
        // Two tight groups two units apart on a line: at threshold 1.5 they stay apart, at 3 they merge.
        var c = EmbeddingMatrix.FromRows([[0f], [0.1f], [0.2f], [2.2f], [2.3f]]);
        long[] sizes = [5, 5, 5, 5, 5];
        var apart = new CentroidMerger(new CentroidMergerOptions { Linkage = CentroidLinkage.Average }).Merge(c, sizes);
        var together = new CentroidMerger(new CentroidMergerOptions { Linkage = CentroidLinkage.Average, DistanceThreshold = 3 }).Merge(c, sizes);

        Assert.Equal([0, 0, 0, 1, 1], apart.SuperClusterOf);
        Assert.Equal(1, together.SuperClusterCount);
    }

    [Fact]
    public void K_of_a_thousand_merges_quickly()
    {
        int k = 1000, d = 64;
        var c = new EmbeddingMatrix(ClusteringTestData.Uniform(k * d, 1), d);
        var sizes = Enumerable.Range(1, k).Select(i => (long)i).ToArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = new CentroidMerger(new CentroidMergerOptions { TargetClusterCount = 20 }).Merge(c, sizes);
        watch.Stop();

        Assert.Equal(20, result.SuperClusterCount);
        Assert.Equal(sizes.Sum(), result.Sizes.Sum());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        for (int s = 1; s < result.Dendrogram.Count; s++)
        {
            Assert.True(result.Dendrogram[s].Distance >= result.Dendrogram[s - 1].Distance);
        }
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var merger = new CentroidMerger();
        var c = EmbeddingMatrix.FromRows([[0f], [1f]]);
        Assert.Contains("2 centroids", Assert.Throws<ArgumentException>(() => merger.Merge(c, [1])).Message, StringComparison.Ordinal);
        Assert.Contains("Cluster 1", Assert.Throws<ArgumentException>(() => merger.Merge(c, [1, 0])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CentroidMerger(new CentroidMergerOptions { TargetClusterCount = 3 }).Merge(c, [1, 1]));
        Assert.Throws<ValidationException>(() => new CentroidMerger(new CentroidMergerOptions { DistanceThreshold = -1 }));
        Assert.Throws<ValidationException>(() => new CentroidMerger(new CentroidMergerOptions { TargetClusterCount = 0 }));
        var nan = EmbeddingMatrix.FromRows([[0f], [float.NaN]]);
        Assert.Contains("Centroid 1", Assert.Throws<ArgumentException>(() => merger.Merge(nan, [1, 1])).Message, StringComparison.Ordinal);
    }
}

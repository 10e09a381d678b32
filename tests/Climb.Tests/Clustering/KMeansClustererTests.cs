using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Clustering;

public class KMeansClustererTests
{
    [Theory]
    [InlineData(KMeansInitialization.KMeansPlusPlus)]
    [InlineData(KMeansInitialization.KMeansParallel)]
    public async Task Recovers_planted_clusters(KMeansInitialization init)
    {
        var (data, truth) = ClusteringTestData.Blobs(n: 4000, k: 12, d: 24, spread: 1.0, seed: 3);
        var clusterer = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 12, Initialization = init, Device = ComputeDevice.Cpu, Seed = 5 });

        var result = await clusterer.ClusterAsync(data);

        double ari = ClusteringMetrics.AdjustedRandIndex(truth, result.Assignments);
        Assert.True(ari >= 0.99, $"ARI {ari}");
        Assert.Equal(4000, result.Sizes.Sum());
        Assert.Equal(256 * 12, result.FitSampleCount); // FAISS-style cap: 256 points per centroid
        Assert.Equal("cpu", result.Device);
        Assert.InRange(result.Iterations, 1, 25);

        // Inertia is the exact sum of squared distances to the returned centroids.
        double expected = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            var c = result.Centroids[result.Assignments[i]];
            for (int t = 0; t < data.Dimension; t++)
            {
                double diff = data[i][t] - c[t];
                expected += diff * diff;
            }
        }

        Assert.Equal(expected, result.Inertia, expected * 1e-9);
    }

    [Fact]
    public async Task Same_seed_gives_the_same_result_whatever_the_thread_count()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 3000, k: 20, d: 16, spread: 4.0, seed: 8);
        ClusteringResult Run(int seed, int dop) => new KMeansClusterer(new KMeansClustererOptions
        {
            ClusterCount = 20, Seed = seed, Device = ComputeDevice.Cpu, MaxDegreeOfParallelism = dop, Tolerance = 0, MaxIterations = 8,
        }).ClusterAsync(data).GetAwaiter().GetResult();

        var a = Run(11, -1);
        var b = Run(11, 1);
        var c = Run(12, -1);

        Assert.Equal(a.Assignments, b.Assignments);
        Assert.Equal(a.Centroids.Data.ToArray(), b.Centroids.Data.ToArray());
        Assert.Equal(a.Inertia, b.Inertia);
        Assert.NotEqual(a.Centroids.Data.ToArray(), c.Centroids.Data.ToArray());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Spherical_mode_clusters_by_direction_and_returns_unit_centroids()
    {
        // Five directions; each row is a direction plus noise, scaled by a random length in [0.1, 100].
        var rng = new Random(4);
        int k = 5, d = 12, n = 1500;
        var dirs = ClusteringTestData.Uniform(k * d, 9);
        var data = new EmbeddingMatrix(n, d);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            truth[i] = i % k;
            double scale = Math.Exp(rng.NextDouble() * Math.Log(1000)) * 0.1;
            for (int t = 0; t < d; t++)
            {
                data[i][t] = (float)((dirs[(truth[i] * d) + t] + (0.05 * ClusteringTestData.Gaussian(rng))) * scale);
            }
        }

        var spherical = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = k, Spherical = true, Device = ComputeDevice.Cpu }).ClusterAsync(data);
        var euclidean = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = k, Spherical = false, Device = ComputeDevice.Cpu }).ClusterAsync(data);

        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, spherical.Assignments) >= 0.99);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, euclidean.Assignments) < 0.9, "the lengths should fool plain k-means");
        for (int c = 0; c < k; c++)
        {
            double norm = Math.Sqrt(spherical.Centroids[c].ToArray().Sum(v => (double)v * v));
            Assert.Equal(1.0, norm, 1e-5);
        }
    }

    [Fact]
    public void Reseeding_splits_the_largest_cluster()
    {
        float[] centroids = [1, 2, 0, 0, 5, 6];
        long[] sizes = [3, 0, 10];

        int reseeded = KMeansClusterer.ReseedEmptyClusters(centroids, sizes, 2, spherical: false);

        Assert.Equal(1, reseeded);
        Assert.Equal([3L, 5L, 5L], sizes);
        Assert.Equal(5 * (1 + (1f / 1024)), centroids[2]);
        Assert.Equal(6 * (1 - (1f / 1024)), centroids[3]);
        Assert.Equal(5 * (1 - (1f / 1024)), centroids[4]);
        Assert.Equal(6 * (1 + (1f / 1024)), centroids[5]);
    }

    [Fact]
    public async Task A_centroid_that_wins_no_row_is_reseeded_and_the_fit_uses_all_clusters()
    {
        var (data, truth) = ClusteringTestData.Blobs(n: 900, k: 3, d: 4, spread: 0.5, seed: 2);

        // Start: two centroids on blobs, one on another blob... and the third far away, so it starts empty.
        var init = new EmbeddingMatrix(3, 4);
        data[0].CopyTo(init[0]);
        data[1].CopyTo(init[1]);
        init[2].Fill(1e4f);
        var result = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 3, InitialCentroids = init, Device = ComputeDevice.Cpu, MaxIterations = 30 }).ClusterAsync(data);

        Assert.All(result.Sizes, s => Assert.True(s > 0));
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, result.Assignments) >= 0.99);
    }

    [Fact]
    public async Task Fits_on_a_sample_and_streams_every_row_through_the_assignment()
    {
        var (data, truth) = ClusteringTestData.Blobs(n: 20_000, k: 8, d: 10, spread: 1.0, seed: 6);
        int largestRead = 0;
        var source = DelegatingEmbeddingSource.Over(data, (_, count) => largestRead = Math.Max(largestRead, count));
        var clusterer = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 8, MaxPointsPerCentroid = 100, AssignBatchRows = 3000, Device = ComputeDevice.Cpu });

        var result = await clusterer.ClusterAsync(source);

        Assert.Equal(800, result.FitSampleCount);
        Assert.True(largestRead <= 3000, $"largest read {largestRead}");
        Assert.Equal(20_000, result.Assignments.Length);
        Assert.True(ClusteringMetrics.AdjustedRandIndex(truth, result.Assignments) >= 0.99);

        // Every row, sampled or not, sits with its nearest final centroid.
        var labels = new int[data.Rows];
        var partial = new float[data.Rows];
        CpuAssignmentKernel.AssignReference(data.Data, data.Rows, result.Centroids.Data, 8, 10, labels, partial);
        Assert.Equal(labels, result.Assignments);
    }

    [Fact]
    public async Task FitSampleFraction_limits_the_fit()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 5000, k: 4, d: 6, spread: 1.0, seed: 1);
        var result = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 4, FitSampleFraction = 0.1, MaxPointsPerCentroid = 0, Device = ComputeDevice.Cpu }).ClusterAsync(data);
        Assert.Equal(500, result.FitSampleCount);
    }

    [Fact]
    public async Task Bad_input_fails_before_any_work()
    {
        var tiny = EmbeddingMatrix.FromRows([[1f, 2f], [3f, 4f]]);
        var k3 = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 3, Device = ComputeDevice.Cpu });
        var tooMany = await Assert.ThrowsAsync<ArgumentException>(() => k3.ClusterAsync(tiny));
        Assert.Contains("ClusterCount 3", tooMany.Message, StringComparison.Ordinal);

        int reads = 0;
        var empty = new DelegatingEmbeddingSource { RowCount = 0, Dimension = 4, ReadRowsCallback = (_, _, _) => reads++ };
        Assert.Contains("empty", (await Assert.ThrowsAsync<ArgumentException>(() => k3.ClusterAsync(empty))).Message, StringComparison.Ordinal);
        var flat = new DelegatingEmbeddingSource { RowCount = 10, Dimension = 0, ReadRowsCallback = (_, _, _) => reads++ };
        Assert.Contains("dimension 0", (await Assert.ThrowsAsync<ArgumentException>(() => k3.ClusterAsync(flat))).Message, StringComparison.Ordinal);
        Assert.Equal(0, reads);

        Assert.Throws<ValidationException>(() => new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 0 }));
        Assert.Throws<ValidationException>(() => new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 2, InitialCentroids = new EmbeddingMatrix(3, 2) }));

        var (data, _) = ClusteringTestData.Blobs(n: 100, k: 2, d: 3, spread: 1, seed: 1);
        data[57][1] = float.NaN;
        var k2 = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 2, Device = ComputeDevice.Cpu });
        var nan = await Assert.ThrowsAsync<InvalidDataException>(() => k2.ClusterAsync(data));
        Assert.Contains("Row 57", nan.Message, StringComparison.Ordinal);

        // A source that does not write the rows it is asked for.
        var lazy = new DelegatingEmbeddingSource { RowCount = 10, Dimension = 3, ReadRowsCallback = (_, _, _) => { } };
        Assert.Contains("Row 0", (await Assert.ThrowsAsync<InvalidDataException>(() => k2.ClusterAsync(lazy))).Message, StringComparison.Ordinal);

        // A source that throws surfaces its own error.
        var broken = new DelegatingEmbeddingSource { RowCount = 10, Dimension = 3, ReadRowsCallback = (_, _, _) => throw new IOException("disk gone") };
        Assert.Equal("disk gone", (await Assert.ThrowsAsync<IOException>(() => k2.ClusterAsync(broken))).Message);

        var wrongInit = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 2, InitialCentroids = new EmbeddingMatrix(2, 5), Device = ComputeDevice.Cpu });
        Assert.Contains("dimension 5", (await Assert.ThrowsAsync<ArgumentException>(() => wrongInit.ClusterAsync(tiny))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Asking_for_cuda_without_a_gpu_is_a_clear_error()
    {
        using var cuda = AcceleratorSession.TryCreateCuda();
        if (cuda is not null)
        {
            return; // This machine has a GPU: the CUDA tests cover it.
        }

        var clusterer = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 2, Device = ComputeDevice.Cuda });
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => clusterer.ClusterAsync(EmbeddingMatrix.FromRows([[1f], [2f], [3f]])));
        Assert.Contains("CUDA", ex.Message, StringComparison.Ordinal);

        var auto = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 2, Device = ComputeDevice.Auto }).ClusterAsync(EmbeddingMatrix.FromRows([[1f], [2f], [30f]]));
        Assert.Equal("cpu", auto.Device);
    }

    [Fact]
    public async Task Cancellation_is_honoured()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 2000, k: 4, d: 8, spread: 1, seed: 1);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p =>
        {
            if (p.Phase == "fit")
            {
                cts.Cancel();
            }
        });
        var clusterer = new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 4, Tolerance = 0, MaxIterations = 50, Device = ComputeDevice.Cpu });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => clusterer.ClusterAsync(data, progress, cts.Token));
    }

    private sealed class SyncProgress(Action<ClusteringProgress> onReport) : IProgress<ClusteringProgress>
    {
        public void Report(ClusteringProgress value) => onReport(value);
    }
}

using ILGPU.Runtime;

namespace Climb.Tests.Clustering;

public class AssignmentKernelTests
{
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 37, 45, 13 },
        { 200, 33, 64 },
        { 511, 100, 17 },
        { 1000, 257, 300 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Blocked_kernel_matches_the_scalar_reference_bit_for_bit(int n, int k, int d)
    {
        var x = ClusteringTestData.Uniform(n * d, n + k);
        var c = ClusteringTestData.Uniform(k * d, d);

        var (labels, partial) = RunCpu(x, n, c, k, d, dop: -1);
        var refLabels = new int[n];
        var refPartial = new float[n];
        CpuAssignmentKernel.AssignReference(x, n, c, k, d, refLabels, refPartial);

        Assert.Equal(refLabels, labels);
        Assert.Equal(refPartial, partial);
    }

    [Fact]
    public void Ties_go_to_the_lowest_centroid_index()
    {
        int d = 7, n = 50;
        var x = ClusteringTestData.Uniform(n * d, 1);
        var distinct = ClusteringTestData.Uniform(3 * d, 2);

        // 40 centroids: copies of three points, so every row ties between several identical centroids.
        var c = new float[40 * d];
        for (int j = 0; j < 40; j++)
        {
            distinct.AsSpan((j % 3) * d, d).CopyTo(c.AsSpan(j * d, d));
        }

        var (labels, _) = RunCpu(x, n, c, 40, d, dop: -1);
        Assert.All(labels, l => Assert.InRange(l, 0, 2));
    }

    [Fact]
    public void The_ilgpu_cpu_accelerator_gives_identical_assignments_and_distances()
    {
        using var session = AcceleratorSession.CreateCpu();
        foreach (var (n, k, d) in new[] { (300, 45, 13), (129, 70, 64), (64, 8, 300) })
        {
            var x = ClusteringTestData.Uniform(n * d, n);
            var c = ClusteringTestData.Uniform(k * d, k);
            var (cpuLabels, cpuPartial) = RunCpu(x, n, c, k, d, dop: -1);

            using var backend = new IlgpuKMeansBackend(session, ownsSession: false, x, n, d);
            var labels = new int[n];
            var partial = new float[n];
            backend.Assign(c, k, labels, partial, default);

            Assert.Equal(cpuLabels, labels);
            Assert.Equal(cpuPartial, partial);
        }
    }

    [Fact]
    public void The_ilgpu_update_kernel_matches_the_cpu_update_bit_for_bit()
    {
        int n = 700, k = 23, d = 19;
        var x = ClusteringTestData.Uniform(n * d, 5);
        var rng = new Random(3);
        var labels = Enumerable.Range(0, n).Select(_ => rng.Next(k - 1)).ToArray(); // cluster k-1 stays empty

        var cpuCentroids = new float[k * d];
        var cpuSizes = new long[k];
        KMeansCpu.Update(x, d, labels, k, cpuCentroids, cpuSizes, -1, default);

        using var session = AcceleratorSession.CreateCpu();
        using var backend = new IlgpuKMeansBackend(session, ownsSession: false, x, n, d);
        var centroids = new float[k * d];
        var sizes = new long[k];
        backend.Update(labels, k, centroids, sizes, default);

        Assert.Equal(cpuSizes, sizes);
        Assert.Equal(0, sizes[k - 1]);
        Assert.Equal(cpuCentroids, centroids);

        // And the means are right.
        for (int t = 0; t < d; t++)
        {
            double mean = Enumerable.Range(0, n).Where(i => labels[i] == 4).Average(i => (double)x[(i * d) + t]);
            Assert.Equal(mean, centroids[(4 * d) + t], 1e-6);
        }
    }

    [Fact]
    public void The_ilgpu_pairwise_kernel_matches_the_cpu_bit_for_bit()
    {
        int k = 37, d = 21;
        var c = new EmbeddingMatrix(ClusteringTestData.Uniform(k * d, 8), d);
        var cpu = new float[k * k];
        CentroidMerger.PairwiseOnCpu(c, cpu, default);
        using var session = AcceleratorSession.CreateCpu();
        var gpu = new float[k * k];
        CentroidMerger.PairwiseOnAccelerator(session, c, gpu);

        Assert.Equal(cpu, gpu);
        double direct = Math.Sqrt(Enumerable.Range(0, d).Sum(t => Math.Pow(c[3][t] - c[30][t], 2)));
        Assert.Equal(direct, cpu[(3 * k) + 30], 1e-5);
    }

    [Fact]
    public async Task KMeans_on_the_ilgpu_cpu_accelerator_reproduces_the_cpu_run()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 1500, k: 10, d: 12, spread: 3.0, seed: 4);
        var options = new KMeansClustererOptions { ClusterCount = 10, Seed = 9, MaxIterations = 6, Tolerance = 0, Device = ComputeDevice.Cpu };
        var cpu = await new KMeansClusterer(options).ClusterAsync(data);

        using var session = AcceleratorSession.CreateCpu();
        var ilgpu = await new KMeansClusterer(options, session.Accelerator).ClusterAsync(data);

        Assert.Equal("ilgpu-cpu", ilgpu.Device);
        Assert.Equal(cpu.Assignments, ilgpu.Assignments);
        Assert.Equal(cpu.Centroids.Data.ToArray(), ilgpu.Centroids.Data.ToArray());
        Assert.Equal(cpu.Inertia, ilgpu.Inertia);
    }

    [Fact]
    public async Task Streaming_assignment_on_the_ilgpu_cpu_accelerator_matches_the_cpu()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 3000, k: 6, d: 9, spread: 2.0, seed: 5);
        var options = new KMeansClustererOptions { ClusterCount = 6, MaxPointsPerCentroid = 50, AssignBatchRows = 700, Device = ComputeDevice.Cpu };
        var cpu = await new KMeansClusterer(options).ClusterAsync(data);
        using var session = AcceleratorSession.CreateCpu();
        var ilgpu = await new KMeansClusterer(options, session.Accelerator).ClusterAsync(data);

        Assert.Equal(300, ilgpu.FitSampleCount);
        Assert.Equal(cpu.Assignments, ilgpu.Assignments);
    }

    [Fact]
    public async Task Concurrent_clusterings_can_share_one_accelerator()
    {
        var (a, _) = ClusteringTestData.Blobs(n: 600, k: 4, d: 8, spread: 2.0, seed: 1);
        var (b, _) = ClusteringTestData.Blobs(n: 500, k: 5, d: 8, spread: 2.0, seed: 2);
        using var session = AcceleratorSession.CreateCpu();
        var oa = new KMeansClustererOptions { ClusterCount = 4, MaxIterations = 4, Tolerance = 0 };
        var ob = new KMeansClustererOptions { ClusterCount = 5, MaxIterations = 4, Tolerance = 0 };
        var together = await Task.WhenAll(
            new KMeansClusterer(oa, session.Accelerator).ClusterAsync(a),
            new KMeansClusterer(ob, session.Accelerator).ClusterAsync(b));
        var alone = await new KMeansClusterer(ob, session.Accelerator).ClusterAsync(b);

        Assert.Equal(alone.Assignments, together[1].Assignments);
        Assert.Equal(600, together[0].Assignments.Length);
    }

    [Fact]
    public void Kernels_are_compiled_once_per_accelerator()
    {
        using var session = AcceleratorSession.CreateCpu();
        Assert.Same(KMeansKernels.For(session.Accelerator), session.Kernels);
        Assert.Equal(AcceleratorType.CPU, session.Accelerator.AcceleratorType);
    }

    internal static (int[] Labels, float[] Partial) RunCpu(float[] x, int n, float[] c, int k, int d, int dop)
    {
        var labels = new int[n];
        var partial = new float[n];
        CpuAssignmentKernel.Assign(x, n, new PackedCentroids(c, k, d), labels, partial, dop, default);
        return (labels, partial);
    }
}

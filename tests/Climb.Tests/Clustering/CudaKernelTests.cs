namespace Climb.Tests.Clustering;

/// <summary>A fact that runs only where ILGPU finds a CUDA device.</summary>
public sealed class GpuFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> HasCuda = new(() =>
    {
        using var s = AcceleratorSession.TryCreateCuda();
        return s is not null;
    });

    public GpuFactAttribute()
    {
        if (!HasCuda.Value)
        {
            Skip = "No CUDA device found by ILGPU.";
        }
    }
}

public class CudaKernelTests
{
    [GpuFact]
    public void Cuda_assignment_matches_the_cpu_path()
    {
        int n = 5000, k = 300, d = 64;
        var x = ClusteringTestData.Uniform(n * d, 1);
        var c = ClusteringTestData.Uniform(k * d, 2);
        var (cpuLabels, cpuPartial) = AssignmentKernelTests.RunCpu(x, n, c, k, d, -1);

        using var session = AcceleratorSession.TryCreateCuda()!;
        using var backend = new IlgpuKMeansBackend(session, ownsSession: false, x, n, d);
        var labels = new int[n];
        var partial = new float[n];
        backend.Assign(c, k, labels, partial, default);

        Assert.Equal(cpuLabels, labels);
        Assert.Equal(cpuPartial, partial);
    }

    [GpuFact]
    public async Task Auto_device_runs_kmeans_on_cuda_with_the_cpu_result()
    {
        var (data, _) = ClusteringTestData.Blobs(n: 4000, k: 16, d: 32, spread: 3.0, seed: 4);
        var cpu = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 16, MaxIterations = 5, Tolerance = 0, Device = ComputeDevice.Cpu }).ClusterAsync(data);
        var gpu = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 16, MaxIterations = 5, Tolerance = 0, Device = ComputeDevice.Auto }).ClusterAsync(data);

        Assert.StartsWith("cuda:", gpu.Device, StringComparison.Ordinal);
        Assert.Equal(cpu.Assignments, gpu.Assignments);
    }
}

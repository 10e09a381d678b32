using System.Numerics.Tensors;
using BenchmarkDotNet.Attributes;

namespace Climb.Benchmarks.Clustering;

/// <summary>
/// The nearest-centroid assignment step three ways: a straightforward TensorPrimitives baseline (one SIMD dot
/// product per row and centroid), Climb's blocked register-tiled kernel, and the ILGPU kernel on ILGPU's CPU
/// accelerator (the code that runs on CUDA, here emulated on the CPU: a correctness path, not a fast one).
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- --filter '*AssignmentKernel*'</c>.</remarks>
[MemoryDiagnoser]
public class AssignmentKernelBenchmarks
{
    private float[] _rows = [];
    private float[] _centroids = [];
    private float[] _norms = [];
    private int[] _labels = [];
    private float[] _partial = [];
    private PackedCentroids? _packed;
    private AcceleratorSession? _session;
    private IlgpuKMeansBackend? _ilgpu;

    /// <summary>Gets or sets the rows.</summary>
    [Params(4096)]
    public int N { get; set; }

    /// <summary>Gets or sets the dimension.</summary>
    [Params(256)]
    public int D { get; set; }

    /// <summary>Gets or sets the clusters.</summary>
    [Params(256)]
    public int K { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        _rows = Enumerable.Range(0, N * D).Select(_ => (float)rng.NextDouble()).ToArray();
        _centroids = Enumerable.Range(0, K * D).Select(_ => (float)rng.NextDouble()).ToArray();
        _norms = Enumerable.Range(0, K).Select(j => TensorPrimitives.Dot(_centroids.AsSpan(j * D, D), _centroids.AsSpan(j * D, D))).ToArray();
        _labels = new int[N];
        _partial = new float[N];
        _packed = new PackedCentroids(_centroids, K, D);
        _session = AcceleratorSession.CreateCpu();
        _ilgpu = new IlgpuKMeansBackend(_session, ownsSession: false, _rows, N, D);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ilgpu?.Dispose();
        _session?.Dispose();
    }

    [Benchmark(Baseline = true, Description = "TensorPrimitives.Dot per pair, Parallel.For over rows")]
    public int TensorPrimitivesBaseline()
    {
        Parallel.For(0, N, i =>
        {
            var x = _rows.AsSpan(i * D, D);
            float best = float.PositiveInfinity;
            int arg = 0;
            for (int j = 0; j < K; j++)
            {
                float v = _norms[j] - (2 * TensorPrimitives.Dot(x, _centroids.AsSpan(j * D, D)));
                if (v < best)
                {
                    best = v;
                    arg = j;
                }
            }

            _labels[i] = arg;
        });
        return _labels[N - 1];
    }

    [Benchmark(Description = "Climb blocked kernel (packed panels, 12x32 FMA micro-kernel, fused arg-min)")]
    public int BlockedKernel()
    {
        CpuAssignmentKernel.Assign(_rows, N, _packed!, _labels, _partial, -1, default);
        return _labels[N - 1];
    }

    [Benchmark(Description = "ILGPU kernel on ILGPU's CPU accelerator")]
    public int IlgpuCpuAccelerator()
    {
        _ilgpu!.Assign(_centroids, K, _labels, _partial, default);
        return _labels[N - 1];
    }
}

using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

// ILGPU's CPU accelerator emits its task types into a dynamic assembly named ILGPURuntime; they reference our internal kernel argument types.
[assembly: InternalsVisibleTo("ILGPURuntime")]

namespace Climb;

/// <summary>A fused multiply-add as one backend computes it (selected per accelerator at kernel load).</summary>
internal interface IFusedMultiplyAdd
{
    /// <summary>Returns a · b + c.</summary>
    float Apply(float a, float b, float c);
}

/// <summary>
/// The exact fused multiply-add of .NET (one rounding), used on ILGPU's CPU accelerator, whose kernels run as
/// .NET code: it is the operation the CPU SIMD path performs, so the sums are bit-identical.
/// </summary>
internal readonly struct ExactFusedMultiplyAdd : IFusedMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
}

/// <summary>
/// a · b + c written as a product then a sum: ILGPU's PTX back end emits mul.f32/add.f32, which the CUDA
/// JIT contracts into fma.rn.f32 (its default), the same single rounding as the CPU path.
/// </summary>
internal readonly struct ContractedFusedMultiplyAdd : IFusedMultiplyAdd
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float Apply(float a, float b, float c) => (a * b) + c;
}

/// <summary>
/// ILGPU kernels of the clustering stage: nearest-centroid assignment (distance + arg-min, centroid tiles in
/// shared memory), the centroid update (a deterministic segmented sum in double over rows grouped by cluster),
/// and the pairwise centroid distances used when merging. Loaded once per accelerator (see <see cref="For"/>).
/// </summary>
/// <remarks>
/// Arithmetic follows <see cref="CpuAssignmentKernel"/> exactly: every dot product is the sequential sum of
/// fused multiply-adds over dimensions 0..D−1 from zero, the distance ‖c‖² − 2x·c is one fused multiply-add, and
/// ties go to the lowest index; centroid means are double sums in row order divided by the count.
/// </remarks>
internal sealed class KMeansKernels
{
    /// <summary>Centroids are handled eight at a time per thread (eight accumulators).</summary>
    public const int CentroidsPerStep = 8;

    /// <summary>Threads per group for the assignment kernel (fewer where the accelerator allows fewer).</summary>
    public const int AssignGroupSize = 128;

    private const int SharedBytesBudget = 16 * 1024;

    private static readonly ConditionalWeakTable<Accelerator, KMeansKernels> Cache = new();
    private static readonly object CacheLock = new();

    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, AssignShape> _assign;
    private readonly Action<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int> _update;
    private readonly Action<Index2D, ArrayView<float>, ArrayView<float>, int, int> _pairwise;

    private KMeansKernels(Accelerator accelerator)
    {
        Accelerator = accelerator;
        if (accelerator.AcceleratorType == AcceleratorType.CPU)
        {
            _assign = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, AssignShape>(AssignKernel<ExactFusedMultiplyAdd>);
            _pairwise = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, int, int>(PairwiseKernel<ExactFusedMultiplyAdd>);
        }
        else
        {
            _assign = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<int>, ArrayView<float>, AssignShape>(AssignKernel<ContractedFusedMultiplyAdd>);
            _pairwise = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<float>, ArrayView<float>, int, int>(PairwiseKernel<ContractedFusedMultiplyAdd>);
        }

        _update = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<int>, ArrayView<int>, ArrayView<float>, int, int>(UpdateKernel);
    }

    /// <summary>Gets the accelerator the kernels were loaded on.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Gets a lock that serialises launch + synchronise on this accelerator (concurrent clusterings may share a caller-owned accelerator).</summary>
    public object LaunchLock { get; } = new();

    /// <summary>Gets the kernels for an accelerator, compiling them on first use only.</summary>
    public static KMeansKernels For(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        lock (CacheLock)
        {
            if (!Cache.TryGetValue(accelerator, out var kernels))
            {
                kernels = new KMeansKernels(accelerator);
                Cache.Add(accelerator, kernels);
            }

            return kernels;
        }
    }

    /// <summary>Centroids per shared-memory tile for a dimension (a multiple of <see cref="CentroidsPerStep"/>).</summary>
    public static int TileCentroids(int dimension) =>
        Math.Max(1, SharedBytesBudget / (sizeof(float) * dimension * CentroidsPerStep)) * CentroidsPerStep;

    /// <summary>Runs the assignment kernel.</summary>
    /// <param name="rowsTransposed">The rows, dimension-major (D × <paramref name="shape"/>.RowStride).</param>
    /// <param name="centroids">The centroids, row-major, padded to <paramref name="shape"/>.PaddedCentroids rows.</param>
    /// <param name="norms">The squared norms (+∞ for padding).</param>
    /// <param name="labels">Receives the nearest centroid per row.</param>
    /// <param name="partial">Receives ‖c‖² − 2x·c of the nearest centroid.</param>
    /// <param name="shape">The sizes.</param>
    public void Assign(ArrayView<float> rowsTransposed, ArrayView<float> centroids, ArrayView<float> norms, ArrayView<int> labels, ArrayView<float> partial, AssignShape shape)
    {
        int groupSize = Math.Min(AssignGroupSize, Accelerator.MaxNumThreadsPerGroup);
        int groups = (shape.Rows + groupSize - 1) / groupSize;
        var config = new KernelConfig(
            new Index1D(Math.Max(1, groups)),
            new Index1D(groupSize),
            SharedMemoryConfig.RequestDynamic<float>(shape.Tile * shape.Dimension));
        _assign(config, rowsTransposed, centroids, norms, labels, partial, shape);
    }

    /// <summary>Runs the centroid update: for every (cluster, dimension), the mean of the cluster's rows.</summary>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="order">Row indices grouped by cluster, rows in increasing order inside a cluster.</param>
    /// <param name="offsets">K + 1 offsets into <paramref name="order"/>.</param>
    /// <param name="centroids">Receives the means (K × D); clusters without rows get zeros.</param>
    /// <param name="clusterCount">K.</param>
    /// <param name="dimension">D.</param>
    public void Update(ArrayView<float> rows, ArrayView<int> order, ArrayView<int> offsets, ArrayView<float> centroids, int clusterCount, int dimension) =>
        _update(new Index1D(clusterCount * dimension), rows, order, offsets, centroids, clusterCount, dimension);

    /// <summary>Computes the Euclidean distance between every pair of centroids (K × K, row-major).</summary>
    public void Pairwise(ArrayView<float> centroids, ArrayView<float> distances, int clusterCount, int dimension) =>
        _pairwise(new Index2D(clusterCount, clusterCount), centroids, distances, clusterCount, dimension);

    /// <summary>The Euclidean distance exactly as the pairwise kernel computes it (sequential FMA of squared differences).</summary>
    public static float PairDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0f;
        for (int t = 0; t < a.Length; t++)
        {
            float diff = a[t] - b[t];
            s = MathF.FusedMultiplyAdd(diff, diff, s);
        }

        return MathF.Sqrt(s);
    }

    private static void AssignKernel<TFma>(
        ArrayView<float> rowsT,
        ArrayView<float> centroids,
        ArrayView<float> norms,
        ArrayView<int> labels,
        ArrayView<float> partial,
        AssignShape shape)
        where TFma : struct, IFusedMultiplyAdd
    {
        var fma = default(TFma);
        var tile = SharedMemory.GetDynamic<float>();
        int row = Grid.GlobalIndex.X;
        int d = shape.Dimension;
        int tileSize = shape.Tile;
        float best = float.PositiveInfinity;
        int arg = 0;
        for (int t0 = 0; t0 < shape.PaddedCentroids; t0 += tileSize)
        {
            int count = tileSize * d;
            for (int i = Group.IdxX; i < count; i += Group.DimX)
            {
                tile[i] = centroids[((long)t0 * d) + i];
            }

            Group.Barrier();
            if (row < shape.Rows)
            {
                for (int j = 0; j < tileSize; j += CentroidsPerStep)
                {
                    float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
                    int b = j * d;
                    for (int k = 0; k < d; k++)
                    {
                        float x = rowsT[((long)k * shape.RowStride) + row];
                        a0 = fma.Apply(x, tile[b + k], a0);
                        a1 = fma.Apply(x, tile[b + d + k], a1);
                        a2 = fma.Apply(x, tile[b + (2 * d) + k], a2);
                        a3 = fma.Apply(x, tile[b + (3 * d) + k], a3);
                        a4 = fma.Apply(x, tile[b + (4 * d) + k], a4);
                        a5 = fma.Apply(x, tile[b + (5 * d) + k], a5);
                        a6 = fma.Apply(x, tile[b + (6 * d) + k], a6);
                        a7 = fma.Apply(x, tile[b + (7 * d) + k], a7);
                    }

                    int c = t0 + j;
                    float v = fma.Apply(a0, -2f, norms[c]);
                    if (v < best) { best = v; arg = c; }
                    v = fma.Apply(a1, -2f, norms[c + 1]);
                    if (v < best) { best = v; arg = c + 1; }
                    v = fma.Apply(a2, -2f, norms[c + 2]);
                    if (v < best) { best = v; arg = c + 2; }
                    v = fma.Apply(a3, -2f, norms[c + 3]);
                    if (v < best) { best = v; arg = c + 3; }
                    v = fma.Apply(a4, -2f, norms[c + 4]);
                    if (v < best) { best = v; arg = c + 4; }
                    v = fma.Apply(a5, -2f, norms[c + 5]);
                    if (v < best) { best = v; arg = c + 5; }
                    v = fma.Apply(a6, -2f, norms[c + 6]);
                    if (v < best) { best = v; arg = c + 6; }
                    v = fma.Apply(a7, -2f, norms[c + 7]);
                    if (v < best) { best = v; arg = c + 7; }
                }
            }

            Group.Barrier();
        }

        if (row < shape.Rows)
        {
            labels[row] = arg;
            partial[row] = best;
        }
    }

    private static void UpdateKernel(Index1D index, ArrayView<float> rows, ArrayView<int> order, ArrayView<int> offsets, ArrayView<float> centroids, int clusterCount, int dimension)
    {
        int cluster = index / dimension;
        int dim = index - (cluster * dimension);
        int start = offsets[cluster];
        int end = offsets[cluster + 1];
        double sum = 0.0;
        for (int p = start; p < end; p++)
        {
            sum += rows[((long)order[p] * dimension) + dim];
        }

        centroids[index] = end > start ? (float)(sum / (end - start)) : 0f;
    }

    private static void PairwiseKernel<TFma>(Index2D index, ArrayView<float> centroids, ArrayView<float> distances, int clusterCount, int dimension)
        where TFma : struct, IFusedMultiplyAdd
    {
        var fma = default(TFma);
        long a = (long)index.X * dimension;
        long b = (long)index.Y * dimension;
        float s = 0f;
        for (int t = 0; t < dimension; t++)
        {
            float diff = centroids[a + t] - centroids[b + t];
            s = fma.Apply(diff, diff, s);
        }

        distances[((long)index.X * clusterCount) + index.Y] = MathF.Sqrt(s);
    }
}

/// <summary>Sizes passed to the assignment kernel.</summary>
/// <param name="Rows">Rows to assign.</param>
/// <param name="RowStride">The row stride of the dimension-major rows buffer.</param>
/// <param name="Dimension">D.</param>
/// <param name="PaddedCentroids">K rounded up to a whole number of tiles.</param>
/// <param name="Tile">Centroids per shared-memory tile.</param>
internal readonly record struct AssignShape(int Rows, int RowStride, int Dimension, int PaddedCentroids, int Tile);

/// <summary>
/// An ILGPU accelerator for the clustering stage: either one the caller owns (never disposed here) or a context
/// and accelerator this session creates and disposes.
/// </summary>
internal sealed class AcceleratorSession : IDisposable
{
    private readonly Context? _ownedContext;
    private readonly Accelerator? _ownedAccelerator;

    /// <summary>Wraps a caller-owned accelerator.</summary>
    public AcceleratorSession(Accelerator accelerator)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        Accelerator = accelerator;
    }

    private AcceleratorSession(Context context, Accelerator accelerator)
    {
        _ownedContext = context;
        _ownedAccelerator = accelerator;
        Accelerator = accelerator;
    }

    /// <summary>Gets the accelerator.</summary>
    public Accelerator Accelerator { get; }

    /// <summary>Gets the kernels, loaded once per accelerator.</summary>
    public KMeansKernels Kernels => KMeansKernels.For(Accelerator);

    /// <summary>Gets a short device name, such as "cuda:0" or "ilgpu-cpu".</summary>
    public string DeviceName => Accelerator.AcceleratorType switch
    {
        AcceleratorType.Cuda => "cuda:" + (Accelerator.Device is ILGPU.Runtime.Cuda.CudaDevice cd ? cd.DeviceId : 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        AcceleratorType.CPU => "ilgpu-cpu",
        _ => Accelerator.AcceleratorType.ToString().ToLowerInvariant(),
    };

    /// <summary>Creates a session on the first CUDA device, or returns <see langword="null"/> when there is none.</summary>
    public static AcceleratorSession? TryCreateCuda()
    {
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().Optimize(OptimizationLevel.O1));
            var devices = context.GetCudaDevices();
            if (devices.Count == 0)
            {
                context.Dispose();
                return null;
            }

            var accelerator = devices[0].CreateAccelerator(context);
            return new AcceleratorSession(context, accelerator);
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or InvalidOperationException or NotSupportedException or ILGPU.Runtime.Cuda.CudaException)
        {
            context?.Dispose();
            return null;
        }
    }

    /// <summary>Creates a session on ILGPU's CPU accelerator (runs kernels as .NET code; used by tests).</summary>
    public static AcceleratorSession CreateCpu()
    {
        var context = Context.Create(b => b.CPU());
        return new AcceleratorSession(context, context.CreateCPUAccelerator(0));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ownedAccelerator?.Dispose();
        _ownedContext?.Dispose();
    }
}

using System.Runtime.Intrinsics;
using ILGPU;
using ILGPU.Runtime;

namespace Climb;

/// <summary>Runs the two steps of a Lloyd iteration over an in-memory fit sample.</summary>
internal interface IKMeansBackend : IDisposable
{
    /// <summary>Gets the device name reported in the result.</summary>
    string DeviceName { get; }

    /// <summary>Assigns every sample row to its nearest centroid.</summary>
    void Assign(float[] centroids, int clusterCount, int[] labels, float[] partial, CancellationToken cancellationToken);

    /// <summary>Computes the mean of every cluster's rows (zeros for empty clusters) and the sizes.</summary>
    void Update(int[] labels, int clusterCount, float[] centroids, long[] sizes, CancellationToken cancellationToken);
}

/// <summary>Shared CPU routines of the k-means engine.</summary>
internal static class KMeansCpu
{
    /// <summary>Groups row indices by cluster (stable: increasing row order inside a cluster).</summary>
    public static (int[] Order, int[] Offsets) GroupByCluster(ReadOnlySpan<int> labels, int clusterCount)
    {
        var offsets = new int[clusterCount + 1];
        foreach (int l in labels)
        {
            offsets[l + 1]++;
        }

        for (int k = 0; k < clusterCount; k++)
        {
            offsets[k + 1] += offsets[k];
        }

        var cursor = offsets.AsSpan(0, clusterCount).ToArray();
        var order = new int[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            order[cursor[labels[i]]++] = i;
        }

        return (order, offsets);
    }

    /// <summary>
    /// The centroid update: each cluster's rows summed in double in increasing row order, divided by the count,
    /// rounded to float (the same arithmetic as the ILGPU update kernel). Parallel over clusters, so the result
    /// does not depend on the thread count.
    /// </summary>
    public static void Update(float[] rows, int dimension, int[] labels, int clusterCount, float[] centroids, long[] sizes, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var (order, offsets) = GroupByCluster(labels, clusterCount);
        for (int k = 0; k < clusterCount; k++)
        {
            sizes[k] = offsets[k + 1] - offsets[k];
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        Parallel.For(0, clusterCount, options, () => new double[dimension], (k, _, acc) =>
        {
            Array.Clear(acc);
            int start = offsets[k];
            int end = offsets[k + 1];
            for (int p = start; p < end; p++)
            {
                AddWidened(rows.AsSpan(order[p] * dimension, dimension), acc);
            }

            var c = centroids.AsSpan(k * dimension, dimension);
            int count = end - start;
            for (int t = 0; t < dimension; t++)
            {
                c[t] = count > 0 ? (float)(acc[t] / count) : 0f;
            }

            return acc;
        }, _ => { });
    }

    /// <summary>acc[t] += (double)x[t], element by element (SIMD where available; same values as scalar).</summary>
    public static void AddWidened(ReadOnlySpan<float> x, Span<double> acc)
    {
        int t = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float xr = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
            ref double ar = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(acc);
            for (; t <= x.Length - 8; t += 8)
            {
                var v = Vector256.LoadUnsafe(ref xr, (nuint)t);
                var (lo, hi) = Vector256.Widen(v);
                (Vector256.LoadUnsafe(ref ar, (nuint)t) + lo).StoreUnsafe(ref ar, (nuint)t);
                (Vector256.LoadUnsafe(ref ar, (nuint)(t + 4)) + hi).StoreUnsafe(ref ar, (nuint)(t + 4));
            }
        }

        for (; t < x.Length; t++)
        {
            acc[t] += x[t];
        }
    }

    /// <summary>Scales every row to unit L2 norm (rows of zeros stay zero).</summary>
    public static void Normalize(Span<float> rows, int dimension)
    {
        int n = rows.Length / dimension;
        for (int i = 0; i < n; i++)
        {
            var r = rows.Slice(i * dimension, dimension);
            double s = 0;
            foreach (float v in r)
            {
                s += (double)v * v;
            }

            if (s > 0)
            {
                float inv = (float)(1.0 / Math.Sqrt(s));
                System.Numerics.Tensors.TensorPrimitives.Multiply(r, inv, r);
            }
        }
    }

    /// <summary>The exact squared distance in double (used for reported inertia).</summary>
    public static double SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int t = 0; t < a.Length; t++)
        {
            double diff = (double)a[t] - b[t];
            s += diff * diff;
        }

        return s;
    }
}

/// <summary>The CPU backend: the blocked SIMD kernel and a parallel deterministic update.</summary>
internal sealed class CpuKMeansBackend(float[] rows, int rowCount, int dimension, int maxDegreeOfParallelism) : IKMeansBackend
{
    public string DeviceName => "cpu";

    public void Assign(float[] centroids, int clusterCount, int[] labels, float[] partial, CancellationToken cancellationToken)
    {
        var packed = new PackedCentroids(centroids.AsSpan(0, clusterCount * dimension), clusterCount, dimension);
        CpuAssignmentKernel.Assign(rows, rowCount, packed, labels, partial, maxDegreeOfParallelism, cancellationToken);
    }

    public void Update(int[] labels, int clusterCount, float[] centroids, long[] sizes, CancellationToken cancellationToken) =>
        KMeansCpu.Update(rows, dimension, labels, clusterCount, centroids, sizes, maxDegreeOfParallelism, cancellationToken);

    public void Dispose()
    {
    }
}

/// <summary>The ILGPU backend: the sample lives on the accelerator (row-major for the update, dimension-major for the assignment).</summary>
internal sealed class IlgpuKMeansBackend : IKMeansBackend
{
    private readonly AcceleratorSession _session;
    private readonly bool _ownsSession;
    private readonly int _rowCount;
    private readonly int _dimension;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _rows;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _rowsT;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _labels;
    private readonly MemoryBuffer1D<float, Stride1D.Dense> _partial;

    /// <param name="session">The accelerator.</param>
    /// <param name="ownsSession">Whether disposing this backend disposes the session.</param>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="dimension">D.</param>
    /// <param name="assignOnly">Skip the row-major copy the update needs (streaming assignment of a chunk).</param>
    public IlgpuKMeansBackend(AcceleratorSession session, bool ownsSession, float[] rows, int rowCount, int dimension, bool assignOnly = false)
    {
        _session = session;
        _ownsSession = ownsSession;
        _rowCount = rowCount;
        _dimension = dimension;
        var acc = session.Accelerator;
        _rows = assignOnly ? acc.Allocate1D<float>(1) : acc.Allocate1D(rows.AsSpan(0, rowCount * dimension).ToArray());
        var t = new float[(long)rowCount * dimension];
        for (int i = 0; i < rowCount; i++)
        {
            for (int k = 0; k < dimension; k++)
            {
                t[((long)k * rowCount) + i] = rows[(i * dimension) + k];
            }
        }

        _rowsT = acc.Allocate1D(t);
        _labels = acc.Allocate1D<int>(Math.Max(1, rowCount));
        _partial = acc.Allocate1D<float>(Math.Max(1, rowCount));
    }

    public string DeviceName => _session.DeviceName;

    public void Assign(float[] centroids, int clusterCount, int[] labels, float[] partial, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Assign(_session, _rowsT.View, _rowCount, _rowCount, centroids, clusterCount, _dimension, _labels.View, _partial.View);
        ((ArrayView<int>)_labels.View).SubView(0, _rowCount).CopyToCPU(labels.AsSpan(0, _rowCount));
        ((ArrayView<float>)_partial.View).SubView(0, _rowCount).CopyToCPU(partial.AsSpan(0, _rowCount));
    }

    /// <summary>Runs the assignment kernel for rows already on the accelerator.</summary>
    public static void Assign(AcceleratorSession session, ArrayView<float> rowsT, int rowCount, int rowStride, float[] centroids, int clusterCount, int dimension, ArrayView<int> labels, ArrayView<float> partial)
    {
        var acc = session.Accelerator;
        int tile = KMeansKernels.TileCentroids(dimension);
        int padded = (clusterCount + tile - 1) / tile * tile;
        var c = new float[padded * dimension];
        centroids.AsSpan(0, clusterCount * dimension).CopyTo(c);
        var norms = new float[padded];
        Array.Fill(norms, float.PositiveInfinity);
        for (int k = 0; k < clusterCount; k++)
        {
            norms[k] = CpuAssignmentKernel.SquaredNorm(c.AsSpan(k * dimension, dimension));
        }

        using var bc = acc.Allocate1D(c);
        using var bn = acc.Allocate1D(norms);
        var kernels = session.Kernels;
        lock (kernels.LaunchLock)
        {
            kernels.Assign(rowsT, bc.View, bn.View, labels, partial, new AssignShape(rowCount, rowStride, dimension, padded, tile));
            acc.Synchronize();
        }
    }

    public void Update(int[] labels, int clusterCount, float[] centroids, long[] sizes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (_rows.Length < (long)_rowCount * _dimension)
        {
            throw new InvalidOperationException("This backend was created for assignment only.");
        }

        var (order, offsets) = KMeansCpu.GroupByCluster(labels.AsSpan(0, _rowCount), clusterCount);
        for (int k = 0; k < clusterCount; k++)
        {
            sizes[k] = offsets[k + 1] - offsets[k];
        }

        var acc = _session.Accelerator;
        using var bo = acc.Allocate1D(order.Length == 0 ? new int[1] : order);
        using var boff = acc.Allocate1D(offsets);
        using var bc = acc.Allocate1D<float>(clusterCount * _dimension);
        var kernels = _session.Kernels;
        lock (kernels.LaunchLock)
        {
            kernels.Update(_rows.View, bo.View, boff.View, bc.View, clusterCount, _dimension);
            acc.Synchronize();
        }

        ((ArrayView<float>)bc.View).CopyToCPU(centroids.AsSpan(0, clusterCount * _dimension));
    }

    public void Dispose()
    {
        _rows.Dispose();
        _rowsT.Dispose();
        _labels.Dispose();
        _partial.Dispose();
        if (_ownsSession)
        {
            _session.Dispose();
        }
    }
}

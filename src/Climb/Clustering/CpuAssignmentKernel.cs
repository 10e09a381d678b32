using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Climb;

/// <summary>
/// Centroids packed for the blocked assignment kernel: panels of <see cref="CpuAssignmentKernel.PanelWidth"/>
/// centroids, each stored dimension-major (for every dimension, the panel's centroids side by side), plus the
/// squared norms (padding lanes get +∞ so they never win).
/// </summary>
internal sealed class PackedCentroids
{
    public PackedCentroids(ReadOnlySpan<float> centroids, int count, int dimension)
    {
        Count = count;
        Dimension = dimension;
        const int w = CpuAssignmentKernel.PanelWidth;
        PanelCount = (count + w - 1) / w;
        Panels = GC.AllocateUninitializedArray<float>(PanelCount * w * dimension, pinned: true);
        Norms = GC.AllocateUninitializedArray<float>(PanelCount * w, pinned: true);
        Array.Fill(Norms, float.PositiveInfinity);
        for (int p = 0; p < PanelCount; p++)
        {
            var panel = Panels.AsSpan(p * w * dimension, w * dimension);
            panel.Clear();
            int first = p * w;
            int width = Math.Min(w, count - first);
            for (int l = 0; l < width; l++)
            {
                var c = centroids.Slice((first + l) * dimension, dimension);
                for (int d = 0; d < dimension; d++)
                {
                    panel[(d * w) + l] = c[d];
                }

                Norms[first + l] = CpuAssignmentKernel.SquaredNorm(c);
            }
        }
    }

    public int Count { get; }

    public int Dimension { get; }

    public int PanelCount { get; }

    /// <summary>Gets the packed panels (pinned).</summary>
    public float[] Panels { get; }

    /// <summary>Gets the squared norm of every centroid, padded to whole panels with +∞ (pinned).</summary>
    public float[] Norms { get; }
}

/// <summary>
/// Nearest-centroid search on the CPU, blocked like a GEMM: rows are packed in micro-panels of
/// <see cref="RowBlock"/>, centroids in panels of <see cref="PanelWidth"/>, and a register-blocked
/// micro-kernel accumulates the dot products with fused multiply-adds, then folds
/// ‖c‖² − 2x·c into a running arg-min, so the N × K distance matrix never exists.
/// </summary>
/// <remarks>
/// Every dot product is the sequential sum over dimensions 0..D−1 of fused multiply-adds starting from zero,
/// whatever the SIMD width, and ties go to the lowest centroid index; the ILGPU kernels use the same order,
/// which is what makes their assignments bit-identical to these.
/// </remarks>
internal static unsafe class CpuAssignmentKernel
{
    /// <summary>Centroids per packed panel (two 512-bit or four 256-bit vectors).</summary>
    public const int PanelWidth = 32;

    /// <summary>Rows per packed micro-panel.</summary>
    public const int RowBlock = 12;

    /// <summary>Centroid panels processed against one row micro-panel before moving on (L2 blocking).</summary>
    private const int PanelsPerBlock = 8;

    /// <summary>Gets a description of the SIMD path in use.</summary>
    public static string SimdPath =>
        Vector512.IsHardwareAccelerated ? "avx512" : Vector256.IsHardwareAccelerated ? "avx2" : "scalar";

    /// <summary>The squared norm as the sequential sum of fused multiply-adds (the order every path uses).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SquaredNorm(ReadOnlySpan<float> v)
    {
        float s = 0f;
        for (int i = 0; i < v.Length; i++)
        {
            s = MathF.FusedMultiplyAdd(v[i], v[i], s);
        }

        return s;
    }

    /// <summary>
    /// Finds, for each of <paramref name="rowCount"/> rows, the centroid minimising ‖c‖² − 2x·c (lowest index on
    /// ties) and that value.
    /// </summary>
    /// <param name="rows">The rows, row-major.</param>
    /// <param name="rowCount">The number of rows.</param>
    /// <param name="centroids">The packed centroids.</param>
    /// <param name="labels">Receives the nearest centroid of every row.</param>
    /// <param name="partialDistances">Receives ‖c‖² − 2x·c for the nearest centroid (add ‖x‖² for the distance).</param>
    /// <param name="maxDegreeOfParallelism">The most threads to use (−1: all cores).</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    public static void Assign(
        ReadOnlyMemory<float> rows,
        int rowCount,
        PackedCentroids centroids,
        Memory<int> labels,
        Memory<float> partialDistances,
        int maxDegreeOfParallelism,
        CancellationToken cancellationToken)
    {
        int d = centroids.Dimension;
        if (rows.Length < (long)rowCount * d || labels.Length < rowCount || partialDistances.Length < rowCount)
        {
            throw new ArgumentException("Buffers are smaller than the row count requires.");
        }

        // Blocks of rows per task: large enough to amortise scheduling, small enough to balance two to 64 cores.
        const int rowsPerTask = RowBlock * 16;
        int tasks = (rowCount + rowsPerTask - 1) / rowsPerTask;
        if (tasks == 0)
        {
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        if (tasks == 1 || maxDegreeOfParallelism == 1)
        {
            for (int t = 0; t < tasks; t++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunTask(t);
            }

            return;
        }

        Parallel.For(0, tasks, options, RunTask);

        void RunTask(int t)
        {
            int start = t * rowsPerTask;
            int count = Math.Min(rowsPerTask, rowCount - start);
            AssignRange(
                rows.Span.Slice(start * d, count * d),
                count,
                centroids,
                labels.Span.Slice(start, count),
                partialDistances.Span.Slice(start, count));
        }
    }

    /// <summary>Single-threaded assignment of a range of rows (the unit of parallel work).</summary>
    public static void AssignRange(ReadOnlySpan<float> rows, int rowCount, PackedCentroids centroids, Span<int> labels, Span<float> partialDistances)
    {
        int d = centroids.Dimension;
        int microPanels = (rowCount + RowBlock - 1) / RowBlock;
        int lanes = Vector512.IsHardwareAccelerated ? 16 : 8;

        // Packed rows: micro-panel after micro-panel, each dimension-major (RowBlock values per dimension).
        float[] packedArray = System.Buffers.ArrayPool<float>.Shared.Rent(microPanels * RowBlock * d);
        float[] bestValArray = System.Buffers.ArrayPool<float>.Shared.Rent(microPanels * RowBlock * lanes);
        int[] bestIdxArray = System.Buffers.ArrayPool<int>.Shared.Rent(microPanels * RowBlock * lanes);
        try
        {
            PackRows(rows, rowCount, d, packedArray);
            bestValArray.AsSpan(0, microPanels * RowBlock * lanes).Fill(float.PositiveInfinity);
            bestIdxArray.AsSpan(0, microPanels * RowBlock * lanes).Clear();

            fixed (float* packed = packedArray)
            fixed (float* panels = centroids.Panels)
            fixed (float* norms = centroids.Norms)
            fixed (float* bestVal = bestValArray)
            fixed (int* bestIdx = bestIdxArray)
            {
                for (int pb = 0; pb < centroids.PanelCount; pb += PanelsPerBlock)
                {
                    int pe = Math.Min(centroids.PanelCount, pb + PanelsPerBlock);
                    for (int m = 0; m < microPanels; m++)
                    {
                        float* a = packed + ((long)m * RowBlock * d);
                        float* bv = bestVal + (m * RowBlock * lanes);
                        int* bi = bestIdx + (m * RowBlock * lanes);
                        for (int p = pb; p < pe; p++)
                        {
                            float* b = panels + ((long)p * PanelWidth * d);
                            if (Vector512.IsHardwareAccelerated)
                            {
                                Kernel512(a, b, d, norms + (p * PanelWidth), p * PanelWidth, bv, bi);
                            }
                            else
                            {
                                Kernel256(a, b, d, norms + (p * PanelWidth), p * PanelWidth, bv, bi);
                            }
                        }
                    }
                }

                // Horizontal reduction: the lowest value, the lowest index among equal values.
                for (int r = 0; r < rowCount; r++)
                {
                    float* v = bestVal + (r * lanes);
                    int* ix = bestIdx + (r * lanes);
                    float best = v[0];
                    int arg = ix[0];
                    for (int l = 1; l < lanes; l++)
                    {
                        if (v[l] < best || (v[l] == best && ix[l] < arg))
                        {
                            best = v[l];
                            arg = ix[l];
                        }
                    }

                    labels[r] = arg;
                    partialDistances[r] = best;
                }
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(packedArray);
            System.Buffers.ArrayPool<float>.Shared.Return(bestValArray);
            System.Buffers.ArrayPool<int>.Shared.Return(bestIdxArray);
        }
    }

    private static void PackRows(ReadOnlySpan<float> rows, int rowCount, int d, Span<float> packed)
    {
        int microPanels = (rowCount + RowBlock - 1) / RowBlock;
        for (int m = 0; m < microPanels; m++)
        {
            var dst = packed.Slice(m * RowBlock * d, RowBlock * d);
            for (int r = 0; r < RowBlock; r++)
            {
                int row = (m * RowBlock) + r;
                if (row < rowCount)
                {
                    var src = rows.Slice(row * d, d);
                    for (int k = 0; k < d; k++)
                    {
                        dst[(k * RowBlock) + r] = src[k];
                    }
                }
                else
                {
                    for (int k = 0; k < d; k++)
                    {
                        dst[(k * RowBlock) + r] = 0f;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update512(Vector512<float> dots0, Vector512<float> dots1, Vector512<float> n0, Vector512<float> n1, Vector512<int> i0, Vector512<int> i1, float* bv, int* bi)
    {
        var m2 = Vector512.Create(-2f);
        var d0 = Vector512.FusedMultiplyAdd(dots0, m2, n0);
        var d1 = Vector512.FusedMultiplyAdd(dots1, m2, n1);
        var best = Vector512.Load(bv);
        var idx = Vector512.Load(bi);
        var lt0 = Vector512.LessThan(d0, best);
        best = Vector512.ConditionalSelect(lt0, d0, best);
        idx = Vector512.ConditionalSelect(lt0.AsInt32(), i0, idx);
        var lt1 = Vector512.LessThan(d1, best);
        best = Vector512.ConditionalSelect(lt1, d1, best);
        idx = Vector512.ConditionalSelect(lt1.AsInt32(), i1, idx);
        best.Store(bv);
        idx.Store(bi);
    }

    /// <summary>12 rows × 32 centroids with 24 zmm accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel512(float* a, float* b, int d, float* norms, int firstCentroid, float* bv, int* bi)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector512<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        Vector512<float> c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default;
        Vector512<float> c90 = default, c91 = default, ca0 = default, ca1 = default, cb0 = default, cb1 = default;
        for (int k = 0; k < d; k++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]);
            c00 = Vector512.FusedMultiplyAdd(x, b0, c00);
            c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]);
            c10 = Vector512.FusedMultiplyAdd(x, b0, c10);
            c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]);
            c20 = Vector512.FusedMultiplyAdd(x, b0, c20);
            c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]);
            c30 = Vector512.FusedMultiplyAdd(x, b0, c30);
            c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]);
            c40 = Vector512.FusedMultiplyAdd(x, b0, c40);
            c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]);
            c50 = Vector512.FusedMultiplyAdd(x, b0, c50);
            c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]);
            c60 = Vector512.FusedMultiplyAdd(x, b0, c60);
            c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]);
            c70 = Vector512.FusedMultiplyAdd(x, b0, c70);
            c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]);
            c80 = Vector512.FusedMultiplyAdd(x, b0, c80);
            c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]);
            c90 = Vector512.FusedMultiplyAdd(x, b0, c90);
            c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]);
            ca0 = Vector512.FusedMultiplyAdd(x, b0, ca0);
            ca1 = Vector512.FusedMultiplyAdd(x, b1, ca1);
            x = Vector512.Create(a[11]);
            cb0 = Vector512.FusedMultiplyAdd(x, b0, cb0);
            cb1 = Vector512.FusedMultiplyAdd(x, b1, cb1);
            a += RowBlock;
            b += PanelWidth;
        }

        var n0 = Vector512.Load(norms);
        var n1 = Vector512.Load(norms + 16);
        var i0 = Vector512.Create(firstCentroid) + Vector512<int>.Indices;
        var i1 = i0 + Vector512.Create(16);
        Update512(c00, c01, n0, n1, i0, i1, bv, bi);
        Update512(c10, c11, n0, n1, i0, i1, bv + 16, bi + 16);
        Update512(c20, c21, n0, n1, i0, i1, bv + 32, bi + 32);
        Update512(c30, c31, n0, n1, i0, i1, bv + 48, bi + 48);
        Update512(c40, c41, n0, n1, i0, i1, bv + 64, bi + 64);
        Update512(c50, c51, n0, n1, i0, i1, bv + 80, bi + 80);
        Update512(c60, c61, n0, n1, i0, i1, bv + 96, bi + 96);
        Update512(c70, c71, n0, n1, i0, i1, bv + 112, bi + 112);
        Update512(c80, c81, n0, n1, i0, i1, bv + 128, bi + 128);
        Update512(c90, c91, n0, n1, i0, i1, bv + 144, bi + 144);
        Update512(ca0, ca1, n0, n1, i0, i1, bv + 160, bi + 160);
        Update512(cb0, cb1, n0, n1, i0, i1, bv + 176, bi + 176);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update256(Vector256<float> dots, Vector256<float> norms, Vector256<int> indices, float* bv, int* bi)
    {
        var dist = Vector256.FusedMultiplyAdd(dots, Vector256.Create(-2f), norms);
        var best = Vector256.Load(bv);
        var lt = Vector256.LessThan(dist, best);
        Vector256.ConditionalSelect(lt, dist, best).Store(bv);
        Vector256.ConditionalSelect(lt.AsInt32(), indices, Vector256.Load(bi)).Store(bi);
    }

    /// <summary>
    /// The 256-bit path: for each of four 8-centroid slices of the panel, 12 rows × 8 centroids (12 ymm
    /// accumulators, fits the 16 registers of AVX2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel256(float* aBase, float* bBase, int d, float* norms, int firstCentroid, float* bv, int* bi)
    {
        for (int s = 0; s < PanelWidth / 8; s++)
        {
            float* a = aBase;
            float* b = bBase + (s * 8);
            Vector256<float> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default;
            Vector256<float> c6 = default, c7 = default, c8 = default, c9 = default, ca = default, cb = default;
            for (int k = 0; k < d; k++)
            {
                var bb = Vector256.Load(b);
                c0 = Vector256.FusedMultiplyAdd(Vector256.Create(a[0]), bb, c0);
                c1 = Vector256.FusedMultiplyAdd(Vector256.Create(a[1]), bb, c1);
                c2 = Vector256.FusedMultiplyAdd(Vector256.Create(a[2]), bb, c2);
                c3 = Vector256.FusedMultiplyAdd(Vector256.Create(a[3]), bb, c3);
                c4 = Vector256.FusedMultiplyAdd(Vector256.Create(a[4]), bb, c4);
                c5 = Vector256.FusedMultiplyAdd(Vector256.Create(a[5]), bb, c5);
                c6 = Vector256.FusedMultiplyAdd(Vector256.Create(a[6]), bb, c6);
                c7 = Vector256.FusedMultiplyAdd(Vector256.Create(a[7]), bb, c7);
                c8 = Vector256.FusedMultiplyAdd(Vector256.Create(a[8]), bb, c8);
                c9 = Vector256.FusedMultiplyAdd(Vector256.Create(a[9]), bb, c9);
                ca = Vector256.FusedMultiplyAdd(Vector256.Create(a[10]), bb, ca);
                cb = Vector256.FusedMultiplyAdd(Vector256.Create(a[11]), bb, cb);
                a += RowBlock;
                b += PanelWidth;
            }

            var n = Vector256.Load(norms + (s * 8));
            var ix = Vector256.Create(firstCentroid + (s * 8)) + Vector256<int>.Indices;

            // With 8 lanes per row, slice s of the panel folds into the same 8 lanes (centroid order within a lane is increasing).
            Update256(c0, n, ix, bv, bi);
            Update256(c1, n, ix, bv + 8, bi + 8);
            Update256(c2, n, ix, bv + 16, bi + 16);
            Update256(c3, n, ix, bv + 24, bi + 24);
            Update256(c4, n, ix, bv + 32, bi + 32);
            Update256(c5, n, ix, bv + 40, bi + 40);
            Update256(c6, n, ix, bv + 48, bi + 48);
            Update256(c7, n, ix, bv + 56, bi + 56);
            Update256(c8, n, ix, bv + 64, bi + 64);
            Update256(c9, n, ix, bv + 72, bi + 72);
            Update256(ca, n, ix, bv + 80, bi + 80);
            Update256(cb, n, ix, bv + 88, bi + 88);
        }
    }

    /// <summary>The reference: for each row, the scalar sequential FMA dot against every centroid (used by tests).</summary>
    public static void AssignReference(ReadOnlySpan<float> rows, int rowCount, ReadOnlySpan<float> centroids, int k, int d, Span<int> labels, Span<float> partialDistances)
    {
        var norms = new float[k];
        for (int j = 0; j < k; j++)
        {
            norms[j] = SquaredNorm(centroids.Slice(j * d, d));
        }

        for (int i = 0; i < rowCount; i++)
        {
            var x = rows.Slice(i * d, d);
            float best = float.PositiveInfinity;
            int arg = 0;
            for (int j = 0; j < k; j++)
            {
                var c = centroids.Slice(j * d, d);
                float dot = 0f;
                for (int t = 0; t < d; t++)
                {
                    dot = MathF.FusedMultiplyAdd(x[t], c[t], dot);
                }

                float dist = MathF.FusedMultiplyAdd(dot, -2f, norms[j]);
                if (dist < best)
                {
                    best = dist;
                    arg = j;
                }
            }

            labels[i] = arg;
            partialDistances[i] = best;
        }
    }
}

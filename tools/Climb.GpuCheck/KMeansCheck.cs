using System.Diagnostics;
using System.Globalization;

namespace Climb.GpuCheck;

/// <summary>
/// Check 1: the ILGPU k-means assignment (with the centroid update and the centroid-merge distances) on the device
/// against the CPU kernels. On CUDA: N=1M, D=1024, K=1000 by default. In the CPU fallback the same ILGPU kernels run on
/// ILGPU's CPU accelerator (N=4000, D=32, K=20 by default), so the kernels' logic is still checked against the CPU path.
/// </summary>
internal static class KMeansCheck
{
    /// <summary>Runs the check and prints its line.</summary>
    /// <param name="mode">auto, cuda or cpu.</param>
    /// <param name="arg">The command line (--n, --d, --k, --iterations, --check-rows).</param>
    /// <returns>The result.</returns>
    public static CheckResult Run(string mode, IReadOnlyDictionary<string, string> arg)
    {
        const string Name = "1/3 k-means assignment (ILGPU)";
        AcceleratorSession? session = null;
        string? whyNotCuda = null;
        try
        {
            if (mode != "cpu")
            {
                session = AcceleratorSession.TryCreateCuda();
                whyNotCuda = session is null ? "ILGPU found no CUDA device (no NVIDIA driver or GPU)" : null;
            }
        }
        catch (Exception ex)
        {
            whyNotCuda = "ILGPU could not open CUDA: " + CheckResult.Reason(ex);
        }

        if (session is null && mode == "cuda")
        {
            return new CheckResult(Name, false, false, whyNotCuda!).Print();
        }

        bool cuda = session is not null;
        session ??= AcceleratorSession.CreateCpu();
        using var owned = session;
        int n = Int("n", cuda ? 1_000_000 : 4000), d = Int("d", cuda ? 1024 : 32), k = Int("k", cuda ? 1000 : 20);
        int iterations = Int("iterations", cuda ? 3 : 1), checkRows = Math.Min(Int("check-rows", cuda ? 20_000 : n), n);
        try
        {
            var (ok, detail) = Compare(session, n, d, k, iterations, checkRows);
            string where = cuda ? $"{session.DeviceName} ({session.Accelerator.Name})" : $"ILGPU's CPU accelerator{(mode == "cpu" ? string.Empty : $" (CPU fallback: {whyNotCuda})")}";
            return new CheckResult(Name, ok, cuda, $"{where}, N={n} D={d} K={k}: {detail}").Print();
        }
        catch (Exception ex)
        {
            return new CheckResult(Name, false, cuda, "the device path threw " + CheckResult.Reason(ex)).Print();
        }

        int Int(string name, int fallback) => arg.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
    }

    private static (bool Ok, string Detail) Compare(AcceleratorSession session, int n, int d, int k, int iterations, int checkRows)
    {
        // Data: K well-separated blobs plus noise, seeded; centroids: K rows of the data (a deterministic start).
        var rng = new Random(12345);
        var centres = new float[k * d];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)((rng.NextDouble() * 2) - 1);
        }

        var rows = new float[(long)n * d];
        Parallel.For(0, n, i =>
        {
            var r = new Random(i);
            int c = i % k;
            for (int t = 0; t < d; t++)
            {
                rows[((long)i * d) + t] = centres[(c * d) + t] + (float)((r.NextDouble() - 0.5) * 0.6);
            }
        });
        var centroids = new float[k * d];
        for (int c = 0; c < k; c++)
        {
            Array.Copy(rows, (long)((c * 7919L) % n) * d, centroids, c * d, d);
        }

        using var backend = new IlgpuKMeansBackend(session, ownsSession: false, rows, n, d);
        var labels = new int[n];
        var partial = new float[n];
        var sizes = new long[k];
        bool ok = true;
        int worstSame = checkRows;
        double maxPartial = 0, maxCentroid = 0, assignSeconds = 0;
        for (int it = 0; it < iterations; it++)
        {
            var before = (float[])centroids.Clone();
            var clock = Stopwatch.StartNew();
            backend.Assign(centroids, k, labels, partial, CancellationToken.None);
            assignSeconds = clock.Elapsed.TotalSeconds;
            backend.Update(labels, k, centroids, sizes, CancellationToken.None);

            var cpuLabels = new int[checkRows];
            var cpuPartial = new float[checkRows];
            CpuAssignmentKernel.Assign(rows.AsMemory(0, checkRows * d), checkRows, new PackedCentroids(before, k, d), cpuLabels, cpuPartial, -1, CancellationToken.None);
            int same = 0;
            for (int i = 0; i < checkRows; i++)
            {
                same += cpuLabels[i] == labels[i] ? 1 : 0;
                maxPartial = Math.Max(maxPartial, Math.Abs(cpuPartial[i] - partial[i]));
            }

            worstSame = Math.Min(worstSame, same);
            var cpuCentroids = new float[k * d];
            var cpuSizes = new long[k];
            KMeansCpu.Update(rows, d, labels, k, cpuCentroids, cpuSizes, -1, CancellationToken.None);
            for (int i = 0; i < cpuCentroids.Length; i++)
            {
                maxCentroid = Math.Max(maxCentroid, Math.Abs(cpuCentroids[i] - centroids[i]));
            }

            ok &= same == checkRows && cpuSizes.SequenceEqual(sizes) && maxCentroid <= 1e-6;
        }

        var distances = new float[(long)k * k];
        CentroidMerger.PairwiseOnAccelerator(session, new EmbeddingMatrix(centroids, d), distances);
        double maxPair = 0;
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                float cpu = KMeansKernels.PairDistance(centroids.AsSpan(i * d, d), centroids.AsSpan(j * d, d));
                maxPair = Math.Max(maxPair, Math.Abs(cpu - distances[((long)i * k) + j]));
            }
        }

        ok &= maxPair <= 1e-4;
        double tflops = 2.0 * n * (double)k * d / assignSeconds / 1e12;
        return (ok, string.Create(CultureInfo.InvariantCulture,
            $"labels equal to the CPU kernel's ({CpuAssignmentKernel.SimdPath}) on {worstSame}/{checkRows} rows, max |Δ distance| {maxPartial:G3}; update max |Δ centroid| {maxCentroid:G3} (≤ 1e-6); merge max |Δ| {maxPair:G3} (≤ 1e-4); assign {assignSeconds:F3} s ({tflops:F2} TFLOP/s)"));
    }
}

using System.Diagnostics;
using System.Globalization;
using Climb;

// Runs the ILGPU k-means assignment, centroid update and centroid-merge (pairwise distance) kernels on a large
// case and compares them with the CPU path. Usage:
//   Climb.GpuCheck [--n 1000000] [--d 1024] [--k 1000] [--iterations 3] [--check-rows 20000] [--device cuda|ilgpu-cpu]
// Prints one line per measurement; exits 1 when the device and the CPU disagree beyond the stated tolerance.
var arg = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    arg[args[i].TrimStart('-')] = args[i + 1];
}

int n = Int("n", 1_000_000), d = Int("d", 1024), k = Int("k", 1000), iterations = Int("iterations", 3), checkRows = Math.Min(Int("check-rows", 20_000), n);
string device = arg.GetValueOrDefault("device", "cuda");
Console.WriteLine($"gpu-check: N={n} D={d} K={k} iterations={iterations} check-rows={checkRows} device={device}; host {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");

using var session = device == "cuda"
    ? AcceleratorSession.TryCreateCuda() ?? throw new InvalidOperationException("ILGPU found no CUDA device (driver missing, or no GPU). Use --device ilgpu-cpu to check the runner itself.")
    : AcceleratorSession.CreateCpu();
Console.WriteLine($"device: {session.DeviceName} ({session.Accelerator.Name}, {session.Accelerator.MemorySize / (1 << 20)} MiB)");

// Data: K well-separated blobs plus noise, seeded; centroids: K rows of the data (a k-means++-free, deterministic start).
var clock = Stopwatch.StartNew();
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

Console.WriteLine($"data: {rows.LongLength * 4 / (1 << 20)} MiB generated in {clock.Elapsed.TotalSeconds:F1} s");
clock.Restart();
using var backend = new IlgpuKMeansBackend(session, ownsSession: false, rows, n, d);
Console.WriteLine($"upload (row-major + transposed copies): {clock.Elapsed.TotalSeconds:F2} s");

var labels = new int[n];
var partial = new float[n];
var sizes = new long[k];
bool ok = true;
for (int it = 0; it < iterations; it++)
{
    var before = (float[])centroids.Clone();
    clock.Restart();
    backend.Assign(centroids, k, labels, partial, CancellationToken.None);
    double assign = clock.Elapsed.TotalSeconds;
    clock.Restart();
    backend.Update(labels, k, centroids, sizes, CancellationToken.None);
    double update = clock.Elapsed.TotalSeconds;
    double flops = 2.0 * n * (double)k * d;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"iteration {it + 1}: assign {assign:F3} s ({flops / assign / 1e12:F2} TFLOP/s), update {update:F3} s, total {assign + update:F3} s per iteration"));

    // Agreement of the assignment with the CPU kernel on the first check-rows rows (same centroids).
    var cpuLabels = new int[checkRows];
    var cpuPartial = new float[checkRows];
    clock.Restart();
    CpuAssignmentKernel.Assign(rows.AsMemory(0, checkRows * d), checkRows, new PackedCentroids(before, k, d), cpuLabels, cpuPartial, -1, CancellationToken.None);
    double cpuSeconds = clock.Elapsed.TotalSeconds;
    int same = 0;
    double maxPartial = 0;
    for (int i = 0; i < checkRows; i++)
    {
        same += cpuLabels[i] == labels[i] ? 1 : 0;
        maxPartial = Math.Max(maxPartial, Math.Abs(cpuPartial[i] - partial[i]));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  assignment vs CPU ({CpuAssignmentKernel.SimdPath}, {cpuSeconds:F2} s for {checkRows} rows = {cpuSeconds * n / checkRows:F1} s extrapolated to N): {same}/{checkRows} labels equal, max |Δ partial distance| {maxPartial:G3}"));
    ok &= same == checkRows;

    // Agreement of the update with the CPU update (double sums in row order) over all rows.
    var cpuCentroids = new float[k * d];
    var cpuSizes = new long[k];
    KMeansCpu.Update(rows, d, labels, k, cpuCentroids, cpuSizes, -1, CancellationToken.None);
    double maxCentroid = 0;
    for (int i = 0; i < cpuCentroids.Length; i++)
    {
        maxCentroid = Math.Max(maxCentroid, Math.Abs(cpuCentroids[i] - centroids[i]));
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  update vs CPU: sizes {(cpuSizes.SequenceEqual(sizes) ? "equal" : "DIFFER")}, max |Δ centroid| {maxCentroid:G3}"));
    ok &= cpuSizes.SequenceEqual(sizes) && maxCentroid <= 1e-6;
}

// Centroid merge: pairwise centroid distances on the device vs the CPU.
clock.Restart();
var distances = new float[(long)k * k];
CentroidMerger.PairwiseOnAccelerator(session, new EmbeddingMatrix(centroids, d), distances);
double pairSeconds = clock.Elapsed.TotalSeconds;
double maxPair = 0;
for (int i = 0; i < k; i++)
{
    for (int j = 0; j < k; j++)
    {
        float cpu = KMeansKernels.PairDistance(centroids.AsSpan(i * d, d), centroids.AsSpan(j * d, d));
        maxPair = Math.Max(maxPair, Math.Abs(cpu - distances[((long)i * k) + j]));
    }
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"centroid merge (pairwise {k}x{k}): {pairSeconds:F3} s, max |Δ distance| vs CPU {maxPair:G3}"));
ok &= maxPair <= 1e-4;
Console.WriteLine(ok ? "gpu-check: PASS (device and CPU agree)" : "gpu-check: FAIL (device and CPU disagree; see above)");
return ok ? 0 : 1;

int Int(string name, int fallback) => arg.TryGetValue(name, out string? v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

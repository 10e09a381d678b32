using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Climb.Benchmarks.Clustering;

/// <summary>
/// `climb-bench kmeans-peers`: Climb's CPU k-means against FAISS (python3-faiss + OpenBLAS) and ML.NET's
/// KMeansTrainer on the same data, back to back in one process run, from the same initial centroids where the
/// peer allows it (ML.NET cannot take initial centroids).
/// </summary>
/// <remarks>
/// Usage: <c>kmeans-peers [--n 100000] [--d 256] [--k 1000] [--iters 10] [--threads 2] [--no-mlnet] [--scaling]</c>.
/// <c>--scaling</c> runs Climb and FAISS over N ∈ {100k, 400k, 1.6M} at K = 1000 and K ∈ {100, 1000, 4000} at N = 100k.
/// </remarks>
internal static class KMeansPeersCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        int n = IntArg(args, "--n", 100_000);
        int d = IntArg(args, "--d", 256);
        int k = IntArg(args, "--k", 1000);
        int iters = IntArg(args, "--iters", 10);
        int threads = IntArg(args, "--threads", Environment.ProcessorCount);
        bool mlnet = !args.Contains("--no-mlnet");
        Console.WriteLine($"# kmeans-peers  {DateTime.UtcNow:u}  cores={Environment.ProcessorCount} simd={CpuAssignmentKernel.SimdPath} .NET {RuntimeInformation.FrameworkDescription}");
        if (args.Contains("--scaling"))
        {
            Console.WriteLine("| N | K | D | iters | Climb s/iter | FAISS s/iter | Climb/FAISS | Climb inertia | FAISS inertia | rel. diff | loadavg |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
            foreach (var (sn, sk) in new[] { (100_000, 1000), (400_000, 1000), (1_600_000, 1000), (100_000, 100), (100_000, 4000) })
            {
                await RunOneAsync(sn, d, sk, iters, threads, mlnet: false, scalingRow: true);
            }

            return 0;
        }

        await RunOneAsync(n, d, k, iters, threads, mlnet, scalingRow: false);
        return 0;
    }

    private static async Task RunOneAsync(int n, int d, int k, int iters, int threads, bool mlnet, bool scalingRow)
    {
        string dir = Path.Combine(Path.GetTempPath(), $"climb-kmeans-{Environment.ProcessId}-{n}-{k}");
        Directory.CreateDirectory(dir);
        try
        {
            var data = Generate(n, d, seed: 17);
            var init = new EmbeddingMatrix(k, d);
            var rng = new Random(23);
            foreach (var (row, j) in KMeansInitializer.SampleIndices(n, k, rng).Select((r, j) => (r, j)))
            {
                data[row].CopyTo(init[j]);
            }

            string dataPath = Path.Combine(dir, "data.f32");
            string initPath = Path.Combine(dir, "init.f32");
            WriteRaw(dataPath, data.Data);
            WriteRaw(initPath, init.Data);

            var climb1 = await RunClimbAsync(data, init, iters, threads);
            var faiss = RunFaiss(dataPath, initPath, n, d, k, iters, threads);
            var climb2 = await RunClimbAsync(data, init, iters, threads);
            double climbIter = (climb1.SecondsPerIteration + climb2.SecondsPerIteration) / 2;
            double rel = (climb1.Inertia - faiss.Inertia) / faiss.Inertia;
            if (scalingRow)
            {
                Console.WriteLine(Invariant($"| {n} | {k} | {d} | {iters} | {climbIter:F3} | {faiss.SecondsPerIteration:F3} | {climbIter / faiss.SecondsPerIteration:F2} | {climb1.Inertia:E6} | {faiss.Inertia:E6} | {rel:P3} | {faiss.LoadAvg} |"));
                return;
            }

            Console.WriteLine(Invariant($"N={n} D={d} K={k} iterations={iters} threads={threads}"));
            Console.WriteLine($"FAISS {faiss.Version}, BLAS loaded: {string.Join(", ", faiss.Blas)} (OpenBLAS: {faiss.OpenBlas}), OMP threads {faiss.OmpThreads}");
            Console.WriteLine("| Implementation | start | s/iteration | total fit s | final inertia | vs FAISS inertia | loadavg before |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            Console.WriteLine(Invariant($"| Climb CPU (run 1) | same centroids | {climb1.SecondsPerIteration:F3} | {climb1.TotalSeconds:F2} | {climb1.Inertia:E6} | {rel:P4} | {climb1.LoadAvg} |"));
            Console.WriteLine(Invariant($"| FAISS {faiss.Version} (OpenBLAS) | same centroids | {faiss.SecondsPerIteration:F3} | {faiss.TotalSeconds:F2} | {faiss.Inertia:E6} | — | {faiss.LoadAvg} |"));
            double rel2 = (climb2.Inertia - faiss.Inertia) / faiss.Inertia;
            Console.WriteLine(Invariant($"| Climb CPU (run 2) | same centroids | {climb2.SecondsPerIteration:F3} | {climb2.TotalSeconds:F2} | {climb2.Inertia:E6} | {rel2:P4} | {climb2.LoadAvg} |"));
            if (mlnet)
            {
                var ml = RunMlNet(data, k, iters, threads);
                double relMl = (ml.Inertia - faiss.Inertia) / faiss.Inertia;
                Console.WriteLine(Invariant($"| ML.NET KMeansTrainer | own init (cannot take centroids) | {ml.SecondsPerIteration:F3} (fit/iters) | {ml.TotalSeconds:F2} | {ml.Inertia:E6} | {relMl:P4} | {ml.LoadAvg} |"));
            }

            Console.WriteLine(Invariant($"Climb/FAISS s/iteration ratio: {climbIter / faiss.SecondsPerIteration:F3} (mean of the two Climb runs)"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record PeerResult(double SecondsPerIteration, double TotalSeconds, double Inertia, string LoadAvg)
    {
        public string Version { get; init; } = "";

        public IReadOnlyList<string> Blas { get; init; } = [];

        public bool OpenBlas { get; init; }

        public int OmpThreads { get; init; }
    }

    private static async Task<PeerResult> RunClimbAsync(EmbeddingMatrix data, EmbeddingMatrix init, int iters, int threads)
    {
        string load = LoadAvg();
        var marks = new List<double>();
        var watch = new Stopwatch();
        var progress = new Marks(p =>
        {
            if (p.Phase == "fit")
            {
                marks.Add(watch.Elapsed.TotalSeconds);
            }
        });
        var clusterer = new KMeansClusterer(new KMeansClustererOptions
        {
            ClusterCount = init.Rows,
            InitialCentroids = init,
            MaxIterations = iters,
            Tolerance = 0,
            MaxPointsPerCentroid = 0,
            Device = ComputeDevice.Cpu,
            MaxDegreeOfParallelism = threads,
        });
        watch.Start();
        var result = await clusterer.ClusterAsync(data, progress);
        watch.Stop();
        double perIter = marks.Count > 1 ? (marks[^1] - marks[0]) / (marks.Count - 1) : marks[0];
        return new PeerResult(perIter, watch.Elapsed.TotalSeconds, result.Inertia, load);
    }

    private static PeerResult RunFaiss(string dataPath, string initPath, int n, int d, int k, int iters, int threads)
    {
        string load = LoadAvg();
        string script = Path.Combine(RepoRoot(), "benchmarks", "peers", "faiss_kmeans.py");
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { script, "--data", dataPath, "--init", initPath, "--n", S(n), "--d", S(d), "--k", S(k), "--iters", S(iters), "--threads", S(threads) })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OPENBLAS_NUM_THREADS"] = S(threads); // sgemm threads (FAISS runs BLAS and its OpenMP loops in turn, never nested)
        psi.Environment["OMP_NUM_THREADS"] = S(threads);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start python3");
        string stdout = p.StandardOutput.ReadToEnd();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"faiss_kmeans.py failed ({p.ExitCode}): {stderr}");
        }

        using var json = JsonDocument.Parse(stdout);
        var r = json.RootElement;
        return new PeerResult(r.GetProperty("seconds_per_iteration").GetDouble(), r.GetProperty("train_seconds").GetDouble(), r.GetProperty("final_inertia").GetDouble(), load)
        {
            Version = r.GetProperty("faiss_version").GetString() ?? "?",
            Blas = r.GetProperty("blas_libraries").EnumerateArray().Select(e => e.GetString() ?? "").ToList(),
            OpenBlas = r.GetProperty("openblas").GetBoolean(),
            OmpThreads = r.GetProperty("omp_threads").GetInt32(),
        };
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }

    private static PeerResult RunMlNet(EmbeddingMatrix data, int k, int iters, int threads)
    {
        string load = LoadAvg();
        int d = data.Dimension;
        var ml = new MLContext(seed: 1);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var rows = Enumerable.Range(0, data.Rows).Select(i => new Row { Features = data[i].ToArray() });
        var view = ml.Data.Cache(ml.Data.LoadFromEnumerable(rows, schema));
        var trainer = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options
        {
            FeatureColumnName = nameof(Row.Features),
            NumberOfClusters = k,
            MaximumNumberOfIterations = iters,
            OptimizationTolerance = 1e-12f,
            InitializationAlgorithm = KMeansTrainer.InitializationAlgorithm.Random,
            NumberOfThreads = threads,
        });
        var watch = Stopwatch.StartNew();
        var model = trainer.Fit(view);
        watch.Stop();

        VBuffer<float>[] centroids = [];
        model.Model.GetClusterCentroids(ref centroids, out int kk);
        var c = new float[kk * d];
        for (int j = 0; j < kk; j++)
        {
            centroids[j].DenseValues().ToArray().CopyTo(c, j * d);
        }

        var labels = new int[data.Rows];
        var partial = new float[data.Rows];
        CpuAssignmentKernel.Assign(data.Buffer, data.Rows, new PackedCentroids(c, kk, d), labels, partial, -1, default);
        double inertia = 0;
        for (int i = 0; i < data.Rows; i++)
        {
            inertia += KMeansCpu.SquaredDistance(data[i], c.AsSpan(labels[i] * d, d));
        }

        return new PeerResult(watch.Elapsed.TotalSeconds / iters, watch.Elapsed.TotalSeconds, inertia, load);
    }

    /// <summary>A Gaussian mixture: 2000 random centres, unit-variance centres and 0.6 noise (seeded, parallel by chunk).</summary>
    private static EmbeddingMatrix Generate(int n, int d, int seed)
    {
        const int centres = 2000;
        var c = new float[centres * d];
        var r0 = new Random(seed);
        for (int i = 0; i < c.Length; i++)
        {
            c[i] = (float)Gaussian(r0);
        }

        var m = new EmbeddingMatrix(n, d);
        var buffer = m.Buffer;
        const int chunk = 16384;
        Parallel.For(0, (n + chunk - 1) / chunk, b =>
        {
            var rng = new Random(seed + 1 + b);
            int end = Math.Min(n, (b + 1) * chunk);
            for (int i = b * chunk; i < end; i++)
            {
                int centre = rng.Next(centres);
                for (int t = 0; t < d; t++)
                {
                    buffer[(i * d) + t] = c[(centre * d) + t] + (float)(0.6 * Gaussian(rng));
                }
            }
        });
        return m;
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static void WriteRaw(string path, ReadOnlySpan<float> values)
    {
        using var f = File.Create(path);
        f.Write(MemoryMarshal.AsBytes(values));
    }

    private static string LoadAvg() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Climb.sln not found above " + AppContext.BaseDirectory);
    }

    private static int IntArg(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string S(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private sealed class Marks(Action<ClusteringProgress> onReport) : IProgress<ClusteringProgress>
    {
        public void Report(ClusteringProgress value) => onReport(value);
    }
}

using System.Diagnostics;
using ILGPU.Runtime;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Lloyd's k-means with k-means++ or k-means‖ seeding, fitted on a sample (FAISS-style points-per-centroid cap)
/// and then applied to every row of the source in a streaming pass, on the CPU (blocked SIMD kernel, all cores)
/// or through ILGPU on a CUDA GPU.
/// </summary>
/// <remarks>
/// <para>The source is read in chunks of <see cref="KMeansClustererOptions.AssignBatchRows"/>; only the fit sample
/// is held in memory. The first pass checks every value (NaN or infinity is an error naming the row) and draws the
/// sample; the last pass assigns every row to the final centroids.</para>
/// <para>Results depend only on the data, the options and the seed: parallel work is split so that no floating-point
/// sum depends on the thread count, and the ILGPU kernels compute the same floats as the CPU path.</para>
/// </remarks>
public sealed partial class KMeansClusterer : IClusterer, ICentroidFitter
{
    private const float SplitPerturbation = 1f / 1024f;

    private readonly KMeansClustererOptions _options;
    private readonly Accelerator? _accelerator;
    private readonly ILogger _logger;

    /// <summary>Initializes a new clusterer.</summary>
    /// <param name="options">The options (validated here); <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public KMeansClusterer(KMeansClustererOptions? options = null, ILogger<KMeansClusterer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new KMeansClustererOptions(), nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Initializes a new clusterer that runs its iterations on an ILGPU accelerator the caller owns (and disposes).</summary>
    /// <param name="options">The options (validated here); <see cref="KMeansClustererOptions.Device"/> is ignored.</param>
    /// <param name="accelerator">The accelerator, for example a CUDA accelerator of an existing ILGPU context.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public KMeansClusterer(KMeansClustererOptions options, Accelerator accelerator, ILogger<KMeansClusterer>? logger = null)
        : this(options, logger)
    {
        ArgumentNullException.ThrowIfNull(accelerator);
        _accelerator = accelerator;
    }

    /// <inheritdoc />
    public string Identity => ComponentIdentity.Of("kmeans", _options);

    /// <inheritdoc />
    public Task<ClusteringResult> ClusterAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        Validate(embeddings);
        return Task.Run(() => Cluster(embeddings, progress, cancellationToken), cancellationToken);
    }

    private void Validate(IEmbeddingSource source)
    {
        var o = _options;
        if (source.Dimension <= 0)
        {
            throw new ArgumentException($"The embedding source has dimension {source.Dimension}; rows must have at least one value.", nameof(source));
        }

        if (source.RowCount <= 0)
        {
            throw new ArgumentException("The embedding source is empty: there is nothing to cluster.", nameof(source));
        }

        if (source.RowCount > Array.MaxLength)
        {
            throw new ArgumentException($"The embedding source has {source.RowCount} rows; at most {Array.MaxLength} are supported.", nameof(source));
        }

        if (o.ClusterCount > source.RowCount)
        {
            throw new ArgumentException($"ClusterCount {o.ClusterCount} exceeds the {source.RowCount} rows of the embedding source.", nameof(source));
        }

        if (o.InitialCentroids is { } init)
        {
            if (init.Dimension != source.Dimension)
            {
                throw new ArgumentException($"InitialCentroids have dimension {init.Dimension} but the embedding source has {source.Dimension}.", nameof(source));
            }

            for (int k = 0; k < init.Rows; k++)
            {
                if (!AllFinite(init[k], out int t))
                {
                    throw new ArgumentException($"InitialCentroids row {k} has a NaN or infinite value at dimension {t}.", nameof(source));
                }
            }
        }
    }

    /// <summary>
    /// Fits the centroids only, reading just the fit sample's rows of the source (no full pass): the main process's half
    /// of a sharded run, whose assignment pass runs as shards elsewhere (<see cref="ShardedAssignment"/>). The centroids,
    /// iterations and sample are exactly those of <see cref="ClusterAsync"/>.
    /// </summary>
    Task<CentroidFit> ICentroidFitter.FitCentroidsAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        Validate(embeddings);
        return Task.Run(
            () =>
            {
                var (session, ownsSession) = OpenDevice();
                try
                {
                    var fit = Fit(embeddings, session, sampleRowsOnly: true, progress, cancellationToken);
                    fit.Backend.Dispose();
                    return new CentroidFit(
                        new EmbeddingMatrix(fit.Centroids, embeddings.Dimension),
                        fit.Iterations,
                        fit.SampleCount,
                        SampleIsAllRows: fit.SampleRows is null,
                        _options.Spherical,
                        ChunkRows(embeddings.Dimension),
                        session?.DeviceName ?? "cpu");
                }
                finally
                {
                    if (ownsSession)
                    {
                        session?.Dispose();
                    }
                }
            },
            cancellationToken);
    }

    private ClusteringResult Cluster(IEmbeddingSource source, IProgress<ClusteringProgress>? progress, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        int n = (int)source.RowCount;
        int d = source.Dimension;
        int k = _options.ClusterCount;

        // Open the device first: asking for CUDA on a machine without it fails before any work.
        var (session, ownsSession) = OpenDevice();
        try
        {
            var fit = Fit(source, session, sampleRowsOnly: false, progress, ct);
            using IKMeansBackend backend = fit.Backend;
            float[] centroids = fit.Centroids;
            string deviceName = session?.DeviceName ?? "cpu";

            // Pass 2: assign every row to the final centroids.
            var assignments = new int[n];
            var finalSizes = new long[k];
            double total = fit.SampleRows is null
                ? AssignInMemory(backend, fit.Sample, n, d, centroids, k, assignments, finalSizes, ct)
                : AssignStreaming(source, session, n, d, centroids, k, assignments, finalSizes, progress, ct);
            watch.Stop();
            LogDone(n, k, fit.Iterations, total, watch.Elapsed.TotalSeconds, deviceName);
            return new ClusteringResult
            {
                Assignments = assignments,
                Centroids = new EmbeddingMatrix(centroids, d),
                Sizes = finalSizes,
                Inertia = total,
                Iterations = fit.Iterations,
                FitSampleCount = fit.SampleCount,
                Device = deviceName,
            };
        }
        finally
        {
            if (ownsSession)
            {
                session?.Dispose();
            }
        }
    }

    /// <summary>Draws the fit sample (pass 1), seeds and runs the Lloyd iterations on it; the caller disposes the backend.</summary>
    private FitState Fit(IEmbeddingSource source, AcceleratorSession? session, bool sampleRowsOnly, IProgress<ClusteringProgress>? progress, CancellationToken ct)
    {
        var o = _options;
        int n = (int)source.RowCount;
        int d = source.Dimension;
        int k = o.ClusterCount;
        int dop = o.MaxDegreeOfParallelism;
        var rng = new Random(o.Seed);

        // Pass 1: check every value and collect the fit sample (or, for a sharded run, read the sample's rows only).
        int sampleCount = FitSampleSize(n);
        int[]? sampleRows = sampleCount < n ? KMeansInitializer.SampleIndices(n, sampleCount, rng) : null;
        float[] sample = sampleRowsOnly && sampleRows is not null
            ? ReadSample(source, sampleRows, ct)
            : ScanAndSample(source, sampleRows, sampleCount, progress, ct);
        if (o.Spherical)
        {
            KMeansCpu.Normalize(sample, d);
        }

        string deviceName = session?.DeviceName ?? "cpu";
        LogFitSample(n, sampleCount, k, d, deviceName);

        // Seeding.
        progress?.Report(new ClusteringProgress("init", 0, 0, k, null));
        float[] centroids = o.InitialCentroids is { } init
            ? init.Data.ToArray()
            : o.Initialization == KMeansInitialization.KMeansParallel
                ? KMeansInitializer.KMeansParallel(sample, sampleCount, d, k, o.ParallelInitRounds, rng, dop, ct)
                : KMeansInitializer.KMeansPlusPlus(sample, sampleCount, d, k, rng, dop, ct);
        if (o.Spherical)
        {
            KMeansCpu.Normalize(centroids, d);
        }

        IKMeansBackend backend = session is null
            ? new CpuKMeansBackend(sample, sampleCount, d, dop)
            : new IlgpuKMeansBackend(session, ownsSession: false, sample, sampleCount, d);
        try
        {
            // Lloyd iterations on the sample.
            var norms = new double[sampleCount];
            for (int i = 0; i < sampleCount; i++)
            {
                norms[i] = CpuAssignmentKernel.SquaredNorm(sample.AsSpan(i * d, d));
            }

            var labels = new int[sampleCount];
            var partial = new float[sampleCount];
            var sizes = new long[k];
            var next = new float[k * d];
            double previous = double.NaN;
            int iterations = 0;
            for (int it = 1; it <= o.MaxIterations; it++)
            {
                ct.ThrowIfCancellationRequested();
                backend.Assign(centroids, k, labels, partial, ct);
                double inertia = 0;
                for (int i = 0; i < sampleCount; i++)
                {
                    inertia += Math.Max(0.0, norms[i] + partial[i]);
                }

                backend.Update(labels, k, next, sizes, ct);
                int empty = ReseedEmptyClusters(next, sizes, d, o.Spherical);
                (centroids, next) = (next, centroids);
                iterations = it;
                LogIteration(it, inertia, empty);
                progress?.Report(new ClusteringProgress("fit", it, it, o.MaxIterations, inertia));
                if (it > 1 && o.Tolerance > 0 && previous > 0 && (previous - inertia) / previous < o.Tolerance)
                {
                    break;
                }

                previous = inertia;
            }

            return new FitState(centroids, iterations, sampleCount, sampleRows, sample, backend);
        }
        catch
        {
            backend.Dispose();
            throw;
        }
    }

    /// <summary>Reads the sample's rows only (sorted indices, consecutive runs read at once), checking each value.</summary>
    private static float[] ReadSample(IEmbeddingSource source, int[] sampleRows, CancellationToken ct)
    {
        int d = source.Dimension;
        var sample = new float[(long)sampleRows.Length * d];
        for (int i = 0; i < sampleRows.Length;)
        {
            ct.ThrowIfCancellationRequested();
            int run = 1;
            while (i + run < sampleRows.Length && sampleRows[i + run] == sampleRows[i] + run && run < 65_536)
            {
                run++;
            }

            var span = sample.AsSpan(i * d, run * d);
            span.Fill(float.NaN);
            source.ReadRows(sampleRows[i], run, span);
            for (int r = 0; r < run; r++)
            {
                if (!AllFinite(span.Slice(r * d, d), out int t))
                {
                    throw new InvalidDataException(
                        $"Row {sampleRows[i] + r} of the embedding source has a NaN or infinite value at dimension {t} (or the source did not write it); clean or re-embed it before clustering.");
                }
            }

            i += run;
        }

        return sample;
    }

    private (AcceleratorSession? Session, bool Owns) OpenDevice()
    {
        if (_accelerator is not null)
        {
            return (new AcceleratorSession(_accelerator), false);
        }

        switch (_options.Device)
        {
            case ComputeDevice.Cpu:
                return (null, false);
            case ComputeDevice.Cuda:
                var cuda = AcceleratorSession.TryCreateCuda()
                    ?? throw new InvalidOperationException("Device is Cuda but ILGPU found no CUDA device (is the NVIDIA driver installed?). Use ComputeDevice.Auto or Cpu.");
                return (cuda, true);
            default:
                var auto = AcceleratorSession.TryCreateCuda();
                return (auto, auto is not null);
        }
    }

    private int FitSampleSize(int n)
    {
        long s = n;
        var o = _options;
        if (o.MaxPointsPerCentroid > 0)
        {
            s = Math.Min(s, (long)o.MaxPointsPerCentroid * o.ClusterCount);
        }

        if (o.FitSampleFraction is double f)
        {
            s = Math.Min(s, Math.Max(o.ClusterCount, (long)Math.Ceiling(f * n)));
        }

        return (int)Math.Max(s, o.ClusterCount);
    }

    private float[] ScanAndSample(IEmbeddingSource source, int[]? sampleRows, int sampleCount, IProgress<ClusteringProgress>? progress, CancellationToken ct)
    {
        int n = (int)source.RowCount;
        int d = source.Dimension;
        int batch = ChunkRows(d);
        var sample = new float[(long)sampleCount * d];
        var buffer = new float[batch * d];
        int nextSample = 0;
        for (int start = 0; start < n; start += batch)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(batch, n - start);
            var span = buffer.AsSpan(0, count * d);
            span.Fill(float.NaN);
            source.ReadRows(start, count, span);
            for (int r = 0; r < count; r++)
            {
                var row = span.Slice(r * d, d);
                if (!AllFinite(row, out int t))
                {
                    throw new InvalidDataException(
                        $"Row {start + r} of the embedding source has a NaN or infinite value at dimension {t} (or the source did not write it); clean or re-embed it before clustering.");
                }

                if (sampleRows is null)
                {
                    row.CopyTo(sample.AsSpan((start + r) * d, d));
                }
                else if (nextSample < sampleCount && sampleRows[nextSample] == start + r)
                {
                    row.CopyTo(sample.AsSpan(nextSample * d, d));
                    nextSample++;
                }
            }

            progress?.Report(new ClusteringProgress("scan", 0, start + count, n, null));
        }

        return sample;
    }

    private int ChunkRows(int dimension) => (int)Math.Max(1, Math.Min(_options.AssignBatchRows, (Array.MaxLength / 2) / dimension));

    private double AssignInMemory(IKMeansBackend backend, float[] rows, int n, int d, float[] centroids, int k, int[] assignments, long[] sizes, CancellationToken ct)
    {
        var partial = new float[n];
        backend.Assign(centroids, k, assignments, partial, ct);
        return Tally(rows, n, d, centroids, assignments, sizes, _options.MaxDegreeOfParallelism);
    }

    private double AssignStreaming(IEmbeddingSource source, AcceleratorSession? session, int n, int d, float[] centroids, int k, int[] assignments, long[] sizes, IProgress<ClusteringProgress>? progress, CancellationToken ct)
    {
        int batch = ChunkRows(d);
        var buffer = new float[batch * d];
        var partial = new float[batch];
        var labels = new int[batch];
        PackedCentroids? packed = session is null ? new PackedCentroids(centroids, k, d) : null;
        double total = 0;
        for (int start = 0; start < n; start += batch)
        {
            ct.ThrowIfCancellationRequested();
            int count = Math.Min(batch, n - start);
            var span = buffer.AsSpan(0, count * d);
            span.Fill(float.NaN);
            source.ReadRows(start, count, span);
            if (!AllFinite(span, out int bad))
            {
                throw new InvalidDataException($"Row {start + (bad / d)} of the embedding source changed between passes: it now has a NaN or infinite value.");
            }

            if (_options.Spherical)
            {
                KMeansCpu.Normalize(span, d);
            }

            if (packed is not null)
            {
                CpuAssignmentKernel.Assign(buffer, count, packed, labels, partial, _options.MaxDegreeOfParallelism, ct);
            }
            else
            {
                using var chunkBackend = new IlgpuKMeansBackend(session!, ownsSession: false, buffer, count, d, assignOnly: true);
                chunkBackend.Assign(centroids, k, labels, partial, ct);
            }

            labels.AsSpan(0, count).CopyTo(assignments.AsSpan(start, count));
            total += Tally(buffer, count, d, centroids, labels, sizes, _options.MaxDegreeOfParallelism);
            progress?.Report(new ClusteringProgress("assign", 0, start + count, n, null));
        }

        return total;
    }

    /// <summary>Adds the sizes and returns the exact (double) sum of squared distances of <paramref name="count"/> rows to their centroids.</summary>
    internal static double Tally(float[] rows, int count, int d, float[] centroids, int[] labels, long[] sizes, int maxDegreeOfParallelism)
    {
        // Fixed blocks summed in order: the total does not depend on the thread count.
        const int block = 4096;
        int blocks = (count + block - 1) / block;
        var sums = new double[blocks];
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, b =>
        {
            int end = Math.Min(count, (b + 1) * block);
            double s = 0;
            for (int i = b * block; i < end; i++)
            {
                int label = labels[i];
                s += KMeansCpu.SquaredDistance(rows.AsSpan(i * d, d), centroids.AsSpan(label * d, d));
            }

            sums[b] = s;
        });
        for (int i = 0; i < count; i++)
        {
            sizes[labels[i]]++;
        }

        double total = 0;
        foreach (double s in sums)
        {
            total += s;
        }

        return total;
    }

    private sealed record FitState(float[] Centroids, int Iterations, int SampleCount, int[]? SampleRows, float[] Sample, IKMeansBackend Backend);

    /// <summary>Re-seeds every empty cluster by splitting the largest one (FAISS's perturbation: ±1/1024 on alternate dimensions).</summary>
    internal static int ReseedEmptyClusters(float[] centroids, long[] sizes, int d, bool spherical)
    {
        int reseeded = 0;
        for (int e = 0; e < sizes.Length; e++)
        {
            if (sizes[e] != 0)
            {
                continue;
            }

            int largest = 0;
            for (int j = 1; j < sizes.Length; j++)
            {
                if (sizes[j] > sizes[largest])
                {
                    largest = j;
                }
            }

            var src = centroids.AsSpan(largest * d, d);
            var dst = centroids.AsSpan(e * d, d);
            for (int t = 0; t < d; t++)
            {
                float v = src[t];
                if (t % 2 == 0)
                {
                    dst[t] = v * (1 + SplitPerturbation);
                    src[t] = v * (1 - SplitPerturbation);
                }
                else
                {
                    dst[t] = v * (1 - SplitPerturbation);
                    src[t] = v * (1 + SplitPerturbation);
                }
            }

            sizes[e] = sizes[largest] / 2;
            sizes[largest] -= sizes[e];
            reseeded++;
        }

        if (spherical)
        {
            KMeansCpu.Normalize(centroids, d);
        }

        return reseeded;
    }

    private static bool AllFinite(ReadOnlySpan<float> values, out int index)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                index = i;
                return false;
            }
        }

        index = -1;
        return true;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "k-means: fitting K={ClusterCount} on {SampleCount} of {RowCount} rows (D={Dimension}) on {Device}")]
    private partial void LogFitSample(int rowCount, int sampleCount, int clusterCount, int dimension, string device);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "k-means iteration {Iteration}: inertia {Inertia} (sample), {Reseeded} empty clusters re-seeded")]
    private partial void LogIteration(int iteration, double inertia, int reseeded);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "k-means: assigned {RowCount} rows to {ClusterCount} clusters after {Iterations} iterations, inertia {Inertia}, {Seconds} s on {Device}")]
    private partial void LogDone(int rowCount, int clusterCount, int iterations, double inertia, double seconds, string device);
}

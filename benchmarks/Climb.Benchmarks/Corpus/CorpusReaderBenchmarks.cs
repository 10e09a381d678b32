using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Climb.Benchmarks.Corpus;

/// <summary>
/// Throughput of <see cref="CorpusReader"/> over the bundled sample corpus (6 JSON lines files, 15,306 documents),
/// stored gzip-compressed (as committed), zstd-compressed and plain. One operation reads every document.
/// Run: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- --filter '*CorpusReaderBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 8)]
public class CorpusReaderBenchmarks
{
    private string folder = string.Empty;

    /// <summary>Gets or sets how the files are stored.</summary>
    [Params("gz", "zst", "plain")]
    public string Storage { get; set; } = "gz";

    // Computed where it is asked for: the summary columns run in the host process, the benchmark in a child process.
    private static readonly Lazy<(long Documents, long Bytes)> SampleTotals = new(() =>
    {
        var reader = CorpusReader.OpenSampleCorpus(FindSampleCorpus());
        var documents = ReadAll(reader).GetAwaiter().GetResult();
        return (documents, reader.Statistics.BytesRead);
    });

    [GlobalSetup]
    public void Setup()
    {
        var sample = FindSampleCorpus();
        folder = Path.Combine(Path.GetTempPath(), "climb-corpus-bench-" + Storage);
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(sample, "*.jsonl.gz"))
        {
            var stem = Path.GetFileName(file)[..^".jsonl.gz".Length];
            using var input = new GZipStream(File.OpenRead(file), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            input.CopyTo(plain);
            var bytes = plain.ToArray();
            switch (Storage)
            {
                case "gz":
                    File.Copy(file, Path.Combine(folder, stem + ".jsonl.gz"), overwrite: true);
                    break;
                case "zst":
                    using (var compressor = new ZstdSharp.Compressor(3))
                    {
                        File.WriteAllBytes(Path.Combine(folder, stem + ".jsonl.zst"), compressor.Wrap(bytes).ToArray());
                    }

                    break;
                default:
                    File.WriteAllBytes(Path.Combine(folder, stem + ".jsonl"), bytes);
                    break;
            }
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark]
    public Task<long> ReadSampleCorpus() => ReadAll(new CorpusReader(folder));

    internal static string FindSampleCorpus() =>
        CorpusReader.FindSampleCorpus(Environment.CurrentDirectory)
        ?? CorpusReader.FindSampleCorpus(AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException("data/sample-corpus not found; run from the repository.");

    private static async Task<long> ReadAll(CorpusReader reader)
    {
        long count = 0;
        await foreach (var document in reader.ReadAsync())
        {
            count += document.Text.Length > 0 ? 1 : 0;
        }

        return count;
    }

    /// <summary>Adds documents/s and MB/s (decompressed JSON) columns computed from the mean and the fastest time.</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(StatisticColumn.Min);
            AddColumn(new ThroughputColumn("docs/s", () => SampleTotals.Value.Documents, fastest: false));
            AddColumn(new ThroughputColumn("MB/s", () => SampleTotals.Value.Bytes / 1e6, fastest: false));
            AddColumn(new ThroughputColumn("best docs/s", () => SampleTotals.Value.Documents, fastest: true));
            AddColumn(new ThroughputColumn("best MB/s", () => SampleTotals.Value.Bytes / 1e6, fastest: true));
        }
    }

    /// <summary>Amount per second at the mean time, or at the fastest iteration (the least disturbed on a shared machine).</summary>
    private sealed class ThroughputColumn(string name, Func<double> amount, bool fastest) : IColumn
    {
        public string Id => "Throughput" + name;

        public string ColumnName => name;

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{name} at the {(fastest ? "fastest" : "mean")} time of one read of the whole sample corpus (MB: decompressed JSON)";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } statistics || statistics.Mean <= 0)
            {
                return "-";
            }

            var nanoseconds = fastest ? statistics.Min : statistics.Mean;
            return (amount() / (nanoseconds / 1e9)).ToString("N1", System.Globalization.CultureInfo.InvariantCulture);
        }

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}

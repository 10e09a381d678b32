namespace Climb.Tests.Embedding;

/// <summary>A hand-written embedder whose behaviour is given by a callback (M.E.AI style).</summary>
internal sealed class DelegateEmbedder(EmbedderInfo info, Func<IReadOnlyList<string>, CancellationToken, EmbeddingMatrix> embed) : IEmbedder
{
    private int _calls;
    private long _texts;

    public EmbedderInfo Info { get; } = info;

    public int Calls => _calls;

    public long TextsEmbedded => Interlocked.Read(ref _texts);

    /// <summary>Gets or sets a callback run before each batch with the 1-based call number.</summary>
    public Action<int>? BeforeBatch { get; set; }

    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        int call = Interlocked.Increment(ref _calls);
        BeforeBatch?.Invoke(call);
        cancellationToken.ThrowIfCancellationRequested();
        Interlocked.Add(ref _texts, texts.Count);
        return Task.FromResult(embed(texts, cancellationToken));
    }

    /// <summary>A deterministic embedder: each text maps to a pseudo-random vector seeded by a stable hash of it.</summary>
    public static DelegateEmbedder Hashing(int dimension = 8, string modelId = "hashing-test") =>
        new(new EmbedderInfo(modelId, dimension), (texts, _) =>
        {
            var m = new EmbeddingMatrix(texts.Count, dimension);
            for (int i = 0; i < texts.Count; i++)
            {
                var rng = new Random(StableHash(texts[i]));
                for (int d = 0; d < dimension; d++)
                {
                    m[i][d] = (float)(rng.NextDouble() * 4 - 2);
                }
            }

            return m;
        });

    public static int StableHash(string s)
    {
        uint h = 2166136261;
        foreach (char c in s)
        {
            h = (h ^ c) * 16777619;
        }

        return (int)(h & 0x7fffffff);
    }
}

using System.Collections.Concurrent;
using Climb;

namespace CachingEmbedderSample;

/// <summary>
/// Middleware around any embedder: each distinct text is embedded once, and a repeated text (exact duplicates are common
/// in web crawls) is served from memory. Only <see cref="EmbedAsync"/> changes; everything else, the identity included,
/// is the inner embedder's, so the pipeline reuses the artifacts of the unwrapped embedder and finds its capabilities
/// (the default embedder is fitted on the corpus first, then wrapped again).
/// </summary>
/// <remarks>The cache holds one vector per distinct text of the corpus; a corpus larger than memory wants a disk cache
/// keyed by a hash of the text instead, in the same shape.</remarks>
public sealed class CachingEmbedder(IEmbedder inner) : DelegatingEmbedder(inner)
{
    private readonly ConcurrentDictionary<string, float[]> _cache = new(StringComparer.Ordinal);
    private long _requested;
    private long _embedded;

    /// <summary>Gets how many texts were asked for.</summary>
    public long Requested => Interlocked.Read(ref _requested);

    /// <summary>Gets how many texts the inner embedder embedded (the rest came from the cache).</summary>
    public long Embedded => Interlocked.Read(ref _embedded);

    /// <inheritdoc />
    public override async Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var missing = texts.Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
        {
            var rows = await InnerEmbedder.EmbedAsync(missing, cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < missing.Count; i++)
            {
                _cache[missing[i]] = rows[i].ToArray();
            }
        }

        Interlocked.Add(ref _requested, texts.Count);
        Interlocked.Add(ref _embedded, missing.Count);
        var result = new EmbeddingMatrix(texts.Count, Info.Dimension);
        for (int i = 0; i < texts.Count; i++)
        {
            _cache[texts[i]].CopyTo(result[i]);
        }

        return result;
    }
}

using System.Globalization;
using System.Text;
using Climb;

namespace PluginEmbedder;

/// <summary>
/// Embeds a text as its character n-gram counts hashed into a fixed number of signed buckets (the hashing trick of
/// Weinberger et al., 2009), sublinearly scaled and L2-normalised. It needs no model file and no fitting, is
/// deterministic, and keeps no state between calls, so one instance serves concurrent callers.
/// </summary>
public sealed class HashedNGramEmbedder : IEmbedder
{
    private readonly int _n;

    /// <summary>Initializes a new instance of the <see cref="HashedNGramEmbedder"/> class.</summary>
    /// <param name="dimension">The number of hash buckets (the vector length), 16 to 65536.</param>
    /// <param name="n">The n-gram length in characters, 1 to 8.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> or <paramref name="n"/> is outside its range.</exception>
    public HashedNGramEmbedder(int dimension = 256, int n = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 16);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(dimension, 65536);
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, 8);
        _n = n;
        Info = new EmbedderInfo(string.Create(CultureInfo.InvariantCulture, $"hashed-char{n}gram-{dimension}"), dimension);
    }

    /// <inheritdoc />
    public EmbedderInfo Info { get; }

    /// <inheritdoc />
    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var matrix = new EmbeddingMatrix(texts.Count, Info.Dimension);
        for (int i = 0; i < texts.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Embed(texts[i] ?? throw new ArgumentException($"Text {i} is null.", nameof(texts)), matrix[i]);
        }

        return Task.FromResult(matrix);
    }

    private void Embed(string text, Span<float> row)
    {
        // Padded and lower-cased, so that word starts and ends are n-grams of their own.
        string padded = " " + text.ToLowerInvariant().Normalize(NormalizationForm.FormC) + " ";
        for (int start = 0; start + _n <= padded.Length; start++)
        {
            uint h = Fnv1a(padded.AsSpan(start, _n));
            row[(int)(h % (uint)row.Length)] += (h & 0x8000_0000) == 0 ? 1f : -1f;
        }

        double norm = 0;
        for (int d = 0; d < row.Length; d++)
        {
            row[d] = MathF.Sign(row[d]) * MathF.Log(1 + MathF.Abs(row[d]));
            norm += row[d] * row[d];
        }

        if (norm > 0)
        {
            float scale = (float)(1 / Math.Sqrt(norm));
            for (int d = 0; d < row.Length; d++)
            {
                row[d] *= scale;
            }
        }
    }

    /// <summary>32-bit FNV-1a over the UTF-16 code units.</summary>
    private static uint Fnv1a(ReadOnlySpan<char> chars)
    {
        uint h = 2166136261;
        foreach (char c in chars)
        {
            h = (h ^ (c & 0xFFu)) * 16777619;
            h = (h ^ ((uint)c >> 8)) * 16777619;
        }

        return h;
    }
}

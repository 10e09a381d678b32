using System.Runtime.CompilerServices;

namespace Climb;

/// <summary>
/// fastText-style sparse features of a text: hashed lower-cased word 1..n-grams, hashed character n-grams of every
/// word with boundary markers (fastText's subwords), and a few length buckets; counts are L2-normalised.
/// </summary>
internal sealed class HashedNgramFeaturizer
{
    private const uint FnvOffset = 2166136261;
    private const uint FnvPrime = 16777619;

    public HashedNgramFeaturizer(int hashBits, int wordNgramLength, int charNgramMin, int charNgramMax, int maxTextCharacters)
    {
        HashBits = hashBits;
        WordNgramLength = wordNgramLength;
        CharNgramMin = charNgramMin;
        CharNgramMax = charNgramMax;
        MaxTextCharacters = maxTextCharacters;
        Mask = (1u << hashBits) - 1;
    }

    public int HashBits { get; }

    public int WordNgramLength { get; }

    public int CharNgramMin { get; }

    public int CharNgramMax { get; }

    public int MaxTextCharacters { get; }

    public int Dimension => 1 << HashBits;

    private uint Mask { get; }

    /// <summary>Fills <paramref name="indices"/> and <paramref name="values"/> with the sorted, de-duplicated,
    /// L2-normalised features of a text and returns their number.</summary>
    public int Featurize(string text, List<int> indices, List<float> values, List<uint> scratch)
    {
        indices.Clear();
        values.Clear();
        scratch.Clear();
        var span = text.AsSpan(0, Math.Min(text.Length, MaxTextCharacters));
        Span<char> word = stackalloc char[66];
        Span<uint> history = stackalloc uint[4];
        var words = 0;
        var lines = 1;
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && char.IsWhiteSpace(span[i]))
            {
                if (span[i] == '\n')
                {
                    lines++;
                }

                i++;
            }

            var start = i;
            while (i < span.Length && !char.IsWhiteSpace(span[i]))
            {
                i++;
            }

            if (i == start)
            {
                break;
            }

            var token = span[start..Math.Min(i, start + 64)];
            word[0] = '<';
            var n = token.ToLowerInvariant(word[1..]);
            word[n + 1] = '>';
            var marked = word[..(n + 2)];
            var wordHash = Hash(marked, FnvOffset);
            scratch.Add(wordHash & Mask);
            for (var k = 1; k < WordNgramLength && k <= words; k++)
            {
                var h = wordHash;
                for (var j = 0; j < k; j++)
                {
                    h = Mix(h, history[j]);
                }

                scratch.Add((h ^ (uint)(k * 0x9E3779B9)) & Mask);
            }

            for (var j = Math.Min(3, WordNgramLength - 1); j > 0; j--)
            {
                history[j] = history[j - 1];
            }

            history[0] = wordHash;
            words++;

            for (var len = CharNgramMin; len <= CharNgramMax; len++)
            {
                var seed = FnvOffset ^ (uint)(len * 0x85EBCA6B);
                for (var p = 0; p + len <= marked.Length; p++)
                {
                    if (len == marked.Length)
                    {
                        break; // the whole marked word is already a word feature
                    }

                    scratch.Add(Hash(marked.Slice(p, len), seed) & Mask);
                }
            }
        }

        // Length buckets (log2 of words and lines), so a linear model can see volume.
        scratch.Add(Hash("__words", (uint)Math.Min(16, Log2(words))) & Mask);
        scratch.Add(Hash("__lines", (uint)Math.Min(16, Log2(lines))) & Mask);
        scratch.Add(Hash("__bias", 1) & Mask);

        var arr = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(scratch);
        arr.Sort();
        double norm = 0;
        var idx = 0;
        while (idx < arr.Length)
        {
            var f = arr[idx];
            var count = 1;
            while (idx + count < arr.Length && arr[idx + count] == f)
            {
                count++;
            }

            indices.Add((int)f);
            values.Add(count);
            norm += (double)count * count;
            idx += count;
        }

        var inv = (float)(1.0 / Math.Sqrt(Math.Max(norm, 1e-12)));
        var vs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(values);
        for (var k = 0; k < vs.Length; k++)
        {
            vs[k] *= inv;
        }

        return indices.Count;
    }

    private static int Log2(int v) => v <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<char> s, uint seed)
    {
        var h = seed;
        foreach (var c in s)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h ^ (h >> 15);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Mix(uint a, uint b) => ((a * 0x9E3779B1) ^ b) * 0x85EBCA77;
}

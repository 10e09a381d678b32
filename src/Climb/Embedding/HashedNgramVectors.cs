using System.Numerics.Tensors;

namespace Climb;

/// <summary>
/// Vectors for words outside a word-vector vocabulary, built from the words' characters: the word, marked at both
/// ends ("&lt;word&gt;"), is cut into its character n-grams of 3 to 5 characters, plus the whole marked word; each
/// n-gram is hashed (FNV-1a, 64 bits) to a random ±1 vector (SplitMix64 bits); the word's vector is their sum,
/// scaled to <see cref="TargetNorm"/> in expectation. It is a random projection of the word's bag of character
/// n-grams (the hashing trick of fastText's subword vectors, without training): words sharing n-grams get
/// correlated vectors. Integer hashing and a fixed summation order make every vector the same on every machine.
/// </summary>
internal sealed class HashedNgramVectors
{
    /// <summary>The shortest n-gram.</summary>
    public const int MinN = 3;

    /// <summary>The longest n-gram.</summary>
    public const int MaxN = 5;

    /// <summary>The method's identity, part of the embedder's model identity.</summary>
    public const string Method = "fnv1a-splitmix-pm1-n3-5";

    private readonly int _dimension;
    private readonly float _scale;

    /// <summary>Initializes a generator of <paramref name="dimension"/>-dimensional word vectors whose expected length is <paramref name="targetNorm"/>.</summary>
    public HashedNgramVectors(int dimension, float targetNorm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        _dimension = dimension;
        TargetNorm = targetNorm;
        _scale = targetNorm / MathF.Sqrt(dimension);
    }

    /// <summary>Gets the expected length of a word's vector.</summary>
    public float TargetNorm { get; }

    /// <summary>Adds <paramref name="weight"/> times the vector of <paramref name="word"/> to <paramref name="destination"/>.</summary>
    /// <param name="word">The word (already lower-cased), at most <see cref="SifTokenizer.MaxWordLength"/> characters.</param>
    /// <param name="weight">The word's weight.</param>
    /// <param name="destination">The row to add to (length: the dimension).</param>
    /// <param name="scratch">Working space of the dimension's length; its content is overwritten.</param>
    public void Add(ReadOnlySpan<char> word, float weight, Span<float> destination, Span<float> scratch)
    {
        Span<char> marked = stackalloc char[SifTokenizer.MaxWordLength + 2];
        marked[0] = '<';
        word.CopyTo(marked[1..]);
        marked[word.Length + 1] = '>';
        marked = marked[..(word.Length + 2)];

        scratch = scratch[.._dimension];
        scratch.Clear();
        int features = 0;
        for (int n = MinN; n <= MaxN; n++)
        {
            for (int start = 0; start + n <= marked.Length; start++)
            {
                AddSigns(Hash(marked.Slice(start, n)), scratch);
                features++;
            }
        }

        if (marked.Length > MaxN || features == 0)
        {
            // The whole word is its own feature (for a word of 1 to 3 letters it is also its only n-gram of length >= 3).
            AddSigns(Hash(marked), scratch);
            features++;
        }

        // A sum of m independent ±1 vectors has expected squared length m * dimension.
        TensorPrimitives.MultiplyAdd(scratch, weight * _scale / MathF.Sqrt(features), destination, destination);
    }

    private static ulong Hash(ReadOnlySpan<char> gram)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in gram)
        {
            h = (h ^ (byte)c) * 1099511628211UL;
            h = (h ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return h;
    }

    private static void AddSigns(ulong seed, Span<float> accumulator)
    {
        ulong state = seed;
        for (int start = 0; start < accumulator.Length; start += 64)
        {
            // SplitMix64: 64 well-mixed bits per step.
            state += 0x9E3779B97F4A7C15UL;
            ulong z = state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            int end = Math.Min(64, accumulator.Length - start);
            for (int b = 0; b < end; b++)
            {
                accumulator[start + b] += (int)((z >> b) & 1) * 2 - 1;
            }
        }
    }
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Climb;

/// <summary>
/// An interpolated modified Kneser-Ney n-gram model (Chen and Goodman 1998): raw counts at the highest order,
/// continuation counts (number of distinct left extensions) below, three discounts per order from the
/// count-of-counts, and a uniform distribution over the vocabulary under the unigrams. N-grams are packed
/// 24 bits per token into a 128-bit key (vocabularies up to 16.7M ids, orders up to 5).
/// </summary>
internal sealed class KneserNeyModel : ITokenScorer
{
    private const int Bits = 24;
    private readonly Dictionary<UInt128, int>[] _counts;      // index n-1: n-gram -> (adjusted) count
    private readonly Dictionary<UInt128, ContextStats>[] _contexts; // index n-1: (n-1)-gram context -> stats
    private readonly double[][] _discounts;                   // index n-1: D1, D2, D3+

    private KneserNeyModel(int order, int vocabularySize, int maxSequenceLength, double? fixedDiscount)
    {
        Order = order;
        VocabularySize = vocabularySize;
        MaxSequenceLength = maxSequenceLength;
        _counts = new Dictionary<UInt128, int>[order];
        _contexts = new Dictionary<UInt128, ContextStats>[order];
        _discounts = new double[order][];
        for (int n = 0; n < order; n++)
        {
            _counts[n] = [];
            _contexts[n] = [];
            _discounts[n] = fixedDiscount is { } d ? [d, d, d] : [0, 0, 0];
        }
    }

    public int Order { get; }

    public int VocabularySize { get; }

    public int MaxSequenceLength { get; }

    public long TrainingTokens { get; private set; }

    /// <summary>Gets the discounts D1, D2, D3+ of order <paramref name="n"/> (1-based).</summary>
    public IReadOnlyList<double> Discounts(int n) => _discounts[n - 1];

    /// <summary>Gets the number of distinct n-grams of order <paramref name="n"/>.</summary>
    public int DistinctNgrams(int n) => _counts[n - 1].Count;

    /// <summary>Trains on sequences; n-grams never span two sequences.</summary>
    public static KneserNeyModel Train(IEnumerable<int[]> sequences, int order, int vocabularySize, int maxSequenceLength, double? fixedDiscount, CancellationToken ct)
    {
        if (order is < 1 or > 5)
        {
            throw new ArgumentOutOfRangeException(nameof(order), order, "The order must be 1 to 5.");
        }

        if (vocabularySize is < 1 or > (1 << Bits))
        {
            throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        }

        var m = new KneserNeyModel(order, vocabularySize, maxSequenceLength, fixedDiscount);
        var top = m._counts[order - 1];
        long tokens = 0;
        foreach (int[] seq in sequences)
        {
            ct.ThrowIfCancellationRequested();
            tokens += seq.Length;
            for (int i = 0; i < seq.Length; i++)
            {
                if ((uint)seq[i] >= (uint)vocabularySize)
                {
                    throw new ArgumentOutOfRangeException(nameof(sequences), $"Token {seq[i]} is outside the vocabulary of {vocabularySize}.");
                }
            }

            // Highest-order counts from every full window (the first Order-1 tokens of a sequence are context only).
            for (int i = order - 1; i < seq.Length; i++)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(top, Pack(seq.AsSpan(i - order + 1, order)), out _)++;
            }
        }

        m.TrainingTokens = tokens;

        // Continuation counts: each distinct (n+1)-gram adds one to the n-gram that drops its first token.
        for (int n = order - 1; n >= 1; n--)
        {
            var lower = m._counts[n - 1];
            foreach (var key in m._counts[n].Keys)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(lower, key >> Bits, out _)++;
            }
        }

        for (int n = 1; n <= order; n++)
        {
            ct.ThrowIfCancellationRequested();
            var ctx = m._contexts[n - 1];
            var coc = new long[5];
            UInt128 mask = n == 1 ? UInt128.Zero : (UInt128.One << (Bits * (n - 1))) - 1;
            foreach (var (key, a) in m._counts[n - 1])
            {
                ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(ctx, key & mask, out _);
                s.Sum += a;
                if (a == 1)
                {
                    s.N1++;
                }
                else if (a == 2)
                {
                    s.N2++;
                }
                else
                {
                    s.N3++;
                }

                if (a <= 4)
                {
                    coc[a]++;
                }
            }

            if (fixedDiscount is null)
            {
                m._discounts[n - 1] = ModifiedDiscounts(coc[1], coc[2], coc[3], coc[4]);
            }
        }

        return m;
    }

    /// <summary>The discounts used when Chen and Goodman's estimates are undefined or out of range (KenLM's fallback).</summary>
    internal static readonly double[] FallbackDiscounts = [0.5, 1.0, 1.5];

    /// <summary>
    /// Chen and Goodman's estimates D1, D2, D3+ from the count-of-counts n1..n4. Every discount must be positive: a zero
    /// discount takes no mass from the counts it applies to, so a context whose continuations all fall in that class
    /// keeps no back-off weight and every token it never saw gets probability 0 (an infinite loss). The estimates leave
    /// (0, k] when the count-of-counts are not the smooth, decreasing profile the formula assumes, which is what a
    /// mixture that draws many times the tokens of one small cluster produces (the same few n-grams seen over and over).
    /// Then, as KenLM's <c>--discount_fallback</c> does, the whole order uses the fallback discounts 0.5, 1, 1.5.
    /// </summary>
    internal static double[] ModifiedDiscounts(long n1, long n2, long n3, long n4)
    {
        if (n1 == 0 || n2 == 0)
        {
            return [.. FallbackDiscounts];
        }

        double y = n1 / (n1 + (2.0 * n2));
        double d1 = 1 - (2 * y * n2 / n1);
        double d2 = 2 - (3 * y * n3 / n2);
        double d3 = n3 == 0 ? FallbackDiscounts[2] : 3 - (4 * y * n4 / n3);
        bool inRange = d1 is > 0 and <= 1 && d2 is > 0 and <= 2 && d3 is > 0 and <= 3;
        return inRange ? [d1, d2, d3] : [.. FallbackDiscounts];
    }

    /// <summary>The probability of <paramref name="token"/> after <paramref name="context"/> (only the last Order-1 tokens matter).</summary>
    public double Probability(ReadOnlySpan<int> context, int token)
    {
        double p = 1.0 / VocabularySize;
        int maxN = Math.Min(Order, context.Length + 1);
        for (int n = 1; n <= maxN; n++)
        {
            var h = context[(context.Length - n + 1)..];
            UInt128 hk = Pack(h);
            if (!_contexts[n - 1].TryGetValue(hk, out var s) || s.Sum == 0)
            {
                continue;
            }

            _counts[n - 1].TryGetValue(hk | ((UInt128)(uint)token << (Bits * (n - 1))), out int a);
            double[] d = _discounts[n - 1];
            double da = a == 0 ? 0 : a == 1 ? d[0] : a == 2 ? d[1] : d[2];
            double gamma = ((d[0] * s.N1) + (d[1] * s.N2) + (d[2] * s.N3)) / s.Sum;
            p = (Math.Max(a - da, 0) / s.Sum) + (gamma * p);
        }

        return p;
    }

    public double[] SumLogProbabilities(IReadOnlyList<ScoringRequest> requests, CancellationToken cancellationToken)
    {
        var result = new double[requests.Count];
        Parallel.For(0, requests.Count, new ParallelOptions { CancellationToken = cancellationToken }, r =>
        {
            var req = requests[r];
            double sum = 0;
            for (int i = req.ScoredFrom; i < req.Tokens.Length; i++)
            {
                int from = Math.Max(0, i - Order + 1);
                sum += Math.Log(Probability(req.Tokens.AsSpan(from, i - from), req.Tokens[i]));
            }

            result[r] = sum;
        });
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static UInt128 Pack(ReadOnlySpan<int> tokens)
    {
        UInt128 key = UInt128.Zero;
        for (int j = 0; j < tokens.Length; j++)
        {
            key |= (UInt128)(uint)tokens[j] << (Bits * j);
        }

        return key;
    }

    private struct ContextStats
    {
        public long Sum;
        public int N1;
        public int N2;
        public int N3;
    }
}

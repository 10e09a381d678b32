namespace Climb;

/// <summary>
/// Draws training sequences from tokenised clusters (<see cref="ITokenizedClusters"/>): each sequence picks a cluster with
/// probability equal to its mixture weight, then a uniform start position in that cluster's token stream
/// (documents packed with end of text between them, wrapping at the end). Deterministic for a given store,
/// mixture, length and seed.
/// </summary>
internal sealed class MixtureSequenceSampler
{
    private readonly ITokenizedClusters _store;
    private readonly double[] _cumulative;
    private readonly int[] _clusters;
    private readonly long[] _draws;
    private SplitMix64 _rng;

    /// <summary>Initializes the sampler.</summary>
    /// <param name="store">The tokenised clusters.</param>
    /// <param name="mixture">One weight per cluster of the store.</param>
    /// <param name="sequenceLength">Tokens per sequence (context length + 1 for next-token targets).</param>
    /// <param name="seed">The seed.</param>
    /// <exception cref="ArgumentException">The mixture does not match the store, or puts weight on an empty cluster.</exception>
    public MixtureSequenceSampler(ITokenizedClusters store, MixtureWeights mixture, int sequenceLength, int seed)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 2);
        if (mixture.Count != store.ClusterCount)
        {
            throw new ArgumentException($"The mixture has {mixture.Count} weights but the store has {store.ClusterCount} clusters.", nameof(mixture));
        }

        var cumulative = new List<double>();
        var clusters = new List<int>();
        double sum = 0;
        for (int c = 0; c < mixture.Count; c++)
        {
            if (mixture[c] <= 0)
            {
                continue;
            }

            if (store.TokenCounts[c] == 0)
            {
                throw new ArgumentException($"Cluster {c} has weight {mixture[c]} but no tokens.", nameof(mixture));
            }

            sum += mixture[c];
            cumulative.Add(sum);
            clusters.Add(c);
        }

        for (int i = 0; i < cumulative.Count; i++)
        {
            cumulative[i] /= sum;
        }

        cumulative[^1] = 1.0;
        _store = store;
        _cumulative = [.. cumulative];
        _clusters = [.. clusters];
        _draws = new long[store.ClusterCount];
        SequenceLength = sequenceLength;
        _rng = new SplitMix64((ulong)(uint)seed * 0x9E3779B97F4A7C15UL ^ 0xC1B0C1B0UL);
    }

    /// <summary>Gets the tokens per sequence.</summary>
    public int SequenceLength { get; }

    /// <summary>Gets how many sequences each cluster has supplied so far.</summary>
    public IReadOnlyList<long> DrawsPerCluster => _draws;

    /// <summary>Fills <paramref name="destination"/> with <c>destination.Length / SequenceLength</c> sequences, one after another.</summary>
    /// <param name="destination">A span whose length is a multiple of <see cref="SequenceLength"/>.</param>
    public void NextBatch(Span<int> destination)
    {
        if (destination.Length % SequenceLength != 0)
        {
            throw new ArgumentException($"Length {destination.Length} is not a multiple of the sequence length {SequenceLength}.", nameof(destination));
        }

        for (int off = 0; off < destination.Length; off += SequenceLength)
        {
            double u = _rng.NextDouble();
            int k = Array.BinarySearch(_cumulative, u);
            k = k < 0 ? ~k : k;
            k = Math.Min(k, _clusters.Length - 1);
            int cluster = _clusters[k];
            long start = (long)(_rng.NextDouble() * _store.TokenCounts[cluster]);
            _store.ReadTokens(cluster, start, destination.Slice(off, SequenceLength));
            _draws[cluster]++;
        }
    }

    internal struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
    }
}

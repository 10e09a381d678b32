namespace Climb.Testing;

/// <summary>
/// Clusters of documents tokenised in memory, laid out as Climb's on-disk store lays them out (each document's tokens, then
/// one end-of-text id): the data <see cref="ProxyTrainerConformanceTests"/> trains on without the Climb package.
/// </summary>
/// <remarks>Model ids are the tokenizer's ids (no vocabulary compaction); <see cref="DirectoryPath"/> is <see langword="null"/>.</remarks>
public sealed class InMemoryTokenizedClusters : ITokenizedClusters
{
    private readonly int[][] _tokens;
    private readonly long[] _tokenCounts;
    private readonly long[] _documentCounts;

    /// <summary>Initializes a new instance of the <see cref="InMemoryTokenizedClusters"/> class by tokenising every document.</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="clusters">The documents' texts of each cluster; every cluster needs at least one document.</param>
    /// <exception cref="ArgumentException">There are no clusters, or a cluster has no documents.</exception>
    public InMemoryTokenizedClusters(ITokenizer tokenizer, IReadOnlyList<IEnumerable<string>> clusters)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0)
        {
            throw new ArgumentException("At least one cluster is needed.", nameof(clusters));
        }

        Tokenizer = tokenizer;
        _tokens = new int[clusters.Count][];
        _tokenCounts = new long[clusters.Count];
        _documentCounts = new long[clusters.Count];
        var ids = new List<int>();
        for (int c = 0; c < clusters.Count; c++)
        {
            var stream = new List<int>();
            foreach (string text in clusters[c] ?? throw new ArgumentException($"Cluster {c} is null.", nameof(clusters)))
            {
                ids.Clear();
                tokenizer.Encode(text, ids);
                stream.AddRange(ids);
                stream.Add(tokenizer.EndOfTextId);
                _documentCounts[c]++;
            }

            if (_documentCounts[c] == 0)
            {
                throw new ArgumentException($"Cluster {c} has no documents.", nameof(clusters));
            }

            _tokens[c] = [.. stream];
            _tokenCounts[c] = stream.Count;
        }
    }

    /// <inheritdoc />
    public string? DirectoryPath => null;

    /// <inheritdoc />
    public ITokenizer Tokenizer { get; }

    /// <inheritdoc />
    public VocabularyCompaction? Compaction => null;

    /// <inheritdoc />
    public int ClusterCount => _tokens.Length;

    /// <inheritdoc />
    public IReadOnlyList<long> TokenCounts => _tokenCounts;

    /// <inheritdoc />
    public IReadOnlyList<long> DocumentCounts => _documentCounts;

    /// <inheritdoc />
    public long TotalTokens => _tokenCounts.Sum();

    /// <inheritdoc />
    public int ModelVocabularySize => Tokenizer.VocabularySize;

    /// <inheritdoc />
    public int ModelEndOfTextId => Tokenizer.EndOfTextId;

    /// <inheritdoc />
    public void EncodeForModel(string text, List<int> ids) => Tokenizer.Encode(text, ids);

    /// <inheritdoc />
    public void ReadTokens(int cluster, long start, Span<int> destination)
    {
        if ((uint)cluster >= (uint)_tokens.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(cluster), cluster, $"There are {_tokens.Length} clusters.");
        }

        int[] tokens = _tokens[cluster];
        if (start < 0 || start >= tokens.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(start), start, $"Cluster {cluster} has {tokens.Length} tokens.");
        }

        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = tokens[(start + i) % tokens.Length];
        }
    }
}

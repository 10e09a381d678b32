namespace Climb;

/// <summary>
/// Read-only access to a corpus tokenised per (super-)cluster: what a proxy trainer, a sampler or an evaluation target
/// needs, and nothing that builds or disposes a store. <c>TokenizedClusterStore</c> is the on-disk implementation;
/// a test or a plug-in can supply its own (for example tokens held in memory).
/// </summary>
public interface ITokenizedClusters
{
    /// <summary>Gets the folder the clusters live in (what a worker on another machine opens), or <see langword="null"/> when they are not on disk.</summary>
    string? DirectoryPath { get; }

    /// <summary>Gets the tokenizer the corpus was tokenised with.</summary>
    ITokenizer Tokenizer { get; }

    /// <summary>Gets the vocabulary compaction, or <see langword="null"/> when model ids are tokenizer ids.</summary>
    VocabularyCompaction? Compaction { get; }

    /// <summary>Gets the number of clusters.</summary>
    int ClusterCount { get; }

    /// <summary>Gets the exact number of tokens of each cluster (document tokens plus one end of text per document).</summary>
    IReadOnlyList<long> TokenCounts { get; }

    /// <summary>Gets the number of documents of each cluster.</summary>
    IReadOnlyList<long> DocumentCounts { get; }

    /// <summary>Gets the number of tokens in all clusters.</summary>
    long TotalTokens { get; }

    /// <summary>Gets the vocabulary size a model over these clusters needs (dense size when compacted).</summary>
    int ModelVocabularySize { get; }

    /// <summary>Gets the end-of-text id in model ids.</summary>
    int ModelEndOfTextId { get; }

    /// <summary>Tokenises text into model ids (tokenizer, then compaction with unseen ids mapped to UNK).</summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">The list the model ids are appended to.</param>
    void EncodeForModel(string text, List<int> ids);

    /// <summary>Copies model ids from a cluster's token stream, wrapping around at its end.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="start">The first token position (0 to the cluster's token count - 1).</param>
    /// <param name="destination">Where the ids go; its length is the number of tokens read.</param>
    void ReadTokens(int cluster, long start, Span<int> destination);
}

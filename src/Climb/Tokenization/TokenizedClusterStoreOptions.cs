namespace Climb;

/// <summary>Options for building a <see cref="TokenizedClusterStore"/>.</summary>
public sealed class TokenizedClusterStoreOptions
{
    /// <summary>Gets or sets whether to map the ids that occur in the corpus onto a dense range (plus UNK and end of text).</summary>
    /// <value>Default <see langword="false"/>. Turn on for small models over a large tiktoken vocabulary.</value>
    public bool CompactVocabulary { get; set; }

    /// <summary>Gets or sets how many documents are tokenised together in parallel.</summary>
    /// <value>Default 512.</value>
    [System.ComponentModel.DataAnnotations.Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the number of threads that tokenise (0 = all cores).</summary>
    /// <value>Default 0.</value>
    [System.ComponentModel.DataAnnotations.Range(0, 4096)]
    public int MaxDegreeOfParallelism { get; set; }
}

namespace Climb;

/// <summary>Exact accounting of an exported dataset.</summary>
public sealed class DatasetExportResult
{
    /// <summary>Gets the folder the shards were written to.</summary>
    public required string Folder { get; init; }

    /// <summary>Gets the shard files, in order.</summary>
    public required IReadOnlyList<string> Shards { get; init; }

    /// <summary>Gets the accounting of each mixture component (super-cluster), in component order.</summary>
    public required IReadOnlyList<ComponentExport> Components { get; init; }

    /// <summary>Gets the total number of documents written (repeats counted).</summary>
    public long Documents => Components.Sum(c => c.DocumentsWritten);

    /// <summary>Gets the total number of tokens written.</summary>
    public long Tokens => Components.Sum(c => c.TokensWritten);
}

/// <summary>What one mixture component contributed to an exported dataset.</summary>
/// <param name="Component">The component (super-cluster) index.</param>
/// <param name="Weight">Its mixture weight.</param>
/// <param name="TargetTokens">Weight × budget.</param>
/// <param name="TokensWritten">Tokens actually written (repeats counted).</param>
/// <param name="DocumentsWritten">Documents written (repeats counted).</param>
/// <param name="AvailableTokens">Tokens in the component.</param>
/// <param name="Epochs">Passes over the component (1 = no repetition).</param>
public sealed record ComponentExport(int Component, double Weight, long TargetTokens, long TokensWritten, long DocumentsWritten, long AvailableTokens, int Epochs);

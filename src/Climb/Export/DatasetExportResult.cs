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

    /// <summary>Gets the number of tokens the export was asked for (<see cref="MixedDatasetExporterOptions.TokenBudget"/>).</summary>
    public long TokenBudget { get; init; }

    /// <summary>Gets how many budgeted tokens could not be written (components that ran out of documents), or 0.</summary>
    public long Shortfall => Math.Max(0, TokenBudget - Tokens);

    /// <summary>Gets whether the export fell short of its budget by more than the rounding of whole documents (0.5%).</summary>
    public bool IsShortOfBudget => Shortfall > TokenBudget / 200;

    /// <summary>Gets each component's share of the written tokens, in component order (compare with the mixture's weights).</summary>
    public IReadOnlyList<double> WrittenShares => Components.Select(c => Tokens == 0 ? 0 : (double)c.TokensWritten / Tokens).ToArray();

    /// <summary>Gets the largest absolute difference between a component's written share and its mixture weight.</summary>
    public double MaxShareDeviation => Components.Count == 0 ? 0 : Components.Zip(WrittenShares).Max(p => Math.Abs(p.First.Weight - p.Second));
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

using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The file format of an exported dataset.</summary>
public enum DatasetFormat
{
    /// <summary>JSON Lines, one document per line (<c>.jsonl</c>).</summary>
    Jsonl = 0,

    /// <summary>Apache Parquet (<c>.parquet</c>), one row group per flush.</summary>
    Parquet = 1,
}

/// <summary>Options of the export stage (<see cref="ClimbPipelineOptions.Export"/>), which writes the mixed dataset (<see cref="ClimbResult.Dataset"/>).</summary>
public sealed class MixedDatasetExporterOptions
{
    /// <summary>Gets or sets the number of tokens the exported dataset should hold.</summary>
    /// <value>The default is 10 000 000.</value>
    [Range(1L, long.MaxValue)]
    public long TokenBudget { get; set; } = 10_000_000;

    /// <summary>Gets or sets the output format.</summary>
    /// <value>The default is <see cref="DatasetFormat.Jsonl"/>.</value>
    public DatasetFormat Format { get; set; } = DatasetFormat.Jsonl;

    /// <summary>Gets or sets the number of shards documents are spread over (at random, seeded).</summary>
    /// <value>The default is 4.</value>
    [Range(1, 100_000)]
    public int ShardCount { get; set; } = 4;

    /// <summary>Gets or sets whether a cluster with fewer tokens than its share is repeated (extra epochs).</summary>
    /// <value>The default is <see langword="true"/>; when <see langword="false"/> the shortfall is reported.</value>
    public bool AllowRepetition { get; set; } = true;

    /// <summary>Gets or sets the maximum number of epochs over one cluster when repeating.</summary>
    /// <value>The default is 4.</value>
    [Range(1, 1000)]
    public int MaxEpochs { get; set; } = 4;

    /// <summary>Gets or sets the seed of document selection and shard placement.</summary>
    /// <value>The default is 0.</value>
    public int Seed { get; set; }
}

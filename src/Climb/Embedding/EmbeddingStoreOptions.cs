using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The number format of the rows an <see cref="EmbeddingStore"/> keeps on disk.</summary>
internal enum EmbeddingDataType
{
    /// <summary>IEEE 754 single precision, 4 bytes a value (exact).</summary>
    Float32 = 0,

    /// <summary>IEEE 754 half precision, 2 bytes a value (relative error below 1e-3; values beyond ±65504 are an error).</summary>
    Float16 = 1,
}

/// <summary>Options of <see cref="EmbeddingStore.BuildAsync"/>.</summary>
internal sealed class EmbeddingStoreOptions
{
    /// <summary>Gets or sets the number of documents per shard, the unit of resumption.</summary>
    /// <value>
    /// Default 10,000. The documents of one shard are held in memory while it is embedded (10,000 documents of 5 KB are
    /// 100 MB of text), and an interrupted build loses at most one shard of work. A rerun must use the same value as
    /// the run it resumes.
    /// </value>
    [Range(1, 10_000_000)]
    public int ShardSize { get; set; } = 10_000;

    /// <summary>Gets or sets the number of texts handed to <see cref="IEmbedder.EmbedAsync"/> at once.</summary>
    /// <value>Default 512.</value>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Gets or sets the on-disk number format.</summary>
    /// <value>Default <see cref="EmbeddingDataType.Float32"/>.</value>
    public EmbeddingDataType DataType { get; set; } = EmbeddingDataType.Float32;

    /// <summary>Gets or sets a value indicating whether a rerun re-hashes the data of finished shards before trusting them.</summary>
    /// <value>Default <see langword="true"/>; <see langword="false"/> only checks their length.</value>
    public bool VerifyExistingShards { get; set; } = true;
}

/// <summary>Progress of <see cref="EmbeddingStore.BuildAsync"/>.</summary>
/// <param name="DocumentsRead">Documents read from the corpus so far.</param>
/// <param name="DocumentsEmbedded">Documents embedded in this run.</param>
/// <param name="DocumentsSkipped">Documents whose shard was already finished by an earlier run.</param>
/// <param name="ShardsWritten">Shards written in this run.</param>
/// <param name="ShardsSkipped">Shards reused from an earlier run.</param>
/// <param name="Elapsed">Time since the build started.</param>
internal sealed record EmbeddingProgress(
    long DocumentsRead,
    long DocumentsEmbedded,
    long DocumentsSkipped,
    int ShardsWritten,
    int ShardsSkipped,
    TimeSpan Elapsed);

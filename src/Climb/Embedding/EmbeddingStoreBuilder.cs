using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>Writes and resumes an <see cref="EmbeddingStore"/>, shard by shard.</summary>
internal sealed partial class EmbeddingStoreBuilder
{
    private readonly IEmbedder _embedder;
    private readonly string _folder;
    private readonly EmbeddingStoreOptions _options;
    private readonly ILogger _logger;
    private readonly EmbedderInfo _info;

    public EmbeddingStoreBuilder(IEmbedder embedder, string folder, EmbeddingStoreOptions options, ILogger? logger)
    {
        _embedder = embedder;
        _folder = folder;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        _info = embedder.Info ?? throw new ArgumentException("The embedder's Info is null.", nameof(embedder));
        if (string.IsNullOrEmpty(_info.ModelId) || _info.Dimension <= 0)
        {
            throw new ArgumentException($"The embedder reports model '{_info.ModelId}' of dimension {_info.Dimension}; a non-empty model id and a positive dimension are required.", nameof(embedder));
        }
    }

    public async Task<EmbeddingStore> BuildAsync(IAsyncEnumerable<Document> documents, IProgress<EmbeddingProgress>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_folder);
        var existing = EmbeddingStoreManifest.TryRead(_folder);
        if (existing is not null)
        {
            CheckCompatible(existing);
        }

        // Temporary files left by a killed run (the rename never happened) are garbage.
        foreach (string stale in Directory.EnumerateFiles(_folder, "*.tmp")
            .Where(f => Path.GetFileName(f).StartsWith("shard-", StringComparison.Ordinal) || Path.GetFileName(f).StartsWith(EmbeddingStoreManifest.FileName + ".", StringComparison.Ordinal)))
        {
            File.Delete(stale);
        }

        var manifest = new EmbeddingStoreManifest
        {
            ModelId = _info.ModelId,
            Dimension = _info.Dimension,
            DataType = _options.DataType,
            ShardSize = _options.ShardSize,
        };
        var clock = Stopwatch.StartNew();
        var counters = new Counters();
        var buffer = new List<Document>(Math.Min(_options.ShardSize, 65_536));
        LogStarting(_folder, _info.ModelId, existing?.Shards.Count ?? 0);

        await foreach (var document in documents.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (document is null || string.IsNullOrEmpty(document.Id) || document.Text is null)
            {
                throw new ArgumentException($"Document #{counters.Read} of the corpus {(document is null ? "is null" : string.IsNullOrEmpty(document.Id) ? "has no id" : $"'{document.Id}' has no text")}.", nameof(documents));
            }

            counters.Read++;
            buffer.Add(document);
            if (buffer.Count == _options.ShardSize)
            {
                await ProcessShardAsync(manifest, existing, buffer, counters, clock, progress, cancellationToken).ConfigureAwait(false);
                buffer.Clear();
            }
        }

        if (buffer.Count > 0)
        {
            await ProcessShardAsync(manifest, existing, buffer, counters, clock, progress, cancellationToken).ConfigureAwait(false);
        }

        // Shards of an earlier, longer corpus beyond the end are stale.
        if (existing is not null)
        {
            foreach (var stale in existing.Shards.Skip(manifest.Shards.Count))
            {
                DeleteShardFiles(stale);
            }
        }

        manifest.RowCount = manifest.Shards.Sum(s => (long)s.Rows);
        manifest.Complete = true;
        await manifest.WriteAsync(_folder, CancellationToken.None).ConfigureAwait(false);
        LogFinished(_folder, manifest.RowCount, counters.ShardsWritten, counters.ShardsSkipped, clock.Elapsed.TotalSeconds);
        return EmbeddingStore.Open(_folder);
    }

    private void CheckCompatible(EmbeddingStoreManifest existing)
    {
        string where = Path.Combine(_folder, EmbeddingStoreManifest.FileName);
        if (existing.ModelId != _info.ModelId || existing.Dimension != _info.Dimension)
        {
            throw new InvalidOperationException(
                $"{where} holds embeddings of model '{existing.ModelId}' (dimension {existing.Dimension}); the embedder is '{_info.ModelId}' (dimension {_info.Dimension}). " +
                "Vectors of different models must not mix: use another folder or delete this one.");
        }

        if (existing.DataType != _options.DataType || existing.ShardSize != _options.ShardSize)
        {
            throw new InvalidOperationException(
                $"{where} was written with DataType {existing.DataType} and ShardSize {existing.ShardSize}; this build asks for {_options.DataType} and {_options.ShardSize}. " +
                "Resume with the same options, or use another folder.");
        }
    }

    private async Task ProcessShardAsync(
        EmbeddingStoreManifest manifest,
        EmbeddingStoreManifest? existing,
        List<Document> documents,
        Counters counters,
        Stopwatch clock,
        IProgress<EmbeddingProgress>? progress,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        int index = manifest.Shards.Count;
        string idsHash = IdsHash(documents);
        var previous = existing is not null && index < existing.Shards.Count ? existing.Shards[index] : null;
        if (previous is not null && previous.IdsHash == idsHash && previous.Rows == documents.Count && IsIntact(previous))
        {
            manifest.Shards.Add(previous);
            counters.ShardsSkipped++;
            counters.Skipped += documents.Count;
            LogShardSkipped(index, documents.Count);
            progress?.Report(counters.Snapshot(clock));
            return;
        }

        int dim = _info.Dimension;
        var rows = new float[checked(documents.Count * dim)];
        var texts = new List<string>(Math.Min(_options.BatchSize, documents.Count));
        for (int start = 0; start < documents.Count; start += _options.BatchSize)
        {
            int count = Math.Min(_options.BatchSize, documents.Count - start);
            texts.Clear();
            for (int i = start; i < start + count; i++)
            {
                texts.Add(documents[i].Text);
            }

            var batch = await _embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            if (batch is null || batch.Rows != count || batch.Dimension != dim)
            {
                throw new InvalidDataException($"The embedder '{_info.ModelId}' returned {batch?.Rows ?? 0} rows of dimension {batch?.Dimension ?? 0} for {count} texts; expected dimension {dim}.");
            }

            for (int r = 0; r < count; r++)
            {
                if (!AllFinite(batch[r]))
                {
                    throw new InvalidDataException($"The embedder '{_info.ModelId}' returned a NaN or infinite value for document '{documents[start + r].Id}' (document #{(long)index * _options.ShardSize + start + r} of the corpus).");
                }
            }

            batch.Data.CopyTo(rows.AsSpan(start * dim));
            counters.Embedded += count;
            progress?.Report(counters.Snapshot(clock));
        }

        byte[] data = Encode(rows, documents);
        var entry = new EmbeddingStoreManifest.ShardEntry
        {
            Index = index,
            DataFile = string.Create(CultureInfo.InvariantCulture, $"shard-{index:D5}.{(_options.DataType == EmbeddingDataType.Float16 ? "f16" : "f32")}"),
            IdsFile = string.Create(CultureInfo.InvariantCulture, $"shard-{index:D5}.ids.json"),
            Rows = documents.Count,
            IdsHash = idsHash,
            DataHash = Convert.ToHexStringLower(SHA256.HashData(data)),
        };
        cancellationToken.ThrowIfCancellationRequested();
        await EmbeddingStoreManifest.WriteBytesAsync(Path.Combine(_folder, entry.IdsFile), JsonSerializer.SerializeToUtf8Bytes(documents.Select(d => d.Id).ToArray()), CancellationToken.None).ConfigureAwait(false);
        await EmbeddingStoreManifest.WriteBytesAsync(Path.Combine(_folder, entry.DataFile), data, CancellationToken.None).ConfigureAwait(false);
        manifest.Shards.Add(entry);

        // Record progress; keep the earlier run's later shards listed so that they can still be reused.
        var partial = new EmbeddingStoreManifest
        {
            ModelId = manifest.ModelId,
            Dimension = manifest.Dimension,
            DataType = manifest.DataType,
            ShardSize = manifest.ShardSize,
            Shards = [.. manifest.Shards, .. existing?.Shards.Skip(manifest.Shards.Count) ?? []],
        };
        partial.RowCount = partial.Shards.Sum(s => (long)s.Rows);
        await partial.WriteAsync(_folder, CancellationToken.None).ConfigureAwait(false);
        counters.ShardsWritten++;
        LogShardWritten(index, documents.Count, clock.Elapsed.TotalSeconds);
        progress?.Report(counters.Snapshot(clock));
    }

    private byte[] Encode(float[] rows, List<Document> documents)
    {
        if (_options.DataType == EmbeddingDataType.Float32)
        {
            return MemoryMarshal.AsBytes(rows.AsSpan()).ToArray();
        }

        var halves = new Half[rows.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(rows, halves);
        int dim = _info.Dimension;
        for (int r = 0; r < documents.Count; r++)
        {
            foreach (Half h in halves.AsSpan(r * dim, dim))
            {
                if (!Half.IsFinite(h))
                {
                    throw new InvalidDataException($"Document '{documents[r].Id}' has a value beyond the float16 range (±65504); store it as Float32.");
                }
            }
        }

        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    private static bool AllFinite(ReadOnlySpan<float> row)
    {
        foreach (float v in row)
        {
            if (!float.IsFinite(v))
            {
                return false;
            }
        }

        return true;
    }

    private bool IsIntact(EmbeddingStoreManifest.ShardEntry shard)
    {
        var data = new FileInfo(Path.Combine(_folder, shard.DataFile));
        long expected = (long)shard.Rows * _info.Dimension * (_options.DataType == EmbeddingDataType.Float16 ? 2 : 4);
        if (!data.Exists || data.Length != expected || !File.Exists(Path.Combine(_folder, shard.IdsFile)))
        {
            return false;
        }

        if (!_options.VerifyExistingShards)
        {
            return true;
        }

        using var stream = data.OpenRead();
        return Convert.ToHexStringLower(SHA256.HashData(stream)) == shard.DataHash;
    }

    private string IdsHash(List<Document> documents)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(_info.ModelId));
        Span<byte> separator = [0];
        foreach (var d in documents)
        {
            hash.AppendData(separator);
            hash.AppendData(Encoding.UTF8.GetBytes(d.Id));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private void DeleteShardFiles(EmbeddingStoreManifest.ShardEntry shard)
    {
        File.Delete(Path.Combine(_folder, shard.DataFile));
        File.Delete(Path.Combine(_folder, shard.IdsFile));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding store {Folder}: model {ModelId}; {ExistingShards} shard(s) from an earlier run")]
    private partial void LogStarting(string folder, string modelId, int existingShards);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Shard {Shard} ({Rows} documents) is already finished; skipped")]
    private partial void LogShardSkipped(int shard, int rows);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} written ({Rows} documents, {Seconds:F1} s elapsed)")]
    private partial void LogShardWritten(int shard, int rows, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding store {Folder} complete: {Rows} rows, {Written} shard(s) written, {Skipped} reused, {Seconds:F1} s")]
    private partial void LogFinished(string folder, long rows, int written, int skipped, double seconds);

    private sealed class Counters
    {
        public long Read { get; set; }

        public long Embedded { get; set; }

        public long Skipped { get; set; }

        public int ShardsWritten { get; set; }

        public int ShardsSkipped { get; set; }

        public EmbeddingProgress Snapshot(Stopwatch clock) => new(Read, Embedded, Skipped, ShardsWritten, ShardsSkipped, clock.Elapsed);
    }
}

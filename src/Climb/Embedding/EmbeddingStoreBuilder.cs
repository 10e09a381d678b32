using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>Where the shards of a sharded build are embedded: an executor (one work unit per shard, a job array on Slurm),
/// the folder of its request files and the embedder as the workers rebuild it.</summary>
internal sealed record EmbeddingShardJobs(IWorkExecutor Executor, string WorkFolder, EmbedderSpec Embedder);

/// <summary>Writes and resumes an <see cref="EmbeddingStore"/>, shard by shard: embedding each in this process, or, with
/// <see cref="EmbeddingShardJobs"/>, as work units whose data files are moved into the store in order.</summary>
internal sealed partial class EmbeddingStoreBuilder
{
    private readonly IEmbedder _embedder;
    private readonly string _folder;
    private readonly EmbeddingStoreOptions _options;
    private readonly ILogger _logger;
    private readonly EmbedderInfo _info;
    private readonly EmbeddingShardJobs? _jobs;

    public EmbeddingStoreBuilder(IEmbedder embedder, string folder, EmbeddingStoreOptions options, ILogger? logger, EmbeddingShardJobs? jobs = null)
    {
        _jobs = jobs;
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
        var slots = new List<ShardSlot>();
        LogStarting(_folder, _info.ModelId, existing?.Shards.Count ?? 0);

        Task NextShardAsync(List<Document> shard) => _jobs is null
            ? ProcessShardAsync(manifest, existing, shard, counters, clock, progress, cancellationToken)
            : QueueShardAsync(existing, slots, shard, counters, clock, progress, cancellationToken);

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
                await NextShardAsync(buffer).ConfigureAwait(false);
                buffer.Clear();
            }
        }

        if (buffer.Count > 0)
        {
            await NextShardAsync(buffer).ConfigureAwait(false);
        }

        if (_jobs is not null)
        {
            await RunShardJobsAsync(manifest, existing, slots, counters, clock, progress, cancellationToken).ConfigureAwait(false);
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

        byte[] data = await EmbedShardAsync(_embedder, _info, documents, (long)index * _options.ShardSize, _options, count =>
        {
            counters.Embedded += count;
            progress?.Report(counters.Snapshot(clock));
        }, cancellationToken).ConfigureAwait(false);
        var entry = new EmbeddingStoreManifest.ShardEntry
        {
            Index = index,
            DataFile = DataFileName(index),
            IdsFile = string.Create(CultureInfo.InvariantCulture, $"shard-{index:D5}.ids.json"),
            Rows = documents.Count,
            IdsHash = idsHash,
            DataHash = Convert.ToHexStringLower(SHA256.HashData(data)),
        };
        cancellationToken.ThrowIfCancellationRequested();
        await EmbeddingStoreManifest.WriteBytesAsync(Path.Combine(_folder, entry.IdsFile), JsonSerializer.SerializeToUtf8Bytes(documents.Select(d => d.Id).ToArray()), CancellationToken.None).ConfigureAwait(false);
        await EmbeddingStoreManifest.WriteBytesAsync(Path.Combine(_folder, entry.DataFile), data, CancellationToken.None).ConfigureAwait(false);
        manifest.Shards.Add(entry);

        await WriteProgressAsync(manifest, existing).ConfigureAwait(false);
        counters.ShardsWritten++;
        LogShardWritten(index, documents.Count, clock.Elapsed.TotalSeconds);
        progress?.Report(counters.Snapshot(clock));
    }

    /// <summary>The file name of a shard's embeddings.</summary>
    private string DataFileName(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"shard-{index:D5}.{(_options.DataType == EmbeddingDataType.Float16 ? "f16" : "f32")}");

    /// <summary>Records progress: the shards finished so far, then the earlier run's later shards, so they can still be reused.</summary>
    private Task WriteProgressAsync(EmbeddingStoreManifest manifest, EmbeddingStoreManifest? existing)
    {
        var partial = new EmbeddingStoreManifest
        {
            ModelId = manifest.ModelId,
            Dimension = manifest.Dimension,
            DataType = manifest.DataType,
            ShardSize = manifest.ShardSize,
            Shards = [.. manifest.Shards, .. existing?.Shards.Skip(manifest.Shards.Count) ?? []],
        };
        partial.RowCount = partial.Shards.Sum(s => (long)s.Rows);
        return partial.WriteAsync(_folder, CancellationToken.None);
    }

    /// <summary>Reuses a finished shard of an earlier run, or writes the shard's documents and a work request for a shard job.</summary>
    private async Task QueueShardAsync(
        EmbeddingStoreManifest? existing, List<ShardSlot> slots, List<Document> documents, Counters counters, Stopwatch clock, IProgress<EmbeddingProgress>? progress, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var jobs = _jobs!;
        int index = slots.Count;
        string idsHash = IdsHash(documents);
        var previous = existing is not null && index < existing.Shards.Count ? existing.Shards[index] : null;
        if (previous is not null && previous.IdsHash == idsHash && previous.Rows == documents.Count && IsIntact(previous))
        {
            slots.Add(new ShardSlot(index, previous, null, null, documents.Count));
            counters.ShardsSkipped++;
            counters.Skipped += documents.Count;
            LogShardSkipped(index, documents.Count);
            progress?.Report(counters.Snapshot(clock));
            return;
        }

        string id = string.Create(CultureInfo.InvariantCulture, $"embed-{WorkRequest.HashOf(idsHash, _options.DataType.ToString(), index.ToString(CultureInfo.InvariantCulture))}-{index:D5}");
        string folder = Path.GetFullPath(jobs.WorkFolder);
        Directory.CreateDirectory(folder);
        string docs = Path.Combine(folder, id + EmbedShardWorkHandler.DocumentsSuffix);
        if (!File.Exists(WorkRequest.ResultPathOf(Path.Combine(folder, id + WorkRequest.RequestSuffix))) && !File.Exists(docs))
        {
            await EmbeddingStoreManifest.WriteBytesAsync(docs, EmbedShardWorkHandler.EncodeDocuments(documents), ct).ConfigureAwait(false);
        }

        var request = WorkRequest.Create(folder, EmbedShardWorkHandler.WorkKind, id, new System.Text.Json.Nodes.JsonObject
        {
            ["embedder"] = jobs.Embedder.ToJson(),
            ["documents"] = docs,
            ["rows"] = documents.Count,
            ["firstRow"] = (long)index * _options.ShardSize,
            ["dataType"] = _options.DataType.ToString(),
            ["batchSize"] = _options.BatchSize,
        });
        slots.Add(new ShardSlot(index, null, request, documents.Select(d => d.Id).ToArray(), documents.Count) { IdsHash = idsHash });
    }

    /// <summary>Runs the queued shards as one batch of work (a job array on Slurm), then moves each shard's data into the store in order.</summary>
    private async Task RunShardJobsAsync(
        EmbeddingStoreManifest manifest, EmbeddingStoreManifest? existing, List<ShardSlot> slots, Counters counters, Stopwatch clock, IProgress<EmbeddingProgress>? progress, CancellationToken ct)
    {
        var jobs = _jobs!;
        var pending = slots.Where(s => s.Request is not null).ToList();
        var results = new Dictionary<int, WorkResult>();
        for (int attempt = 0; pending.Count > 0; attempt++)
        {
            LogShardJobs(pending.Count, jobs.Executor.Identity);
            var done = await jobs.Executor.ExecuteManyAsync(pending.Select(s => s.Request!).ToList(), ct).ConfigureAwait(false);
            var lost = new List<ShardSlot>();
            for (int i = 0; i < pending.Count; i++)
            {
                var slot = pending[i];
                if (ShardDataAvailable(slot, done[i]))
                {
                    results[slot.Index] = done[i];
                }
                else if (attempt == 0)
                {
                    // A result whose data was neither beside it nor in the store (a run killed between the two): run it again.
                    File.Delete(slot.Request!.ResultPath);
                    lost.Add(slot);
                }
                else
                {
                    throw new InvalidDataException($"{slot.Request!.ResultPath}: the shard job reported success but its data file {done[i].Payload["data"]} is not there.");
                }
            }

            pending = lost;
        }

        foreach (var slot in slots)
        {
            if (slot.Reused is { } reused)
            {
                manifest.Shards.Add(reused);
                continue;
            }

            var result = results[slot.Index];
            var entry = new EmbeddingStoreManifest.ShardEntry
            {
                Index = slot.Index,
                DataFile = DataFileName(slot.Index),
                IdsFile = string.Create(CultureInfo.InvariantCulture, $"shard-{slot.Index:D5}.ids.json"),
                Rows = slot.Rows,
                IdsHash = slot.IdsHash,
                DataHash = result.Payload["dataHash"]!.GetValue<string>(),
            };
            string source = result.Payload["data"]!.GetValue<string>();
            string target = Path.Combine(_folder, entry.DataFile);
            await EmbeddingStoreManifest.WriteBytesAsync(Path.Combine(_folder, entry.IdsFile), JsonSerializer.SerializeToUtf8Bytes(slot.Ids!), CancellationToken.None).ConfigureAwait(false);
            if (File.Exists(source))
            {
                File.Move(source, target, overwrite: true);
            }

            // Its bytes were hashed when the result was verified: the stage's manifest need not read them again.
            WrittenFileHashes.Current?.Add(target, new FileInfo(target).Length, entry.DataHash);

            manifest.Shards.Add(entry);
            await WriteProgressAsync(manifest, existing).ConfigureAwait(false);
            TryDelete(slot.Request!.Payload["documents"]!.GetValue<string>());
            counters.Embedded += slot.Rows;
            counters.ShardsWritten++;
            LogShardFromJob(slot.Index, slot.Rows, result.Job ?? "in process", result.Host ?? "-");
            progress?.Report(counters.Snapshot(clock));
        }
    }

    /// <summary>Checks the shard job's data file (beside the request, or already moved into the store by a run that was killed): its length and SHA-256.</summary>
    private bool ShardDataAvailable(ShardSlot slot, WorkResult result)
    {
        var p = result.Payload;
        long expected = (long)slot.Rows * _info.Dimension * (_options.DataType == EmbeddingDataType.Float16 ? 2 : 4);
        if (p["rows"]?.GetValue<int>() != slot.Rows || p["modelId"]?.GetValue<string>() != _info.ModelId)
        {
            throw new InvalidDataException($"{slot.Request!.ResultPath}: the shard job embedded {p["rows"]} rows with model '{p["modelId"]}'; expected {slot.Rows} rows with '{_info.ModelId}'.");
        }

        string hash = p["dataHash"]!.GetValue<string>();
        string moved = Path.Combine(_folder, DataFileName(slot.Index));
        foreach (string path in new[] { p["data"]!.GetValue<string>(), moved })
        {
            var file = new FileInfo(path);
            if (!file.Exists)
            {
                continue;
            }

            if (file.Length != expected)
            {
                throw new InvalidDataException($"{path}: {file.Length} bytes; a shard of {slot.Rows} rows of dimension {_info.Dimension} ({_options.DataType}) has {expected}.");
            }

            using var stream = file.OpenRead();
            if (Convert.ToHexStringLower(SHA256.HashData(stream)) == hash)
            {
                return true;
            }

            if (path != moved)
            {
                throw new InvalidDataException($"{path}: its SHA-256 is not the {hash} its shard job reported (damaged on the way to shared storage?).");
            }
        }

        return false;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Embeds one shard's documents in batches of <see cref="EmbeddingStoreOptions.BatchSize"/>, checks every value and
    /// encodes the rows in the store's data type: the bytes of the shard's data file. A shard job runs the same code.
    /// </summary>
    internal static async Task<byte[]> EmbedShardAsync(
        IEmbedder embedder, EmbedderInfo info, IReadOnlyList<Document> documents, long firstRow, EmbeddingStoreOptions options, Action<int>? embedded, CancellationToken cancellationToken)
    {
        int dim = info.Dimension;
        var rows = new float[checked(documents.Count * dim)];
        var texts = new List<string>(Math.Min(options.BatchSize, documents.Count));
        for (int start = 0; start < documents.Count; start += options.BatchSize)
        {
            int count = Math.Min(options.BatchSize, documents.Count - start);
            texts.Clear();
            for (int i = start; i < start + count; i++)
            {
                texts.Add(documents[i].Text);
            }

            var batch = await embedder.EmbedAsync(texts, cancellationToken).ConfigureAwait(false);
            if (batch is null || batch.Rows != count || batch.Dimension != dim)
            {
                throw new InvalidDataException($"The embedder '{info.ModelId}' returned {batch?.Rows ?? 0} rows of dimension {batch?.Dimension ?? 0} for {count} texts; expected dimension {dim}.");
            }

            for (int r = 0; r < count; r++)
            {
                if (!AllFinite(batch[r]))
                {
                    throw new InvalidDataException($"The embedder '{info.ModelId}' returned a NaN or infinite value for document '{documents[start + r].Id}' (document #{firstRow + start + r} of the corpus).");
                }
            }

            batch.Data.CopyTo(rows.AsSpan(start * dim));
            embedded?.Invoke(count);
        }

        return Encode(rows, documents, dim, options.DataType);
    }

    private static byte[] Encode(float[] rows, IReadOnlyList<Document> documents, int dim, EmbeddingDataType dataType)
    {
        if (dataType == EmbeddingDataType.Float32)
        {
            return MemoryMarshal.AsBytes(rows.AsSpan()).ToArray();
        }

        var halves = new Half[rows.Length];
        System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(rows, halves);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedding {Count} shard(s) as work units on {Executor}")]
    private partial void LogShardJobs(int count, string executor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Shard {Shard} ({Rows} documents) embedded by job {Job} on {Host}")]
    private partial void LogShardFromJob(int shard, int rows, string job, string host);

    /// <summary>One shard of a sharded build: reused from an earlier run, or a work request.</summary>
    private sealed record ShardSlot(int Index, EmbeddingStoreManifest.ShardEntry? Reused, WorkRequest? Request, string[]? Ids, int Rows)
    {
        public string IdsHash { get; init; } = string.Empty;
    }

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

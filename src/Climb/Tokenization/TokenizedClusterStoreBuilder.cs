using System.Buffers.Binary;
using System.Diagnostics;

namespace Climb;

// Building a TokenizedClusterStore: tokenising cluster streams into shards, resumably (the public BuildAsync
// overloads and the shard writers).
public sealed partial class TokenizedClusterStore
{
    /// <summary>
    /// Tokenises one document stream per cluster. Clusters finished by an earlier, interrupted build are kept
    /// (their streams are not enumerated); a complete store with the same tokenizer is opened as it is.
    /// </summary>
    /// <param name="directory">The store's folder (created if missing).</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="clusters">One document stream per cluster, in cluster order.</param>
    /// <param name="options">Build options.</param>
    /// <param name="progress">Receives progress after each batch.</param>
    /// <param name="cancellationToken">Cancels the build; finished clusters stay on disk.</param>
    /// <returns>The opened store.</returns>
    public static async Task<TokenizedClusterStore> BuildAsync(
        string directory,
        ITokenizer tokenizer,
        IReadOnlyList<IAsyncEnumerable<Document>> clusters,
        TokenizedClusterStoreOptions? options = null,
        IProgress<TokenizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0)
        {
            throw new ArgumentException("At least one cluster is needed.", nameof(clusters));
        }

        options = OptionsValidation.Validate(options ?? new TokenizedClusterStoreOptions(), nameof(options));
        Directory.CreateDirectory(directory);
        if (TryOpenComplete(directory, tokenizer, clusters.Count, options) is { } existing)
        {
            return existing;
        }

        var build = new BuildState(tokenizer, clusters.Count, progress);
        var entries = new ClusterEntry[clusters.Count];
        for (int c = 0; c < clusters.Count; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string markerPath = Path.Combine(directory, ClusterFile(c) + ".json");
            if (File.Exists(markerPath) && ReadMarker(markerPath) is { } done && done.Tokenizer == tokenizer.Identity)
            {
                entries[c] = done.Entry;
                build.ClusterDone();
                continue;
            }

            using (var writer = new ShardWriter(directory, c, tokenizer))
            {
                var batch = new List<Document>(options.BatchSize);
                await foreach (var doc in clusters[c].WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add(doc ?? throw new ArgumentException($"Cluster {c} yielded a null document.", nameof(clusters)));
                    if (batch.Count == options.BatchSize)
                    {
                        WriteBatch(batch, c, writer, options, build, cancellationToken);
                    }
                }

                WriteBatch(batch, c, writer, options, build, cancellationToken);
                entries[c] = writer.Commit();
            }

            WriteJsonAtomic(markerPath, new ClusterMarker { Tokenizer = tokenizer.Identity, Entry = entries[c] });
            build.ClusterDone();
        }

        return Finish(directory, tokenizer, entries, options);
    }

    /// <summary>
    /// Tokenises one interleaved stream of documents tagged with their cluster (as a clustering stage produces
    /// them) in a single pass. A complete store with the same tokenizer and cluster count is opened as it is; an
    /// interrupted single-pass build starts again.
    /// </summary>
    /// <param name="directory">The store's folder (created if missing).</param>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <param name="clusterCount">The number of clusters; every tag must be in [0, clusterCount).</param>
    /// <param name="documents">The documents with their cluster.</param>
    /// <param name="options">Build options.</param>
    /// <param name="progress">Receives progress after each batch.</param>
    /// <param name="cancellationToken">Cancels the build.</param>
    /// <returns>The opened store.</returns>
    public static async Task<TokenizedClusterStore> BuildAsync(
        string directory,
        ITokenizer tokenizer,
        int clusterCount,
        IAsyncEnumerable<(int Cluster, Document Document)> documents,
        TokenizedClusterStoreOptions? options = null,
        IProgress<TokenizationProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusterCount);
        options = OptionsValidation.Validate(options ?? new TokenizedClusterStoreOptions(), nameof(options));
        Directory.CreateDirectory(directory);
        if (TryOpenComplete(directory, tokenizer, clusterCount, options) is { } existing)
        {
            return existing;
        }

        var build = new BuildState(tokenizer, clusterCount, progress);
        var writers = new ShardWriter[clusterCount];
        try
        {
            for (int c = 0; c < clusterCount; c++)
            {
                writers[c] = new ShardWriter(directory, c, tokenizer);
            }

            var batch = new List<(int Cluster, Document Document)>(options.BatchSize);
            long index = 0;
            await foreach (var item in documents.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if ((uint)item.Cluster >= (uint)clusterCount)
                {
                    throw new ArgumentException($"Document {index} ('{item.Document?.Id}') has cluster {item.Cluster}, outside [0, {clusterCount}).", nameof(documents));
                }

                if (item.Document is null)
                {
                    throw new ArgumentException($"Document {index} is null.", nameof(documents));
                }

                index++;
                batch.Add(item);
                if (batch.Count == options.BatchSize)
                {
                    WriteMixedBatch(batch, writers, options, build, cancellationToken);
                }
            }

            WriteMixedBatch(batch, writers, options, build, cancellationToken);
            var entries = new ClusterEntry[clusterCount];
            for (int c = 0; c < clusterCount; c++)
            {
                entries[c] = writers[c].Commit();
                WriteJsonAtomic(Path.Combine(directory, ClusterFile(c) + ".json"), new ClusterMarker { Tokenizer = tokenizer.Identity, Entry = entries[c] });
            }

            return Finish(directory, tokenizer, entries, options);
        }
        finally
        {
            foreach (var w in writers)
            {
                w?.Dispose();
            }
        }
    }

    private static TokenizedClusterStore? TryOpenComplete(string directory, ITokenizer tokenizer, int clusterCount, TokenizedClusterStoreOptions options)
    {
        var manifest = ReadManifest(Path.Combine(directory, ManifestName));
        if (manifest is { Complete: true } && manifest.Tokenizer == tokenizer.Identity && manifest.Clusters.Count == clusterCount && manifest.Compacted == options.CompactVocabulary)
        {
            return Open(directory, tokenizer);
        }

        if (manifest is not null)
        {
            File.Delete(Path.Combine(directory, ManifestName));
        }

        return null;
    }

    private static void WriteBatch(List<Document> batch, int cluster, ShardWriter writer, TokenizedClusterStoreOptions options, BuildState build, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var encoded = Encode(batch.Count, i => batch[i].Text, build.Tokenizer, options, ct);
        long tokens = 0;
        foreach (var ids in encoded)
        {
            writer.AppendDocument(ids);
            tokens += ids.Count + 1;
        }

        build.Add(batch.Count, tokens);
        batch.Clear();
        _ = cluster;
    }

    private static void WriteMixedBatch(List<(int Cluster, Document Document)> batch, ShardWriter[] writers, TokenizedClusterStoreOptions options, BuildState build, CancellationToken ct)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var encoded = Encode(batch.Count, i => batch[i].Document.Text, build.Tokenizer, options, ct);
        long tokens = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            writers[batch[i].Cluster].AppendDocument(encoded[i]);
            tokens += encoded[i].Count + 1;
        }

        build.Add(batch.Count, tokens);
        batch.Clear();
    }

    private static List<int>[] Encode(int count, Func<int, string> text, ITokenizer tokenizer, TokenizedClusterStoreOptions options, CancellationToken ct)
    {
        var result = new List<int>[count];
        var po = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = options.MaxDegreeOfParallelism == 0 ? Environment.ProcessorCount : options.MaxDegreeOfParallelism,
        };
        Parallel.For(0, count, po, i =>
        {
            var ids = new List<int>();
            tokenizer.Encode(text(i) ?? string.Empty, ids);
            result[i] = ids;
        });
        return result;
    }

    private static TokenizedClusterStore Finish(string directory, ITokenizer tokenizer, ClusterEntry[] entries, TokenizedClusterStoreOptions options)
    {
        int width = WidthOf(tokenizer);
        if (options.CompactVocabulary)
        {
            var seen = new bool[tokenizer.VocabularySize];
            var buffer = new int[1 << 16];
            foreach (var e in entries)
            {
                using var shard = new ClusterShard(Path.Combine(directory, e.File), e.Tokens, width);
                for (long pos = 0; pos < e.Tokens; pos += buffer.Length)
                {
                    int n = (int)Math.Min(buffer.Length, e.Tokens - pos);
                    shard.Read(pos, buffer.AsSpan(0, n));
                    for (int i = 0; i < n; i++)
                    {
                        seen[buffer[i]] = true;
                    }
                }
            }

            var kept = Enumerable.Range(0, seen.Length).Where(i => seen[i]);
            var compaction = new VocabularyCompaction(tokenizer.VocabularySize, tokenizer.EndOfTextId, kept);
            var bytes = new byte[compaction.DenseVocabularySize * 4];
            for (int d = 0; d < compaction.DenseVocabularySize; d++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(d * 4), compaction.ToRaw(d));
            }

            WriteBytesAtomic(Path.Combine(directory, VocabularyMapName), bytes);
        }

        var manifest = new Manifest
        {
            Format = FormatVersion,
            Tokenizer = tokenizer.Identity,
            VocabularySize = tokenizer.VocabularySize,
            EndOfTextId = tokenizer.EndOfTextId,
            TokenWidth = width,
            Compacted = options.CompactVocabulary,
            Clusters = entries.ToList(),
            Complete = true,
        };
        WriteJsonAtomic(Path.Combine(directory, ManifestName), manifest);
        return Open(directory, tokenizer);
    }

    private sealed class BuildState(ITokenizer tokenizer, int clusterCount, IProgress<TokenizationProgress>? progress)
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private int _clustersDone;
        private long _documents;
        private long _tokens;

        public ITokenizer Tokenizer => tokenizer;

        public void Add(long documents, long tokens)
        {
            _documents += documents;
            _tokens += tokens;
            Report();
        }

        public void ClusterDone()
        {
            _clustersDone++;
            Report();
        }

        private void Report() => progress?.Report(new TokenizationProgress(_clustersDone, clusterCount, _documents, _tokens, _clock.Elapsed));
    }

    /// <summary>Appends documents to a temporary shard and its offset index; <see cref="Commit"/> renames them into place.</summary>
    private sealed class ShardWriter : IDisposable
    {
        private readonly string _path;
        private readonly string _indexPath;
        private readonly FileStream _tokensFile;
        private readonly FileStream _indexFile;

        // Both files are hashed on their way to the disk, so the tokenize stage's manifest need not read them back.
        private readonly HashingWriteStream _tokens;
        private readonly HashingWriteStream _index;
        private readonly int _width;
        private readonly int _eot;
        private readonly int _cluster;
        private readonly byte[] _buffer = new byte[1 << 16];
        private long _tokenCount;
        private long _documents;
        private bool _committed;

        public ShardWriter(string directory, int cluster, ITokenizer tokenizer)
        {
            _cluster = cluster;
            _path = Path.Combine(directory, ClusterFile(cluster));
            _indexPath = _path + ".idx";
            _width = WidthOf(tokenizer);
            _eot = tokenizer.EndOfTextId;
            _tokensFile = new FileStream(_path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _indexFile = new FileStream(_indexPath + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _tokens = new HashingWriteStream(_tokensFile);
            _index = new HashingWriteStream(_indexFile);
            WriteOffset(0);
        }

        public void AppendDocument(List<int> ids)
        {
            int pos = 0;
            int vocab = _width == 2 ? 65536 : int.MaxValue;
            foreach (int id in ids)
            {
                if ((uint)id >= (uint)vocab)
                {
                    throw new InvalidOperationException($"Tokenizer produced id {id}, outside its vocabulary.");
                }

                Put(id, ref pos);
            }

            Put(_eot, ref pos);
            _tokens.Write(_buffer, 0, pos);
            _tokenCount += ids.Count + 1;
            _documents++;
            WriteOffset(_tokenCount);
        }

        public ClusterEntry Commit()
        {
            _tokensFile.Flush(true);
            _indexFile.Flush(true);
            string? tokensHash = _tokens.Finish(), indexHash = _index.Finish();
            long tokensLength = _tokens.BytesWritten, indexLength = _index.BytesWritten;
            _tokens.Dispose();
            _index.Dispose();
            File.Move(_path + ".tmp", _path, overwrite: true);
            File.Move(_indexPath + ".tmp", _indexPath, overwrite: true);
            if (WrittenFileHashes.Current is { } hashes && tokensHash is not null && indexHash is not null)
            {
                hashes.Add(_path, tokensLength, tokensHash);
                hashes.Add(_indexPath, indexLength, indexHash);
            }
            _committed = true;
            return new ClusterEntry { Cluster = _cluster, File = Path.GetFileName(_path), Documents = _documents, Tokens = _tokenCount };
        }

        public void Dispose()
        {
            _tokens.Dispose();
            _index.Dispose();
            if (!_committed)
            {
                File.Delete(_path + ".tmp");
                File.Delete(_indexPath + ".tmp");
            }
        }

        private void Put(int id, ref int pos)
        {
            if (pos + 4 > _buffer.Length)
            {
                _tokens.Write(_buffer, 0, pos);
                pos = 0;
            }

            if (_width == 2)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(pos), (ushort)id);
                pos += 2;
            }
            else
            {
                BinaryPrimitives.WriteInt32LittleEndian(_buffer.AsSpan(pos), id);
                pos += 4;
            }
        }

        private void WriteOffset(long offset)
        {
            Span<byte> b = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(b, offset);
            _index.Write(b);
        }
    }
}

using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.MemoryMappedFiles;
using System.Text.Json;
using System.Text.Json.Serialization;

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

/// <summary>Progress of tokenising a corpus into a <see cref="TokenizedClusterStore"/>.</summary>
/// <param name="ClustersDone">Clusters finished (including those resumed).</param>
/// <param name="ClusterCount">Clusters in all.</param>
/// <param name="Documents">Documents tokenised in this run.</param>
/// <param name="Tokens">Tokens written in this run.</param>
/// <param name="Elapsed">Time since the build started.</param>
public sealed record TokenizationProgress(int ClustersDone, int ClusterCount, long Documents, long Tokens, TimeSpan Elapsed);

/// <summary>
/// The corpus tokenised once, one binary shard per (super-)cluster: little-endian token ids (uint16 when the
/// tokenizer has at most 65,536 ids, else uint32) with end of text after every document, a document offset
/// index, exact token counts and a manifest written last. Shards are read through memory maps, so sampling
/// training sequences never tokenises again. Dispose to release the maps.
/// </summary>
public sealed class TokenizedClusterStore : IDisposable
{
    private const int FormatVersion = 1;
    private const string ManifestName = "manifest.json";
    private const string VocabularyMapName = "vocabulary-map.bin";

    private readonly ClusterShard[] _shards;
    private readonly int[]? _rawToDense;

    private TokenizedClusterStore(string directory, ITokenizer tokenizer, Manifest manifest, VocabularyCompaction? compaction)
    {
        DirectoryPath = directory;
        Tokenizer = tokenizer;
        Compaction = compaction;
        _rawToDense = compaction?.RawToDenseTable.ToArray();
        TokenWidth = manifest.TokenWidth;
        _shards = new ClusterShard[manifest.Clusters.Count];
        var tokens = new long[_shards.Length];
        var docs = new long[_shards.Length];
        for (int i = 0; i < _shards.Length; i++)
        {
            var c = manifest.Clusters[i];
            tokens[i] = c.Tokens;
            docs[i] = c.Documents;
            _shards[i] = new ClusterShard(Path.Combine(directory, c.File), c.Tokens, manifest.TokenWidth);
        }

        TokenCounts = tokens;
        DocumentCounts = docs;
        TotalTokens = tokens.Sum();
    }

    /// <summary>Gets the folder of the store.</summary>
    public string DirectoryPath { get; }

    /// <summary>Gets the tokenizer the corpus was tokenised with.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Gets the vocabulary compaction, or <see langword="null"/> when model ids are tokenizer ids.</summary>
    public VocabularyCompaction? Compaction { get; }

    /// <summary>Gets the number of clusters.</summary>
    public int ClusterCount => _shards.Length;

    /// <summary>Gets the exact number of tokens of each cluster (document tokens plus one end of text per document).</summary>
    public IReadOnlyList<long> TokenCounts { get; }

    /// <summary>Gets the number of documents of each cluster.</summary>
    public IReadOnlyList<long> DocumentCounts { get; }

    /// <summary>Gets the number of tokens in all clusters.</summary>
    public long TotalTokens { get; }

    /// <summary>Gets the vocabulary size a model over this store needs (dense size when compacted).</summary>
    public int ModelVocabularySize => Compaction?.DenseVocabularySize ?? Tokenizer.VocabularySize;

    /// <summary>Gets the end-of-text id in model ids.</summary>
    public int ModelEndOfTextId => Compaction is null ? Tokenizer.EndOfTextId : VocabularyCompaction.EndOfTextDenseId;

    internal int TokenWidth { get; }

    /// <summary>Tokenises text into model ids (tokenizer, then compaction with unseen ids mapped to UNK).</summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">The list the model ids are appended to.</param>
    public void EncodeForModel(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int start = ids.Count;
        Tokenizer.Encode(text, ids);
        if (_rawToDense is not null)
        {
            for (int i = start; i < ids.Count; i++)
            {
                int raw = ids[i];
                ids[i] = (uint)raw < (uint)_rawToDense.Length ? _rawToDense[raw] : VocabularyCompaction.UnknownId;
            }
        }
    }

    /// <summary>Copies model ids from a cluster's token stream, wrapping around at its end.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <param name="start">The first token position (0 to the cluster's token count - 1).</param>
    /// <param name="destination">Where the ids go; its length is the number of tokens read.</param>
    public void ReadTokens(int cluster, long start, Span<int> destination)
    {
        var shard = _shards[cluster];
        if (shard.Tokens == 0)
        {
            throw new InvalidOperationException($"Cluster {cluster} has no tokens.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(start);
        long pos = start % shard.Tokens;
        int done = 0;
        while (done < destination.Length)
        {
            int n = (int)Math.Min(destination.Length - done, shard.Tokens - pos);
            shard.Read(pos, destination.Slice(done, n));
            done += n;
            pos = 0;
        }

        if (_rawToDense is not null)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                int raw = destination[i];
                if ((uint)raw >= (uint)_rawToDense.Length)
                {
                    throw new InvalidDataException($"{Path.Combine(DirectoryPath, ClusterFile(cluster))}: token {raw} near position {start + i} is outside the vocabulary of {_rawToDense.Length} (damaged shard).");
                }

                destination[i] = _rawToDense[raw];
            }
        }
    }

    /// <summary>Opens a complete store.</summary>
    /// <param name="directory">The store's folder.</param>
    /// <param name="tokenizer">The tokenizer; <see langword="null"/> recreates a built-in one from the manifest.</param>
    /// <returns>The store.</returns>
    /// <exception cref="InvalidDataException">The manifest is missing, incomplete or names another tokenizer.</exception>
    public static TokenizedClusterStore Open(string directory, ITokenizer? tokenizer = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, ManifestName);
        var manifest = ReadManifest(path) ?? throw new InvalidDataException($"{path}: no token store here (manifest missing).");
        if (!manifest.Complete)
        {
            throw new InvalidDataException($"{path}: the store is incomplete; build it again to resume.");
        }

        if (manifest.Clusters is null || manifest.TokenWidth is not (2 or 4) || manifest.Clusters.Any(c => c is null || c.Tokens < 0 || c.Documents < 0 || c.Tokens > long.MaxValue / 4))
        {
            // Guards found by fuzzing: a width other than 2 or 4 would read past the mapped shard (an access violation).
            throw new InvalidDataException($"{path}: corrupt manifest (token width {manifest.TokenWidth}, cluster entries missing or negative).");
        }

        try
        {
            tokenizer ??= TokenizerFactory.FromIdentity(manifest.Tokenizer);
        }
        catch (ArgumentException ex)
        {
            throw new InvalidDataException($"{path}: {ex.Message}", ex);
        }

        if (tokenizer.Identity != manifest.Tokenizer || tokenizer.VocabularySize != manifest.VocabularySize || manifest.TokenWidth != WidthOf(tokenizer))
        {
            throw new InvalidDataException($"{path}: store was built with tokenizer '{manifest.Tokenizer}' ({manifest.VocabularySize} ids), not '{tokenizer.Identity}' ({tokenizer.VocabularySize}).");
        }

        VocabularyCompaction? compaction = null;
        if (manifest.Compacted)
        {
            string mapPath = Path.Combine(directory, VocabularyMapName);
            byte[] bytes = File.ReadAllBytes(mapPath);
            if (bytes.Length % 4 != 0 || bytes.Length < 8)
            {
                throw new InvalidDataException($"{mapPath}: corrupt vocabulary map ({bytes.Length} bytes).");
            }

            var kept = new int[(bytes.Length / 4) - 2];
            for (int i = 0; i < kept.Length; i++)
            {
                kept[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan((i + 2) * 4));
            }

            try
            {
                compaction = new VocabularyCompaction(tokenizer.VocabularySize, tokenizer.EndOfTextId, kept);
            }
            catch (ArgumentException ex)
            {
                throw new InvalidDataException($"{mapPath}: corrupt vocabulary map ({ex.Message}).", ex);
            }
        }

        return new TokenizedClusterStore(directory, tokenizer, manifest, compaction);
    }

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

    /// <summary>Gets the token offsets of one cluster's documents: document k spans [o[k], o[k + 1]), its end of text included.</summary>
    /// <param name="cluster">The cluster.</param>
    /// <returns>DocumentCounts[cluster] + 1 offsets, read from the cluster's index file.</returns>
    internal long[] DocumentOffsets(int cluster)
    {
        string path = Path.Combine(DirectoryPath, ClusterFile(cluster)) + ".idx";
        byte[] bytes = File.ReadAllBytes(path);
        var offsets = new long[bytes.Length / sizeof(long)];
        for (int i = 0; i < offsets.Length; i++)
        {
            offsets[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * sizeof(long)));
        }

        if (offsets.Length != DocumentCounts[cluster] + 1)
        {
            throw new InvalidDataException($"{path}: {offsets.Length} offsets for {DocumentCounts[cluster]} documents.");
        }

        return offsets;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var s in _shards)
        {
            s.Dispose();
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

    internal static string ClusterFile(int cluster) => $"cluster-{cluster:D5}.tok";

    internal static int WidthOf(ITokenizer tokenizer) => tokenizer.VocabularySize <= 65536 ? 2 : 4;

    private static Manifest? ReadManifest(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), StoreJsonContext.Default.Manifest);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path}: corrupt manifest ({ex.Message}).", ex);
        }
    }

    private static ClusterMarker? ReadMarker(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), StoreJsonContext.Default.ClusterMarker);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void WriteJsonAtomic<T>(string path, T value)
    {
        string json = JsonSerializer.Serialize(value, typeof(T), StoreJsonContext.Default);
        WriteBytesAtomic(path, System.Text.Encoding.UTF8.GetBytes(json));
    }

    internal static void WriteBytesAtomic(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
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
        private readonly FileStream _tokens;
        private readonly FileStream _index;
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
            _tokens = new FileStream(_path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            _index = new FileStream(_indexPath + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
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
            _tokens.Flush(true);
            _index.Flush(true);
            _tokens.Dispose();
            _index.Dispose();
            File.Move(_path + ".tmp", _path, overwrite: true);
            File.Move(_indexPath + ".tmp", _indexPath, overwrite: true);
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

    /// <summary>A memory-mapped shard.</summary>
    private sealed unsafe class ClusterShard : IDisposable
    {
        private readonly MemoryMappedFile? _file;
        private readonly MemoryMappedViewAccessor? _view;
        private readonly byte* _base;
        private readonly int _width;

        public ClusterShard(string path, long tokens, int width)
        {
            Tokens = tokens;
            _width = width;
            var info = new FileInfo(path);
            if (!info.Exists || info.Length != tokens * width)
            {
                throw new InvalidDataException($"{path}: expected {tokens * width} bytes ({tokens} tokens), found {(info.Exists ? info.Length : -1)}.");
            }

            if (tokens > 0)
            {
                _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
                _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
                byte* p = null;
                _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
                _base = p + _view.PointerOffset;
            }
        }

        public long Tokens { get; }

        public void Read(long start, Span<int> destination)
        {
            if (start < 0 || start + destination.Length > Tokens)
            {
                throw new ArgumentOutOfRangeException(nameof(start));
            }

            if (_width == 2)
            {
                ushort* p = (ushort*)(_base + (start * 2));
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.IsLittleEndian ? p[i] : BinaryPrimitives.ReverseEndianness(p[i]);
                }
            }
            else
            {
                int* p = (int*)(_base + (start * 4));
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BitConverter.IsLittleEndian ? p[i] : BinaryPrimitives.ReverseEndianness(p[i]);
                }
            }
        }

        public void Dispose()
        {
            if (_view is not null)
            {
                _view.SafeMemoryMappedViewHandle.ReleasePointer();
                _view.Dispose();
            }

            _file?.Dispose();
        }
    }

    internal sealed class Manifest
    {
        public int Format { get; set; }

        public string Tokenizer { get; set; } = string.Empty;

        public int VocabularySize { get; set; }

        public int EndOfTextId { get; set; }

        public int TokenWidth { get; set; }

        public bool Compacted { get; set; }

        public List<ClusterEntry> Clusters { get; set; } = [];

        public bool Complete { get; set; }
    }

    internal sealed class ClusterEntry
    {
        public int Cluster { get; set; }

        public string File { get; set; } = string.Empty;

        public long Documents { get; set; }

        public long Tokens { get; set; }
    }

    internal sealed class ClusterMarker
    {
        public string Tokenizer { get; set; } = string.Empty;

        public ClusterEntry Entry { get; set; } = new();
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(TokenizedClusterStore.Manifest))]
[JsonSerializable(typeof(TokenizedClusterStore.ClusterMarker))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;

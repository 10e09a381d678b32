using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;

namespace Climb;

/// <summary>
/// The corpus tokenised once, one binary shard per (super-)cluster: little-endian token ids (uint16 when the
/// tokenizer has at most 65,536 ids, else uint32) with end of text after every document, a document offset
/// index, exact token counts and a manifest written last. Shards are read through memory maps, so sampling
/// training sequences never tokenises again. Dispose to release the maps.
/// </summary>
public sealed partial class TokenizedClusterStore : ITokenizedClusters, IDisposable
{
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
}

using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// Embeddings of a corpus on disk: shards of float32 or float16 rows, the document ids of each shard and a
/// <c>manifest.json</c> (model identity, dimension, data type, shard list, hashes). Rows are read back
/// memory-mapped, so the store can be far larger than memory.
/// </summary>
/// <remarks>
/// <see cref="BuildAsync"/> writes a store and resumes an interrupted build; <see cref="Open"/> reads a finished one.
/// Reads are thread-safe. Dispose the store to unmap its files.
/// </remarks>
internal sealed unsafe class EmbeddingStore : IEmbeddingSource, IDisposable
{
    private readonly Shard[] _shards;
    private readonly long[] _starts;
    private readonly string[]?[] _ids;
    private int _disposed;

    private readonly string[] _idFiles;

    private EmbeddingStore(string folder, EmbeddingStoreManifest manifest, Shard[] shards)
    {
        Folder = folder;
        _idFiles = manifest.Shards.Select(s => Path.Combine(folder, s.IdsFile)).ToArray();
        ModelId = manifest.ModelId;
        Dimension = manifest.Dimension;
        DataType = manifest.DataType;
        _shards = shards;
        _ids = new string[shards.Length][];
        _starts = new long[shards.Length + 1];
        for (int i = 0; i < shards.Length; i++)
        {
            _starts[i + 1] = _starts[i] + shards[i].Rows;
        }

        RowCount = _starts[^1];
    }

    /// <summary>Gets the store's folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the identity of the model that produced the rows (<see cref="EmbedderInfo.ModelId"/>).</summary>
    public string ModelId { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public long RowCount { get; }

    /// <summary>Gets the on-disk number format.</summary>
    public EmbeddingDataType DataType { get; }

    /// <summary>Gets the number of shard files.</summary>
    public int ShardCount => _shards.Length;

    /// <summary>Embeds a corpus into a store folder, shard by shard, resuming an earlier interrupted (or finished) build in that folder.</summary>
    /// <param name="documents">The corpus, in a stable order; ids identify the documents of each shard.</param>
    /// <param name="embedder">The embedder.</param>
    /// <param name="folder">The store folder; created if missing.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Receives progress after every batch and shard, or <see langword="null"/>.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work; finished shards stay on disk.</param>
    /// <returns>The finished store, open for reading.</returns>
    /// <remarks>
    /// Each shard is written atomically (temporary file, then rename) and recorded in the manifest. A rerun reads the
    /// corpus again and skips every shard whose document ids, model identity and data match what is on disk; the
    /// result is byte-identical to an uninterrupted build. <c>"complete": true</c> is written to the manifest last.
    /// </remarks>
    /// <exception cref="InvalidOperationException">The folder holds embeddings of another model, dimension, data type or shard size.</exception>
    /// <exception cref="InvalidDataException">The embedder returned NaN or infinity (the message names the document) or a wrongly shaped batch.</exception>
    public static Task<EmbeddingStore> BuildAsync(
        IAsyncEnumerable<Document> documents,
        IEmbedder embedder,
        string folder,
        EmbeddingStoreOptions? options = null,
        IProgress<EmbeddingProgress>? progress = null,
        ILogger<EmbeddingStore>? logger = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var validated = OptionsValidation.Validate(options ?? new EmbeddingStoreOptions(), nameof(options));
        var builder = new EmbeddingStoreBuilder(embedder, Path.GetFullPath(folder), validated, logger);
        return builder.BuildAsync(documents, progress, cancellationToken);
    }

    /// <summary>Builds a store whose shards are embedded as work units of an executor (a Slurm job array): the same files as <see cref="BuildAsync"/>.</summary>
    internal static Task<EmbeddingStore> BuildShardedAsync(
        IAsyncEnumerable<Document> documents,
        IEmbedder embedder,
        EmbeddingShardJobs jobs,
        string folder,
        EmbeddingStoreOptions options,
        IProgress<EmbeddingProgress>? progress,
        ILogger<EmbeddingStore>? logger,
        CancellationToken cancellationToken)
    {
        var validated = OptionsValidation.Validate(options, nameof(options));
        var builder = new EmbeddingStoreBuilder(embedder, Path.GetFullPath(folder), validated, logger, jobs);
        return builder.BuildAsync(documents, progress, cancellationToken);
    }

    /// <summary>Opens a finished store for reading.</summary>
    /// <param name="folder">The store folder.</param>
    /// <returns>The store.</returns>
    /// <exception cref="FileNotFoundException">The folder has no manifest.json, or a shard file is missing.</exception>
    /// <exception cref="InvalidOperationException">The build that wrote the folder did not finish.</exception>
    /// <exception cref="InvalidDataException">The manifest or a shard file is damaged.</exception>
    public static EmbeddingStore Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.GetFullPath(folder);
        var manifest = EmbeddingStoreManifest.TryRead(folder)
            ?? throw new FileNotFoundException($"{folder} holds no embedding store ({EmbeddingStoreManifest.FileName} is missing).", Path.Combine(folder, EmbeddingStoreManifest.FileName));
        if (!manifest.Complete)
        {
            throw new InvalidOperationException($"The embedding store in {folder} is incomplete (its build was interrupted); run EmbeddingStore.BuildAsync again with the same corpus and embedder to finish it.");
        }

        var shards = new Shard[manifest.Shards.Count];
        try
        {
            for (int i = 0; i < shards.Length; i++)
            {
                var entry = manifest.Shards[i];
                shards[i] = new Shard(Path.Combine(folder, entry.DataFile), entry.Rows, manifest.Dimension, manifest.DataType);
            }
        }
        catch
        {
            foreach (var s in shards)
            {
                s?.Dispose();
            }

            throw;
        }

        var store = new EmbeddingStore(folder, manifest, shards);
        if (store.RowCount != manifest.RowCount)
        {
            store.Dispose();
            throw new InvalidDataException($"{Path.Combine(folder, EmbeddingStoreManifest.FileName)}: the shards hold {store.RowCount} rows, the manifest says {manifest.RowCount}.");
        }

        return store;
    }

    /// <inheritdoc />
    public void ReadRows(long start, int count, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > RowCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count} exceed the {RowCount} rows of the store.");
        }

        if (destination.Length < (long)count * Dimension)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values; {count} rows need {(long)count * Dimension}.", nameof(destination));
        }

        int shard = ShardOf(start);
        while (count > 0)
        {
            long local = start - _starts[shard];
            int take = (int)Math.Min(count, _shards[shard].Rows - local);
            _shards[shard].Read(local, take, destination[..(take * Dimension)]);
            destination = destination[(take * Dimension)..];
            start += take;
            count -= take;
            shard++;
        }
    }

    /// <summary>Gets the id of the document of a row.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The document id.</returns>
    public string GetDocumentId(long row)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(row);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(row, RowCount);
        int shard = ShardOf(row);
        return ShardIds(shard)[row - _starts[shard]];
    }

    /// <summary>Reads the document ids of all rows, in row order.</summary>
    /// <returns>The ids.</returns>
    public IReadOnlyList<string> ReadDocumentIds()
    {
        var all = new List<string>((int)Math.Min(RowCount, int.MaxValue));
        for (int s = 0; s < _shards.Length; s++)
        {
            all.AddRange(ShardIds(s));
        }

        return all;
    }

    /// <summary>Copies every row into memory.</summary>
    /// <returns>The matrix.</returns>
    public EmbeddingMatrix ToMatrix()
    {
        var m = new EmbeddingMatrix(checked((int)RowCount), Dimension);
        ReadRows(0, m.Rows, m.Data);
        return m;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            foreach (var shard in _shards)
            {
                shard.Dispose();
            }
        }
    }

    internal static string[] ReadIds(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<string[]>(File.ReadAllBytes(path)) ?? throw new InvalidDataException($"{path} holds no id list.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid id list: {ex.Message}", ex);
        }
    }

    private string[] ShardIds(int shard)
    {
        var ids = Volatile.Read(ref _ids[shard]);
        if (ids is null)
        {
            ids = ReadIds(_idFiles[shard]);
            if (ids.Length != _shards[shard].Rows)
            {
                throw new InvalidDataException($"{_idFiles[shard]} lists {ids.Length} ids; the shard has {_shards[shard].Rows} rows.");
            }

            Volatile.Write(ref _ids[shard], ids);
        }

        return ids;
    }

    private int ShardOf(long row)
    {
        int i = Array.BinarySearch(_starts, row);
        return i >= 0 ? Math.Min(i, _shards.Length - 1) : ~i - 1;
    }

    private sealed class Shard : IDisposable
    {
        private readonly MemoryMappedFile _file;
        private readonly MemoryMappedViewAccessor _view;
        private readonly byte* _pointer;
        private readonly int _dimension;
        private readonly EmbeddingDataType _type;

        public Shard(string path, int rows, int dimension, EmbeddingDataType type)
        {
            long expected = (long)rows * dimension * (type == EmbeddingDataType.Float16 ? 2 : 4);
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"The embedding shard {path} is missing.", path);
            }

            if (info.Length != expected || rows <= 0)
            {
                throw new InvalidDataException($"The embedding shard {path} has {info.Length} bytes; {rows} rows of {dimension} {type} values need {expected}.");
            }

            Rows = rows;
            _dimension = dimension;
            _type = type;
            _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
            _view = _file.CreateViewAccessor(0, expected, MemoryMappedFileAccess.Read);
            byte* p = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref p);
            _pointer = p + _view.PointerOffset;
        }

        public int Rows { get; }

        public void Read(long row, int count, Span<float> destination)
        {
            long offset = row * _dimension;
            int n = count * _dimension;
            if (_type == EmbeddingDataType.Float32)
            {
                new ReadOnlySpan<float>((float*)_pointer + offset, n).CopyTo(destination);
            }
            else
            {
                TensorPrimitives.ConvertToSingle(new ReadOnlySpan<Half>((Half*)_pointer + offset, n), destination);
            }
        }

        public void Dispose()
        {
            _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
            _file.Dispose();
        }
    }
}

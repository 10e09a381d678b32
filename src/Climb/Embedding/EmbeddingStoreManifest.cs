using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>The manifest.json of an <see cref="EmbeddingStore"/> folder.</summary>
internal sealed class EmbeddingStoreManifest
{
    public const string FileName = "manifest.json";
    public const string FormatName = "climb-embedding-store";
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public string Format { get; set; } = FormatName;

    public int Version { get; set; } = CurrentVersion;

    public string ModelId { get; set; } = string.Empty;

    public int Dimension { get; set; }

    public EmbeddingDataType DataType { get; set; }

    public int ShardSize { get; set; }

    public long RowCount { get; set; }

    public List<ShardEntry> Shards { get; set; } = [];

    /// <summary>Gets or sets a value indicating whether every shard is written; set in the last write of a build.</summary>
    public bool Complete { get; set; }

    public static EmbeddingStoreManifest? TryRead(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        EmbeddingStoreManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<EmbeddingStoreManifest>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid embedding store manifest: {ex.Message}", ex);
        }

        if (manifest is null || manifest.Format != FormatName || manifest.Version != CurrentVersion)
        {
            throw new InvalidDataException($"{path} is not a version-{CurrentVersion} {FormatName} manifest.");
        }

        // Guards found by fuzzing: a shard file name must name a file inside the folder (not "", "..", a path), and the
        // counts must be positive, or opening reads a folder or a file elsewhere.
        if (manifest.Shards is null || manifest.Dimension <= 0 || manifest.RowCount < 0 || manifest.ModelId is null
            || manifest.Shards.Any(e => e is null || e.Rows <= 0 || !IsPlainFileName(e.DataFile) || !IsPlainFileName(e.IdsFile)))
        {
            throw new InvalidDataException($"{path} is a damaged {FormatName} manifest (dimension, row counts or shard file names are invalid).");
        }

        return manifest;
    }

    private static bool IsPlainFileName(string? name) =>
        !string.IsNullOrWhiteSpace(name) && name != "." && name != ".." && name.IndexOfAny(['/', '\\', '\0']) < 0;

    public Task WriteAsync(string folder, CancellationToken cancellationToken) =>
        WriteBytesAsync(Path.Combine(folder, FileName), JsonSerializer.SerializeToUtf8Bytes(this, Json), cancellationToken);

    /// <summary>Writes a file atomically (temporary file, flush, rename).</summary>
    public static Task WriteBytesAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(path, s => s.WriteAsync(content, cancellationToken).AsTask(), cancellationToken);

    internal sealed class ShardEntry
    {
        public int Index { get; set; }

        public string DataFile { get; set; } = string.Empty;

        public string IdsFile { get; set; } = string.Empty;

        public int Rows { get; set; }

        /// <summary>Gets or sets the SHA-256 of the model identity and the shard's document ids.</summary>
        public string IdsHash { get; set; } = string.Empty;

        /// <summary>Gets or sets the SHA-256 of the data file.</summary>
        public string DataHash { get; set; } = string.Empty;
    }
}

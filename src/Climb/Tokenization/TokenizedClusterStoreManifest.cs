using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

// The on-disk format of a TokenizedClusterStore: file names, the manifest and per-cluster markers, atomic writes.
public sealed partial class TokenizedClusterStore
{
    private const int FormatVersion = 1;
    private const string ManifestName = "manifest.json";
    private const string VocabularyMapName = "vocabulary-map.bin";

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

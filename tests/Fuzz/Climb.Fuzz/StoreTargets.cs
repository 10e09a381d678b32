namespace Climb.Fuzz;

/// <summary>
/// The embedding store and the token store. A valid store is built once per process; each input's first byte picks
/// which of the store's files the rest of the input replaces (manifest, a shard, an index...), then the store is opened
/// and every row or token is read.
/// </summary>
internal static class StoreTargets
{
    private static readonly string[] EmbeddingFiles = ["manifest.json", "shard-00000.ids.json", "shard-00000.f32"];
    private static readonly string[] TokenFiles = ["manifest.json", "cluster-00000.tok", "cluster-00000.tok.idx", "vocabulary-map.bin"];
    private static readonly Lazy<string> EmbeddingBase = new(BuildEmbeddingStore);
    private static readonly Lazy<string> TokenBase = new(BuildTokenStore);
    private static readonly Func<TokenizedClusterStore, int, long[]> DocumentOffsets =
        typeof(TokenizedClusterStore).GetMethod("DocumentOffsets", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .CreateDelegate<Func<TokenizedClusterStore, int, long[]>>();

    public static IEnumerable<FuzzTarget> All =>
    [
        new("embedding-store", "embedding store manifest, id lists and float32/float16 shards", ReadEmbeddingStore, IsDocumentedEmbeddingError, () => Seeds(EmbeddingBase.Value, EmbeddingFiles)),
        new("token-store", "token store manifest, token shards, offset index and vocabulary map", ReadTokenStore, IsDocumentedTokenError, () => Seeds(TokenBase.Value, TokenFiles)),
    ];

    /// <summary>InvalidDataException (damaged), FileNotFoundException (a file the manifest names is missing), InvalidOperationException (incomplete build).</summary>
    public static bool IsDocumentedEmbeddingError(Exception ex) =>
        ex is InvalidDataException or FileNotFoundException
        || (ex is InvalidOperationException && ex.Message.Contains("is incomplete", StringComparison.Ordinal));

    /// <summary>InvalidDataException (damaged, incomplete, other tokenizer), FileNotFoundException (a file is missing).</summary>
    public static bool IsDocumentedTokenError(Exception ex) => ex is InvalidDataException or FileNotFoundException;

    public static void ReadEmbeddingStore(byte[] input)
    {
        string folder = Assemble("embedding", EmbeddingBase.Value, EmbeddingFiles, input);
        using var store = EmbeddingStore.Open(folder);
        var row = new float[store.Dimension];
        for (long r = 0; r < Math.Min(store.RowCount, 4096); r++)
        {
            store.ReadRows(r, 1, row);
            _ = store.GetDocumentId(r);
        }

        _ = store.ReadDocumentIds();
    }

    public static void ReadTokenStore(byte[] input)
    {
        string folder = Assemble("tokens", TokenBase.Value, TokenFiles, input);
        using var store = TokenizedClusterStore.Open(folder);
        var buffer = new int[64];
        for (int c = 0; c < store.ClusterCount; c++)
        {
            _ = DocumentOffsets(store, c);
            long tokens = store.TokenCounts[c];
            for (long start = 0; start < Math.Min(tokens, 4096); start += buffer.Length)
            {
                store.ReadTokens(c, start, buffer);
            }
        }
    }

    /// <summary>Copies the base store and overwrites the file picked by the input's first byte with the rest of the input.</summary>
    private static string Assemble(string name, string baseFolder, string[] files, byte[] input)
    {
        string folder = WorkFolder.Fresh(name);
        WorkFolder.CopyFiles(baseFolder, folder);
        if (input.Length > 0)
        {
            File.WriteAllBytes(Path.Combine(folder, files[input[0] % files.Length]), input[1..]);
        }

        return folder;
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seeds(string baseFolder, string[] files) =>
        files.Select((f, i) => ($"{i}-{f}", (byte[])[(byte)i, .. File.ReadAllBytes(Path.Combine(baseFolder, f))]));

    private static IEnumerable<Document> Documents(int count) =>
        Enumerable.Range(0, count).Select(i => new Document($"doc-{i}", $"document {i}: {new string((char)('a' + (i % 26)), 1 + (i % 7))} ünï 🙂", i % 2 == 0 ? "web" : "books"));

    /// <summary>Two float32 shards (3 and 2 rows) of a 4-dimensional hashing embedder.</summary>
    private static string BuildEmbeddingStore()
    {
        string folder = WorkFolder.Kept("embedding-base");
        var options = new EmbeddingStoreOptions { ShardSize = 3, DataType = EmbeddingDataType.Float32 };
        using (EmbeddingStore.BuildAsync(Documents(5).ToAsyncEnumerable(), new HashingEmbedder(), folder, options).GetAwaiter().GetResult())
        {
        }

        return folder;
    }

    private static string BuildTokenStore()
    {
        string folder = WorkFolder.Kept("token-base");
        var clusters = Enumerable.Range(0, 3)
            .Select(c => Documents(4 + c).Skip(c).ToAsyncEnumerable())
            .ToList();
        using (TokenizedClusterStore.BuildAsync(folder, ByteTokenizer.Instance, clusters, new TokenizedClusterStoreOptions { CompactVocabulary = true }).GetAwaiter().GetResult())
        {
        }

        return folder;
    }

    /// <summary>A deterministic embedder for building the base store.</summary>
    private sealed class HashingEmbedder : IEmbedder
    {
        public EmbedderInfo Info { get; } = new("fuzz-hashing", 4);

        public string Identity => Info.ModelId;

        public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            var m = new EmbeddingMatrix(texts.Count, Info.Dimension);
            for (int i = 0; i < texts.Count; i++)
            {
                var rng = new Random(texts[i].Length * 7919);
                for (int d = 0; d < Info.Dimension; d++)
                {
                    m[i][d] = (float)((rng.NextDouble() * 2) - 1);
                }
            }

            return Task.FromResult(m);
        }
    }
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// Runs one embedding shard ("embed-shard"): reads the shard's documents (written by the main process beside the
/// request, one JSON object with "id" and "text" a line), rebuilds the embedder from its <see cref="EmbedderSpec"/>
/// (a corpus-fitted embedder arrives fitted: its fit is part of the description), embeds the documents exactly as an
/// in-process build does, and writes the shard's data file (the store's format) beside the request, atomically.
/// The main process moves it into the embedding store.
/// </summary>
internal sealed class EmbedShardWorkHandler : IWorkHandler
{
    public const string WorkKind = "embed-shard";
    public const string DocumentsSuffix = ".docs.jsonl";

    public string Kind => WorkKind;

    /// <summary>Encodes a shard's documents as JSON lines of id and text.</summary>
    public static byte[] EncodeDocuments(IReadOnlyList<Document> documents)
    {
        using var buffer = new MemoryStream();
        foreach (var d in documents)
        {
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                writer.WriteString("id", d.Id);
                writer.WriteString("text", d.Text);
                writer.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
        }

        return buffer.ToArray();
    }

    public async Task<JsonObject> ExecuteAsync(WorkRequest request, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var p = request.Payload;
        string source = request.RequestPath;
        string docsPath = p["documents"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: 'documents' is missing.");
        if (!File.Exists(docsPath))
        {
            throw new WorkRequestNotFoundException($"'{docsPath}' named by {source} not found on host '{Environment.MachineName}': the artifacts folder must be on storage every node sees.", docsPath);
        }

        int rows = p["rows"]?.GetValue<int>() ?? throw new InvalidDataException($"{source}: 'rows' is missing.");
        long firstRow = p["firstRow"]?.GetValue<long>() ?? 0;
        var dataType = Enum.Parse<EmbeddingDataType>(p["dataType"]?.GetValue<string>() ?? nameof(EmbeddingDataType.Float32));
        var options = new EmbeddingStoreOptions { DataType = dataType, BatchSize = p["batchSize"]?.GetValue<int>() ?? 512 };
        var spec = EmbedderSpec.FromJson(p["embedder"] as JsonObject ?? throw new InvalidDataException($"{source}: 'embedder' is missing."), source);
        var documents = ReadDocuments(docsPath);
        if (documents.Count != rows)
        {
            throw new InvalidDataException($"{docsPath}: {documents.Count} documents; the request {source} says {rows}.");
        }

        var embedder = spec.Create(loggers, source);
        byte[] data;
        try
        {
            data = await EmbeddingStoreBuilder.EmbedShardAsync(embedder, spec.Info, documents, firstRow, options, null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            (embedder as IDisposable)?.Dispose();
        }

        string dataPath = Path.Combine(Path.GetDirectoryName(request.RequestPath)!, request.Id + (dataType == EmbeddingDataType.Float16 ? ".f16" : ".f32"));
        WorkFiles.WriteAtomic(dataPath, data);
        return new JsonObject
        {
            ["data"] = dataPath,
            ["rows"] = rows,
            ["modelId"] = spec.Info.ModelId,
            ["dataHash"] = Convert.ToHexStringLower(SHA256.HashData(data)),
        };
    }

    private static List<Document> ReadDocuments(string path)
    {
        var documents = new List<Document>();
        int line = 0;
        foreach (string text in File.ReadLines(path, Encoding.UTF8))
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                string id = doc.RootElement.GetProperty("id").GetString() ?? throw new InvalidDataException($"{path}:{line}: 'id' is null.");
                string body = doc.RootElement.GetProperty("text").GetString() ?? throw new InvalidDataException($"{path}:{line}: 'text' is null.");
                documents.Add(new Document(id, body));
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}:{line}: not a shard document ({ex.Message}).", ex);
            }
        }

        return documents;
    }
}

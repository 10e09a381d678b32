using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Schema;

namespace Climb;

/// <summary>
/// The data folder an external proxy trainer reads (docs/external-proxies.md, "The data folder"): each super-cluster's
/// documents as shards of JSON lines (or Parquet) with their ids and token counts, the targets' texts, and
/// <c>data.json</c>, the index that names everything. The writer and the reader of the format live here; the
/// <c>proxy-data</c> stage writes it once, and every proxy (and every re-run) reads it.
/// </summary>
internal sealed class ProxyDataFolder
{
    /// <summary>The index file's name.</summary>
    public const string IndexFileName = "data.json";

    /// <summary>The index's <c>kind</c>.</summary>
    public const string Kind = "climb-proxy-data";

    /// <summary>The version of the format this code writes and reads.</summary>
    public const int Version = 1;

    private ProxyDataFolder(string folder, string[] names, long[] tokens, long[] documents, string targetsFingerprint, string tokenizer, DatasetFormat format, string contentFingerprint)
    {
        FolderPath = folder;
        Names = names;
        TokenCounts = tokens;
        DocumentCounts = documents;
        TargetsFingerprint = targetsFingerprint;
        Tokenizer = tokenizer;
        Format = format;
        ContentFingerprint = contentFingerprint;
    }

    /// <summary>Gets the folder's full path.</summary>
    public string FolderPath { get; }

    /// <summary>Gets the super-clusters' names, in index order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Gets each super-cluster's tokens.</summary>
    public IReadOnlyList<long> TokenCounts { get; }

    /// <summary>Gets each super-cluster's documents.</summary>
    public IReadOnlyList<long> DocumentCounts { get; }

    /// <summary>Gets the fingerprint of the targets whose texts the folder holds.</summary>
    public string TargetsFingerprint { get; }

    /// <summary>Gets the identity of the tokenizer that counted the tokens.</summary>
    public string Tokenizer { get; }

    /// <summary>Gets the shards' format.</summary>
    public DatasetFormat Format { get; }

    /// <summary>Gets a hash of the index (which names every shard with its counts).</summary>
    public string ContentFingerprint { get; }

    /// <summary>Returns the fingerprint of a list of targets, as the index records it.</summary>
    public static string TargetsFingerprintOf(IReadOnlyList<EvaluationTarget> targets) =>
        Fingerprint.Of(targets.Select(t => t.ContentFingerprint()).ToArray());

    /// <summary>Reads a folder's index and checks that its shards are there.</summary>
    /// <exception cref="InvalidDataException">The index is missing, malformed or names a missing file; the message names the file.</exception>
    public static ProxyDataFolder Open(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder);
        string index = Path.Combine(full, IndexFileName);
        if (!File.Exists(index))
        {
            throw new InvalidDataException($"'{full}' is not a proxy data folder: it has no {IndexFileName} (the proxy-data stage writes one: climb proxy-data --proxy Command …).");
        }

        string text = File.ReadAllText(index);
        try
        {
            var root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException("not a JSON object");
            if (root["kind"]?.GetValue<string>() != Kind || root["version"]?.GetValue<int>() != Version)
            {
                throw new InvalidDataException($"not a {Kind} index of version {Version}");
            }

            var clusters = root["super_clusters"]!.AsArray().Select(n => n!.AsObject()).ToList();
            foreach (var c in clusters)
            {
                foreach (var f in c["files"]!.AsArray())
                {
                    string relative = f!["path"]!.GetValue<string>();
                    if (!File.Exists(Path.Combine(full, relative)))
                    {
                        throw new InvalidDataException($"the shard '{relative}' it lists is missing");
                    }
                }
            }

            return new ProxyDataFolder(
                full,
                clusters.Select(c => c["name"]!.GetValue<string>()).ToArray(),
                clusters.Select(c => c["tokens"]!.GetValue<long>()).ToArray(),
                clusters.Select(c => c["documents"]!.GetValue<long>()).ToArray(),
                root["targets_fingerprint"]!.GetValue<string>(),
                root["tokenizer"]!.GetValue<string>(),
                root["format"]!.GetValue<string>() == "parquet" ? DatasetFormat.Parquet : DatasetFormat.Jsonl,
                Fingerprint.Of(text));
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException or InvalidDataException)
        {
            throw new InvalidDataException($"{index}: {ex.Message}", ex);
        }
    }

    /// <summary>Writes a data folder (into an empty or new folder) and returns it.</summary>
    /// <param name="folder">The folder.</param>
    /// <param name="names">The super-clusters' names, in index order.</param>
    /// <param name="documents">Every document once, with its super-cluster and its token count, in corpus order.</param>
    /// <param name="targets">The evaluation targets, whose texts the trainer scores.</param>
    /// <param name="tokenizer">The identity of the tokenizer that counted the tokens.</param>
    /// <param name="format">The shards' format.</param>
    /// <param name="limits">When a shard is full.</param>
    /// <param name="progress">Receives the documents written so far.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    public static async Task<ProxyDataFolder> WriteAsync(
        string folder,
        IReadOnlyList<string> names,
        IAsyncEnumerable<(int Cluster, Document Document, long Tokens)> documents,
        IReadOnlyList<EvaluationTarget> targets,
        string tokenizer,
        DatasetFormat format,
        ShardLimits limits,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        string full = Path.GetFullPath(folder);
        Directory.CreateDirectory(full);
        var recorder = WrittenFileHashes.Current;
        var clusters = names.Select((_, s) => new ClusterShards(full, s, format, limits, recorder)).ToArray();
        long written = 0;
        try
        {
            await foreach (var (cluster, document, tokens) in documents.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await clusters[cluster].WriteAsync(document, tokens).ConfigureAwait(false);
                if (++written % 10_000 == 0)
                {
                    progress?.Report(written);
                }
            }

            foreach (var c in clusters)
            {
                await c.CloseAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var c in clusters)
            {
                await c.DisposeAsync().ConfigureAwait(false);
            }
        }

        progress?.Report(written);
        var targetEntries = new JsonArray();
        for (int t = 0; t < targets.Count; t++)
        {
            string relative = string.Create(CultureInfo.InvariantCulture, $"targets/{t:D5}.jsonl");
            var (kind, count, body) = TargetLines(targets[t]);
            await AtomicFile.WriteAllTextAsync(Path.Combine(full, relative), body, cancellationToken).ConfigureAwait(false);
            targetEntries.Add(new JsonObject
            {
                ["name"] = targets[t].Name,
                ["kind"] = kind,
                ["weight"] = targets[t].Weight,
                ["count"] = count,
                ["path"] = relative,
            });
        }

        var index = new JsonObject
        {
            ["kind"] = Kind,
            ["version"] = Version,
            ["format"] = format == DatasetFormat.Parquet ? "parquet" : "jsonl",
            ["tokenizer"] = tokenizer,
            ["documents"] = clusters.Sum(c => c.Documents),
            ["tokens"] = clusters.Sum(c => c.Tokens),
            ["targets_fingerprint"] = TargetsFingerprintOf(targets),
            ["super_clusters"] = new JsonArray(clusters.Select((c, s) => (JsonNode?)new JsonObject
            {
                ["index"] = s,
                ["name"] = names[s],
                ["documents"] = c.Documents,
                ["tokens"] = c.Tokens,
                ["files"] = new JsonArray(c.Files.Select(f => (JsonNode?)new JsonObject { ["path"] = f.Path, ["documents"] = f.Documents, ["tokens"] = f.Tokens }).ToArray()),
            }).ToArray()),
            ["targets"] = targetEntries,
        };
        await AtomicFile.WriteAllTextAsync(Path.Combine(full, IndexFileName), index.ToJsonString(new JsonSerializerOptions { WriteIndented = true }), cancellationToken).ConfigureAwait(false);
        return Open(full);
    }

    private static (string Kind, int Count, string Body) TargetLines(EvaluationTarget target)
    {
        var sb = new StringBuilder();
        switch (target)
        {
            case TextTarget text:
                foreach (string t in text.Texts)
                {
                    sb.Append(new JsonObject { ["text"] = t }.ToJsonString()).Append('\n');
                }

                return ("text", text.Texts.Count, sb.ToString());
            case MultipleChoiceTarget choices:
                foreach (var item in choices.Items)
                {
                    sb.Append(new JsonObject
                    {
                        ["context"] = item.Context,
                        ["choices"] = new JsonArray(item.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
                        ["label"] = item.Label,
                    }.ToJsonString()).Append('\n');
                }

                return ("multiple-choice", choices.Items.Count, sb.ToString());
            default:
                throw new NotSupportedException($"Target '{target.Name}' is of an unknown kind ({target.GetType().Name}).");
        }
    }

    /// <summary>When a shard is full: at <paramref name="Documents"/> documents or <paramref name="TextBytes"/> bytes of text.</summary>
    internal readonly record struct ShardLimits(int Documents, long TextBytes)
    {
        /// <summary>Gets the default limits: 100,000 documents or 128 MiB of text per shard.</summary>
        public static ShardLimits Default => new(100_000, 128L << 20);
    }

    /// <summary>One shard of a super-cluster in the index.</summary>
    private sealed record ShardEntry(string Path, long Documents, long Tokens);

    /// <summary>The shards of one super-cluster, written one after another.</summary>
    private sealed class ClusterShards(string root, int cluster, DatasetFormat format, ShardLimits limits, WrittenFileHashes? recorder) : IAsyncDisposable
    {
        private ShardWriter? _current;

        public List<ShardEntry> Files { get; } = [];

        public long Documents { get; private set; }

        public long Tokens { get; private set; }

        public async Task WriteAsync(Document document, long tokens)
        {
            if (_current is null)
            {
                string relative = string.Create(CultureInfo.InvariantCulture, $"clusters/{cluster:D5}/part-{Files.Count:D5}.{(format == DatasetFormat.Parquet ? "parquet" : "jsonl")}");
                Directory.CreateDirectory(Path.Combine(root, "clusters", cluster.ToString("D5", CultureInfo.InvariantCulture)));
                _current = format == DatasetFormat.Parquet ? new ParquetShard(root, relative) : new JsonlShard(root, relative, recorder);
            }

            await _current.WriteAsync(document, tokens).ConfigureAwait(false);
            Documents++;
            Tokens += tokens;
            if (_current.Documents >= limits.Documents || _current.TextBytes >= limits.TextBytes)
            {
                await CloseAsync().ConfigureAwait(false);
            }
        }

        public async Task CloseAsync()
        {
            if (_current is { } shard)
            {
                _current = null;
                await shard.DisposeAsync().ConfigureAwait(false);
                Files.Add(new ShardEntry(shard.Relative, shard.Documents, shard.Tokens));
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (_current is { } shard)
            {
                _current = null;
                await shard.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private abstract class ShardWriter(string relative) : IAsyncDisposable
    {
        public string Relative { get; } = relative;

        public long Documents { get; protected set; }

        public long Tokens { get; protected set; }

        public long TextBytes { get; protected set; }

        public abstract ValueTask WriteAsync(Document document, long tokens);

        public abstract ValueTask DisposeAsync();

        protected void Count(Document document, long tokens)
        {
            Documents++;
            Tokens += tokens;
            TextBytes += Encoding.UTF8.GetByteCount(document.Text);
        }
    }

    /// <summary>JSON lines, hashed on the way to the disk for the stage's manifest.</summary>
    private sealed class JsonlShard : ShardWriter
    {
        private readonly string _path;
        private readonly HashingWriteStream _stream;
        private readonly WrittenFileHashes? _recorder;
        private readonly System.Buffers.ArrayBufferWriter<byte> _buffer = new();
        private bool _disposed;

        public JsonlShard(string root, string relative, WrittenFileHashes? recorder)
            : base(relative)
        {
            _path = Path.Combine(root, relative);
            _recorder = recorder;
            _stream = new HashingWriteStream(new FileStream(_path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16));
        }

        public override ValueTask WriteAsync(Document document, long tokens)
        {
            _buffer.Clear();
            using (var w = new Utf8JsonWriter(_buffer))
            {
                w.WriteStartObject();
                w.WriteString("id", document.Id);
                w.WriteNumber("tokens", tokens);
                w.WriteString("text", document.Text);
                if (document.Source is not null)
                {
                    w.WriteString("source", document.Source);
                }

                w.WriteEndObject();
            }

            _stream.Write(_buffer.WrittenSpan);
            _stream.WriteByte((byte)'\n');
            Count(document, tokens);
            return ValueTask.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _stream.FlushAsync().ConfigureAwait(false);
            long length = _stream.BytesWritten;
            string? hash = _stream.Finish();
            await _stream.DisposeAsync().ConfigureAwait(false);
            if (hash is not null)
            {
                _recorder?.Add(_path, length, hash);
            }
        }
    }

    /// <summary>Parquet: columns id, tokens, text, source; one row group per 2,048 documents.</summary>
    private sealed class ParquetShard : ShardWriter
    {
        private const int RowGroupRows = 2048;

        private static readonly ParquetSchema Schema = new(
            new DataField<string>("id"), new DataField<long>("tokens"), new DataField<string>("text"), new DataField<string>("source"));

        private readonly FileStream _stream;
        private readonly List<(Document Document, long Tokens)> _rows = [];
        private ParquetWriter? _writer;
        private bool _disposed;

        public ParquetShard(string root, string relative)
            : base(relative) => _stream = new FileStream(Path.Combine(root, relative), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);

        public override async ValueTask WriteAsync(Document document, long tokens)
        {
            _rows.Add((document, tokens));
            Count(document, tokens);
            if (_rows.Count >= RowGroupRows)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            try
            {
                await FlushAsync().ConfigureAwait(false);
                if (_writer is not null)
                {
                    await _writer.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }

        private async Task FlushAsync()
        {
            if (_rows.Count == 0 && _writer is not null)
            {
                return;
            }

            _writer ??= await ParquetWriter.CreateAsync(Schema, _stream).ConfigureAwait(false);
            using var group = _writer.CreateRowGroup();
            var f = Schema.DataFields;
            await group.WriteAsync(f[0], _rows.Select(r => r.Document.Id).ToArray(), null).ConfigureAwait(false);
            await group.WriteAsync<long>(f[1], _rows.Select(r => r.Tokens).ToArray(), null, null, default).ConfigureAwait(false);
            await group.WriteAsync(f[2], _rows.Select(r => r.Document.Text).ToArray(), null).ConfigureAwait(false);
            await group.WriteAsync(f[3], _rows.Select(r => r.Document.Source ?? string.Empty).ToArray(), null).ConfigureAwait(false);
            _rows.Clear();
        }
    }
}

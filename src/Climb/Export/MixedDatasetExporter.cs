using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Parquet;
using Parquet.Schema;

namespace Climb;

/// <summary>
/// Writes the mixed training dataset: documents drawn from each mixture component in proportion to its weight,
/// up to a token budget, spread at random over shards, with exact per-component token accounting.
/// </summary>
/// <remarks>
/// Selection needs only each document's id and token count; the texts are then read in one streaming pass over
/// the corpus, so the corpus never has to fit in memory.
/// </remarks>
internal sealed partial class MixedDatasetExporter
{
    private const int FlushRows = 2048;
    private readonly MixedDatasetExporterOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes a new exporter.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    public MixedDatasetExporter(MixedDatasetExporterOptions? options = null, ILogger<MixedDatasetExporter>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new MixedDatasetExporterOptions());
        _logger = logger ?? NullLogger<MixedDatasetExporter>.Instance;
    }

    /// <summary>Exports the dataset.</summary>
    /// <param name="components">For each mixture component, its documents as (id, token count).</param>
    /// <param name="weights">The mixture; one weight per component.</param>
    /// <param name="corpus">The corpus, read once; documents not selected are skipped.</param>
    /// <param name="folder">The output folder (created; existing shards are replaced).</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The accounting.</returns>
    public async Task<DatasetExportResult> ExportAsync(
        IReadOnlyList<IReadOnlyList<(string DocumentId, int Tokens)>> components,
        MixtureWeights weights,
        IAsyncEnumerable<Document> corpus,
        string folder,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentException.ThrowIfNullOrEmpty(folder);
        if (components.Count != weights.Count)
        {
            throw new ArgumentException($"The mixture has {weights.Count} weights but there are {components.Count} components.", nameof(weights));
        }

        var (plan, accounting) = Plan(components, weights);
        Directory.CreateDirectory(folder);
        string ext = _options.Format == DatasetFormat.Parquet ? ".parquet" : ".jsonl";
        var shardPaths = Enumerable.Range(0, _options.ShardCount)
            .Select(i => Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"shard-{i:D5}{ext}"))).ToList();
        var writers = shardPaths.Select(p => ShardWriter.Create(p + ".tmp", _options.Format)).ToList();
        var placement = new Random(SeedMixer.Derive(_options.Seed, 0x5A4D)); // stable across processes (never HashCode)
        var found = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var doc in corpus.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                if (!plan.TryGetValue(doc.Id, out var sel) || !found.Add(doc.Id))
                {
                    continue;
                }

                for (int r = 0; r < sel.Copies; r++)
                {
                    await writers[placement.Next(writers.Count)].WriteAsync(doc, sel.Component, sel.Tokens, r).ConfigureAwait(false);
                }
            }

            if (found.Count != plan.Count)
            {
                string missing = plan.Keys.First(k => !found.Contains(k));
                throw new InvalidDataException(
                    $"{plan.Count - found.Count} selected documents were not found in the corpus (for example '{missing}'); the corpus changed since it was clustered.");
            }

            foreach (var w in writers)
            {
                await w.DisposeAsync().ConfigureAwait(false);
            }

            for (int i = 0; i < shardPaths.Count; i++)
            {
                File.Move(shardPaths[i] + ".tmp", shardPaths[i], overwrite: true);
                if (writers[i].Written is { Hash: { } hash } written)
                {
                    WrittenFileHashes.Current?.Add(shardPaths[i], written.Length, hash);
                }
            }
        }
        catch
        {
            foreach (var w in writers)
            {
                await w.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var p in shardPaths)
            {
                File.Delete(p + ".tmp");
            }

            throw;
        }

        var result = new DatasetExportResult { Folder = Path.GetFullPath(folder), Shards = shardPaths, Components = accounting, TokenBudget = _options.TokenBudget };
        if (result.IsShortOfBudget)
        {
            var capped = accounting.Where(a => a.TokensWritten < a.TargetTokens).Select(a => a.Component.ToString(CultureInfo.InvariantCulture));
            LogShortfall(result.Tokens, result.TokenBudget, string.Join(", ", capped), result.MaxShareDeviation);
        }

        await AtomicFile.WriteAllTextAsync(
            Path.Combine(folder, "export.json"),
            JsonSerializer.Serialize(new { options = _options, weights = weights.ToArray(), tokens = result.Tokens, documents = result.Documents, shortfall = result.Shortfall, writtenShares = result.WrittenShares, components = accounting, shards = shardPaths.Select(Path.GetFileName) }, ExportJson),
            cancellationToken).ConfigureAwait(false);
        LogExported(result.Documents, result.Tokens, shardPaths.Count, result.Folder);
        return result;
    }

    private static readonly JsonSerializerOptions ExportJson = new() { WriteIndented = true };

    /// <summary>Chooses, per component, which documents go in and how often (seeded; no I/O).</summary>
    internal (Dictionary<string, Selection> Plan, List<ComponentExport> Accounting) Plan(
        IReadOnlyList<IReadOnlyList<(string DocumentId, int Tokens)>> components, MixtureWeights weights)
    {
        var plan = new Dictionary<string, Selection>(StringComparer.Ordinal);
        var accounting = new List<ComponentExport>(components.Count);
        for (int c = 0; c < components.Count; c++)
        {
            var docs = components[c];
            long target = (long)Math.Round(weights[c] * _options.TokenBudget);
            long available = docs.Sum(d => (long)d.Tokens);
            long written = 0, count = 0;
            int epochs = 0;
            if (target > 0 && available > 0)
            {
                var order = Enumerable.Range(0, docs.Count).ToArray();
                new Random(SeedMixer.Derive(_options.Seed, 0xC0, c)).Shuffle(order);
                int maxEpochs = _options.AllowRepetition ? _options.MaxEpochs : 1;
                bool nearTarget = false;
                while (written < target && epochs < maxEpochs && !nearTarget)
                {
                    // Another epoch (repeats) only when this one used every document and still fell short.
                    epochs++;
                    foreach (int i in order)
                    {
                        var (id, tokens) = docs[i];
                        if (written >= target)
                        {
                            break;
                        }

                        // Take the document unless it would overshoot by more than it fills.
                        if (written + tokens > target && (target - written) < tokens / 2)
                        {
                            nearTarget = true;
                            continue;
                        }

                        if (plan.TryGetValue(id, out var existing))
                        {
                            if (existing.Component != c)
                            {
                                throw new ArgumentException($"Document '{id}' appears in components {existing.Component} and {c}.", nameof(components));
                            }

                            plan[id] = existing with { Copies = existing.Copies + 1 };
                        }
                        else
                        {
                            plan[id] = new Selection(c, tokens, 1);
                        }

                        written += tokens;
                        count++;
                    }
                }
            }

            accounting.Add(new ComponentExport(c, weights[c], target, written, count, available, epochs));
        }

        return (plan, accounting);
    }

    internal readonly record struct Selection(int Component, int Tokens, int Copies);

    [LoggerMessage(LogLevel.Warning, "The export wrote {Tokens} of the {Budget} budgeted tokens: component(s) {Components} ran out of documents (AllowRepetition, MaxEpochs); the written shares differ from the mixture by up to {Deviation:F3}.")]
    private partial void LogShortfall(long tokens, long budget, string components, double deviation);

    [LoggerMessage(LogLevel.Information, "Exported {Documents} documents ({Tokens} tokens) into {Shards} shards in {Folder}.")]
    private partial void LogExported(long documents, long tokens, int shards, string folder);

    private abstract class ShardWriter : IAsyncDisposable
    {
        public static ShardWriter Create(string path, DatasetFormat format) =>
            format == DatasetFormat.Parquet ? new ParquetShardWriter(path) : new JsonlShardWriter(path);

        /// <summary>Gets the length and SHA-256 of what was written, once disposed, when the writer hashed it on the way (else null).</summary>
        public virtual (long Length, string? Hash)? Written => null;

        public abstract ValueTask WriteAsync(Document doc, int component, int tokens, int repeat);

        public abstract ValueTask DisposeAsync();
    }

    private sealed class JsonlShardWriter(string path) : ShardWriter
    {
        // Hashed on its way to the disk, so the export stage's manifest need not read the shard back.
        private readonly HashingWriteStream _stream = new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16));
        private readonly Utf8JsonWriter _json = new(Stream.Null);
        private (long Length, string? Hash)? _written;
        private bool _disposed;

        public override (long Length, string? Hash)? Written => _written;

        public override ValueTask WriteAsync(Document doc, int component, int tokens, int repeat)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("id", doc.Id);
                w.WriteString("text", doc.Text);
                if (doc.Source is not null)
                {
                    w.WriteString("source", doc.Source);
                }

                w.WriteNumber("cluster", component);
                w.WriteNumber("tokens", tokens);
                w.WriteNumber("repeat", repeat);
                w.WriteEndObject();
            }

            buffer.WriteByte((byte)'\n');
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _json.DisposeAsync().ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
            _written = (_stream.BytesWritten, _stream.Finish());
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class ParquetShardWriter(string path) : ShardWriter
    {
        private static readonly ParquetSchema Schema = new(
            new DataField<string>("id"), new DataField<string>("text"), new DataField<string>("source"),
            new DataField<int>("cluster"), new DataField<int>("tokens"), new DataField<int>("repeat"));

        private readonly FileStream _stream = new(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16);
        private readonly List<(Document Doc, int Component, int Tokens, int Repeat)> _rows = [];
        private ParquetWriter? _writer;
        private bool _disposed;

        public override async ValueTask WriteAsync(Document doc, int component, int tokens, int repeat)
        {
            _rows.Add((doc, component, tokens, repeat));
            if (_rows.Count >= FlushRows)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        private async Task FlushAsync()
        {
            if (_rows.Count == 0 && _writer is not null)
            {
                return;
            }

            _writer ??= await ParquetWriter.CreateAsync(Schema, _stream).ConfigureAwait(false);
            using var rg = _writer.CreateRowGroup();
            var f = Schema.DataFields;
            await rg.WriteAsync(f[0], _rows.Select(r => r.Doc.Id).ToArray(), null).ConfigureAwait(false);
            await rg.WriteAsync(f[1], _rows.Select(r => r.Doc.Text).ToArray(), null).ConfigureAwait(false);
            await rg.WriteAsync(f[2], _rows.Select(r => r.Doc.Source ?? string.Empty).ToArray(), null).ConfigureAwait(false);
            await rg.WriteAsync<int>(f[3], _rows.Select(r => r.Component).ToArray(), null, null, default).ConfigureAwait(false);
            await rg.WriteAsync<int>(f[4], _rows.Select(r => r.Tokens).ToArray(), null, null, default).ConfigureAwait(false);
            await rg.WriteAsync<int>(f[5], _rows.Select(r => r.Repeat).ToArray(), null, null, default).ConfigureAwait(false);
            _rows.Clear();
        }

        public override async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await FlushAsync().ConfigureAwait(false);
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
            }

            await _stream.DisposeAsync().ConfigureAwait(false);
        }
    }
}

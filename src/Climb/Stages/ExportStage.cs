using System.Text.Json;

namespace Climb;

/// <summary>Stage 9: writes the mixed dataset (<c>dataset/</c>: shards and <c>export.json</c>, the accounting) from the
/// searched mixture, with each document's exact token count from the token store.</summary>
internal sealed class ExportStage(
    ClimbCorpus corpus, EmbedStage embed, MergeStage merge, TokenizeStage tokenize, SearchStage search, MixedDatasetExporterOptions options) : PipelineStage(embed, merge, tokenize, search)
{
    private const string DatasetFolder = "dataset";
    private const string AccountingFile = "export.json";
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };
    private DatasetExportResult? _result;

    /// <summary>Gets the accounting of the exported dataset.</summary>
    public DatasetExportResult Result => Ready(_result, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("export/v3", JsonSerializer.Serialize(options));

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        // The tokenize stage streamed each super-cluster's documents in corpus order, so the k-th kept document of a
        // super-cluster is its k-th document in the token store: its exact token count is an offset difference.
        var superOfDoc = merge.DocumentSuperClusters();
        var ids = embed.Store.ReadDocumentIds();
        int supers = merge.Output.SuperClusterCount;
        var offsets = Enumerable.Range(0, supers).Select(tokenize.Tokens.DocumentOffsets).ToArray();
        var components = Enumerable.Range(0, supers).Select(_ => new List<(string, int)>()).ToArray();
        var next = new int[supers];
        for (int i = 0; i < superOfDoc.Length; i++)
        {
            int s = superOfDoc[i];
            if (s >= 0)
            {
                int k = next[s]++;
                components[s].Add((ids[i], checked((int)(offsets[s][k + 1] - offsets[s][k]))));
            }
        }

        var exporter = new MixedDatasetExporter(options, context.Logger<MixedDatasetExporter>());
        var result = await exporter.ExportAsync(components, search.Result.Mixture, corpus.ReadAsync(cancellationToken), Path.Combine(folder, DatasetFolder), cancellationToken).ConfigureAwait(false);
        _result = result;
        return new Dictionary<string, double>
        {
            ["export_documents"] = result.Documents,
            ["export_tokens"] = result.Tokens,
            ["export_shortfall_tokens"] = result.Shortfall,
            ["export_max_share_deviation"] = result.MaxShareDeviation,
        };
    }

    public override void Load(StageContext context, string folder)
    {
        string dataset = Path.Combine(folder, DatasetFolder);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dataset, AccountingFile)));
        var root = doc.RootElement;
        var components = root.GetProperty("components").Deserialize<List<ComponentExport>>(Json)
            ?? throw new InvalidDataException($"{dataset}/{AccountingFile} has no components.");
        var shards = root.GetProperty("shards").EnumerateArray().Select(e => Path.Combine(dataset, e.GetString()!)).ToList();
        if (components.Count != merge.Output.SuperClusterCount || !shards.All(File.Exists))
        {
            throw new InvalidDataException($"{dataset}/{AccountingFile} does not match the super-clusters or its shards are missing.");
        }

        long budget = root.GetProperty("options").GetProperty("TokenBudget").GetInt64();
        _result = new DatasetExportResult { Folder = dataset, Shards = shards, Components = components, TokenBudget = budget };
    }
}

using System.Text.Json;

namespace Climb.Tests.Export;

public class MixedDatasetExporterTests
{
    private static (List<IReadOnlyList<(string, int)>> Components, List<Document> Corpus) MakeCorpus()
    {
        var rng = new Random(7);
        var components = new List<IReadOnlyList<(string, int)>>();
        var corpus = new List<Document>();
        for (int c = 0; c < 3; c++)
        {
            var docs = new List<(string, int)>();
            for (int i = 0; i < 200; i++)
            {
                string id = $"c{c}-{i}";
                int tokens = rng.Next(5, 60);
                docs.Add((id, tokens));
                corpus.Add(new Document(id, $"text of {id} " + new string('x', tokens), $"domain{c}"));
            }

            components.Add(docs);
        }

        return (components, corpus);
    }

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> docs)
    {
        foreach (var d in docs)
        {
            await Task.Yield();
            yield return d;
        }
    }

    private static string TempDir() => Directory.CreateTempSubdirectory("climb-export-").FullName;

    [Fact]
    public async Task Jsonl_shards_are_hashed_on_their_way_to_the_disk_for_the_stage_manifest()
    {
        var (components, corpus) = MakeCorpus();
        var exporter = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = 5000, ShardCount = 3, Seed = 1 });
        string dir = TempDir();
        DatasetExportResult result;
        WrittenFileHashes recorder;
        using (WrittenFileHashes.Record(out recorder))
        {
            result = await exporter.ExportAsync(components, new MixtureWeights([0.6, 0.3, 0.1]), Stream(corpus), dir);
        }

        Assert.Equal(3, result.Shards.Count);
        foreach (string shard in result.Shards)
        {
            string expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(shard)));
            Assert.Equal(expected, recorder.TryGet(new FileInfo(shard)));
        }
    }

    [Fact]
    public async Task Jsonl_shards_hold_exactly_the_accounted_tokens_per_component()
    {
        var (components, corpus) = MakeCorpus();
        var weights = new MixtureWeights([0.6, 0.3, 0.1]);
        var exporter = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = 5000, ShardCount = 3, Seed = 1 });
        string dir = TempDir();
        var result = await exporter.ExportAsync(components, weights, Stream(corpus), dir);

        var perComponent = new long[3];
        var perDocCopies = new Dictionary<string, int>();
        foreach (string shard in result.Shards)
        {
            foreach (string line in File.ReadLines(shard))
            {
                using var j = JsonDocument.Parse(line);
                int c = j.RootElement.GetProperty("cluster").GetInt32();
                perComponent[c] += j.RootElement.GetProperty("tokens").GetInt32();
                string id = j.RootElement.GetProperty("id").GetString()!;
                Assert.StartsWith($"c{c}-", id, StringComparison.Ordinal);
                perDocCopies[id] = perDocCopies.GetValueOrDefault(id) + 1;
            }
        }

        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(result.Components[c].TokensWritten, perComponent[c]);
            // Within one document (max 59 tokens) of the target.
            Assert.InRange(perComponent[c], result.Components[c].TargetTokens - 59, result.Components[c].TargetTokens + 59);
        }

        Assert.Equal(3000, result.Components[0].TargetTokens);
        Assert.All(perDocCopies.Values, n => Assert.Equal(1, n)); // budget below every component's size: no repeats
        Assert.True(File.Exists(Path.Combine(dir, "export.json")));
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public async Task Small_component_is_repeated_up_to_max_epochs_and_the_shortfall_is_reported()
    {
        var (components, corpus) = MakeCorpus();
        long available = components[2].Sum(d => (long)d.Item2);
        var weights = new MixtureWeights([0.0, 0.0, 1.0]);

        var repeat = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = available * 2, MaxEpochs = 4 });
        var r1 = await repeat.ExportAsync(components, weights, Stream(corpus), TempDir());
        Assert.Equal(2, r1.Components[2].Epochs);
        Assert.InRange(r1.Components[2].TokensWritten, (available * 2) - 59, (available * 2) + 59);
        Assert.Equal(0, r1.Components[0].TokensWritten);

        var noRepeat = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = available * 2, AllowRepetition = false });
        var r2 = await noRepeat.ExportAsync(components, weights, Stream(corpus), TempDir());
        Assert.Equal(available, r2.Components[2].TokensWritten);
        Assert.Equal(1, r2.Components[2].Epochs);
    }

    [Fact]
    public async Task Parquet_export_round_trips_and_is_deterministic_for_a_seed()
    {
        var (components, corpus) = MakeCorpus();
        var weights = new MixtureWeights([0.2, 0.5, 0.3]);
        var options = new MixedDatasetExporterOptions { TokenBudget = 4000, ShardCount = 2, Format = DatasetFormat.Parquet, Seed = 9 };
        var a = await new MixedDatasetExporter(options).ExportAsync(components, weights, Stream(corpus), TempDir());
        var b = await new MixedDatasetExporter(options).ExportAsync(components, weights, Stream(corpus), TempDir());

        long tokens = 0;
        var idsA = new List<string>();
        foreach (string shard in a.Shards)
        {
            using var fs = File.OpenRead(shard);
            var rows = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(fs);
            foreach (var row in rows.Data)
            {
                tokens += Convert.ToInt64(row["tokens"], System.Globalization.CultureInfo.InvariantCulture);
                idsA.Add((string)row["id"]!);
            }
        }

        Assert.Equal(a.Tokens, tokens);
        Assert.Equal(a.Components.Select(c => c.TokensWritten), b.Components.Select(c => c.TokensWritten));
        var idsB = new List<string>();
        foreach (string shard in b.Shards)
        {
            using var fs = File.OpenRead(shard);
            var rows = await Parquet.Serialization.ParquetSerializer.DeserializeUntypedAsync(fs);
            idsB.AddRange(rows.Data.Select(r => (string)r["id"]!));
        }

        Assert.Equal(idsA, idsB);
    }

    [Fact]
    public async Task A_selected_document_missing_from_the_corpus_is_an_error_and_leaves_no_shards()
    {
        var (components, corpus) = MakeCorpus();
        var weights = new MixtureWeights([1.0, 0.0, 0.0]);
        string dir = TempDir();
        var exporter = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = 100_000, AllowRepetition = false });
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => exporter.ExportAsync(components, weights, Stream(corpus.Where(d => d.Id != "c0-5")), dir));
        Assert.Contains("c0-5", ex.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Mismatched_weight_count_names_the_parameter()
    {
        var (components, corpus) = MakeCorpus();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => new MixedDatasetExporter().ExportAsync(components, MixtureWeights.Uniform(2), Stream(corpus), TempDir()));
        Assert.Equal("weights", ex.ParamName);
    }

    [Fact]
    public async Task A_budget_larger_than_the_data_reports_the_shortfall_and_the_shares_written()
    {
        var (components, corpus) = MakeCorpus();
        long small = components[2].Sum(d => (long)d.Item2);
        var weights = new MixtureWeights([0.2, 0.2, 0.6]);
        long budget = 4 * small; // component 2 wants 2.4x its tokens; one epoch only
        var exporter = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = budget, AllowRepetition = false, Seed = 3 });
        var result = await exporter.ExportAsync(components, weights, Stream(corpus), TempDir());

        Assert.True(result.IsShortOfBudget);
        Assert.Equal(budget, result.TokenBudget);
        Assert.Equal(budget - result.Tokens, result.Shortfall);
        Assert.True(result.Shortfall > small, $"shortfall {result.Shortfall}");
        Assert.Equal(small, result.Components[2].TokensWritten);
        Assert.Equal(1.0, result.WrittenShares.Sum(), 9);
        Assert.True(result.WrittenShares[2] < 0.6 - 0.05, "the capped component's written share is below its weight");
        Assert.Equal(result.Components.Zip(result.WrittenShares).Max(p => Math.Abs(p.First.Weight - p.Second)), result.MaxShareDeviation, 12);

        var met = await new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = small, Seed = 3 }).ExportAsync(components, weights, Stream(corpus), TempDir());
        Assert.False(met.IsShortOfBudget);
        Assert.True(met.MaxShareDeviation < 0.02, $"deviation {met.MaxShareDeviation}");
    }
}

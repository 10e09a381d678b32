using System.Text.Json.Nodes;
using Parquet;

namespace Climb.Tests.ProxyTraining;

public class ProxyDataFolderTests
{
    [Fact]
    public async Task Writes_every_document_once_with_its_id_and_exact_token_count_in_documented_shards()
    {
        string dir = CommandProxyTestData.TempDir("data-jsonl");
        string[] names = ["0: a", "1: b", "2: c"];
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, names, limits: new ProxyDataFolder.ShardLimits(15, long.MaxValue));

        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(data, "data.json")))!.AsObject();
        Assert.Equal("climb-proxy-data", index["kind"]!.GetValue<string>());
        Assert.Equal("jsonl", index["format"]!.GetValue<string>());
        Assert.Equal("byte", index["tokenizer"]!.GetValue<string>());
        var clusters = index["super_clusters"]!.AsArray();
        Assert.Equal(names, clusters.Select(c => c!["name"]!.GetValue<string>()));
        for (int c = 0; c < 3; c++)
        {
            var files = clusters[c]!["files"]!.AsArray();
            Assert.Equal(3, files.Count); // 40 documents in shards of 15
            var lines = files.SelectMany(f => File.ReadAllLines(Path.Combine(data, f!["path"]!.GetValue<string>()))).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
            var expected = SampleCorpusData.Domain(CommandProxyTestData.Domains[c]).Take(40).ToList();
            Assert.Equal(expected.Select(d => d.Id), lines.Select(l => l["id"]!.GetValue<string>()));
            Assert.Equal(expected.Select(d => d.Text), lines.Select(l => l["text"]!.GetValue<string>()));
            long[] offsets = store.DocumentOffsets(c);
            Assert.Equal(offsets.Zip(offsets.Skip(1), (a, b) => b - a), lines.Select(l => l["tokens"]!.GetValue<long>()));
            Assert.Equal(store.TokenCounts[c], clusters[c]!["tokens"]!.GetValue<long>());
            Assert.Equal(store.TokenCounts[c], files.Sum(f => f!["tokens"]!.GetValue<long>()));
        }

        var target = index["targets"]!.AsArray().Single()!;
        Assert.Equal("text", target["kind"]!.GetValue<string>());
        var texts = File.ReadAllLines(Path.Combine(data, target["path"]!.GetValue<string>())).Select(l => JsonNode.Parse(l)!["text"]!.GetValue<string>());
        Assert.Equal(((TextTarget)targets[0]).Texts, texts);
        Assert.Equal(ProxyDataFolder.TargetsFingerprintOf(targets), ProxyDataFolder.Open(data).TargetsFingerprint);
    }

    [Fact]
    public async Task Writes_parquet_shards_any_parquet_reader_can_read()
    {
        string dir = CommandProxyTestData.TempDir("data-parquet");
        var (store, _, data) = await CommandProxyTestData.CreateAsync(dir, ["0: a", "1: b"], DatasetFormat.Parquet);

        string shard = Path.Combine(data, "clusters", "00001", "part-00000.parquet");
        await using var stream = File.OpenRead(shard);
        await using var reader = await ParquetReader.CreateAsync(stream);
        var fields = reader.Schema.DataFields;
        Assert.Equal(["id", "tokens", "text", "source"], fields.Select(f => f.Name));
        using var group = reader.OpenRowGroupReader(0);
        var ids = new string?[group.RowCount];
        await group.ReadAsync(fields[0], ids.AsMemory(), null);
        var tokens = new long[group.RowCount];
        await group.ReadAsync<long>(fields[1], tokens.AsMemory(), null);
        Assert.Equal(SampleCorpusData.Domain("python").Take(40).Select(d => d.Id), ids);
        Assert.Equal(store.TokenCounts[1], tokens.Sum());
        Assert.Equal(DatasetFormat.Parquet, ProxyDataFolder.Open(data).Format);
    }

    [Fact]
    public async Task A_folder_with_a_missing_shard_is_refused_naming_it()
    {
        string dir = CommandProxyTestData.TempDir("data-missing");
        var (_, _, data) = await CommandProxyTestData.CreateAsync(dir, ["0: a", "1: b"]);
        File.Delete(Path.Combine(data, "clusters", "00001", "part-00000.jsonl"));

        var ex = Assert.Throws<InvalidDataException>(() => ProxyDataFolder.Open(data));
        Assert.Contains("clusters/00001/part-00000.jsonl", ex.Message, StringComparison.Ordinal);
        Assert.Contains("data.json", ex.Message, StringComparison.Ordinal);
    }
}

namespace Climb.Tests.Execution;

/// <summary>
/// The embed and cluster stages' sharded paths (the ones a Slurm executor takes) run in process through request and
/// result files: the same store bytes, the same assignments, sizes and inertia (to the last bit) as the in-process paths.
/// </summary>
public sealed class ShardedStagesTests
{
    internal static IReadOnlyList<Document> Documents(int perDomain) =>
        new[] { "fortunes", "bible", "python" }.SelectMany(d => SampleCorpusData.Domain(d).Take(perDomain)).ToList();

    internal static async Task<GloveSifEmbedder> FittedGloveAsync(IReadOnlyList<Document> docs) =>
        await new GloveSifEmbedder().FitAsync(docs.Select(d => d.Text));

    /// <summary>Asserts that two store folders hold the same manifest and shard files, byte for byte.</summary>
    internal static void AssertSameStore(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        Assert.Contains("manifest.json", names);
        foreach (string? name in names)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), name + " differs");
        }
    }

    [Fact]
    public async Task Embedding_shards_as_work_units_write_the_in_process_store_byte_for_byte_and_resume_without_work()
    {
        string dir = ExecutionTestData.TempDir("embed-shards");
        var docs = Documents(150);
        var fitted = await FittedGloveAsync(docs);
        var options = new EmbeddingStoreOptions { ShardSize = 100, BatchSize = 32 };
        using (var local = await EmbeddingStore.BuildAsync(ExecutionTestData.Stream(docs), fitted, Path.Combine(dir, "local"), options))
        {
            Assert.Equal(450, local.RowCount);
        }

        var spec = EmbedderSpec.TryDescribe(fitted, out string reason) ?? throw new InvalidOperationException(reason);
        string work = Path.Combine(dir, "work");
        var jobs = new EmbeddingShardJobs(new LocalExecutor(new LocalExecutorOptions { MaxDegreeOfParallelism = 2 }), work, spec);
        using (var sharded = await EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, jobs, Path.Combine(dir, "sharded"), options, null, null, default))
        {
            Assert.Equal(450, sharded.RowCount);
        }

        AssertSameStore(Path.Combine(dir, "local"), Path.Combine(dir, "sharded"));
        var results = Directory.GetFiles(work, "embed-*.result.json");
        Assert.Equal(5, results.Length); // ceil(450 / 100) shards, one unit each
        Assert.Empty(Directory.GetFiles(work, "*" + EmbedShardWorkHandler.DocumentsSuffix)); // the shard inputs are removed once their data is in the store
        Assert.Empty(Directory.GetFiles(work, "*.f32")); // the data files were moved into the store

        // A second build finds every shard finished: no unit runs again.
        var written = results.ToDictionary(r => r, File.GetLastWriteTimeUtc);
        var progress = new List<EmbeddingProgress>();
        using (var again = await EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, jobs, Path.Combine(dir, "sharded"), options, new SyncProgress<EmbeddingProgress>(progress.Add), null, default))
        {
            Assert.Equal(450, again.RowCount);
        }

        Assert.Equal(5, progress[^1].ShardsSkipped);
        Assert.Equal(0, progress[^1].DocumentsEmbedded);
        Assert.All(written, w => Assert.Equal(w.Value, File.GetLastWriteTimeUtc(w.Key)));
        AssertSameStore(Path.Combine(dir, "local"), Path.Combine(dir, "sharded"));
    }

    [Fact]
    public async Task A_shard_whose_data_reached_the_store_before_a_kill_is_taken_from_the_store()
    {
        string dir = ExecutionTestData.TempDir("embed-shards-kill");
        var docs = Documents(60);
        var fitted = await FittedGloveAsync(docs);
        var options = new EmbeddingStoreOptions { ShardSize = 50 };
        var spec = EmbedderSpec.TryDescribe(fitted, out _)!;
        string work = Path.Combine(dir, "work");
        var jobs = new EmbeddingShardJobs(new LocalExecutor(), work, spec);
        string store = Path.Combine(dir, "store");
        using (await EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, jobs, store, options, null, null, default))
        {
        }

        using (await EmbeddingStore.BuildAsync(ExecutionTestData.Stream(docs), fitted, Path.Combine(dir, "local"), options))
        {
        }

        // As if the main process died after moving shard 1's data but before recording it: the manifest lists shard 0 only.
        string manifest = Path.Combine(store, "manifest.json");
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!.AsObject();
        var shards = json["shards"]!.AsArray();
        while (shards.Count > 1)
        {
            shards.RemoveAt(shards.Count - 1);
        }

        json["complete"] = false;
        File.WriteAllText(manifest, json.ToJsonString());
        using (var resumed = await EmbeddingStore.BuildShardedAsync(ExecutionTestData.Stream(docs), fitted, jobs, store, options, null, null, default))
        {
            Assert.Equal(180, resumed.RowCount);
        }

        AssertSameStore(Path.Combine(dir, "local"), store);
    }

    [Fact]
    public async Task Only_embedders_a_worker_can_rebuild_are_described_and_the_reason_is_given_otherwise()
    {
        Assert.Null(EmbedderSpec.TryDescribe(new GloveSifEmbedder(), out string unfitted));
        Assert.Contains("not fitted", unfitted, StringComparison.Ordinal);

        var fitted = await FittedGloveAsync(Documents(20));
        var spec = EmbedderSpec.TryDescribe(fitted, out _)!;
        var rebuilt = EmbedderSpec.FromJson(spec.ToJson(), "test").Create(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, "test");
        Assert.Equal(fitted.Info, rebuilt.Info);
        string[] texts = ["the quick brown fox", "def main(): return 0"];
        var a = await fitted.EmbedAsync(texts);
        var b = await rebuilt.EmbedAsync(texts);
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());

        Assert.Null(EmbedderSpec.TryDescribe(new DelegatingTestEmbedder(fitted), out string custom));
        Assert.Contains("DelegatingTestEmbedder", custom, StringComparison.Ordinal);
        Assert.Contains("only the built-in GloveSifEmbedder and OnnxEmbedder", custom, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 65_536, 4096)] // the sample is every row: the in-process pass sums 4096-row blocks of the whole source
    [InlineData(100, 1000, 3000)] // a sample of 600 rows: the in-process pass streams chunks of 1000 rows
    public async Task Fit_here_and_assignment_shards_equal_the_clusterer_to_the_last_bit(int maxPointsPerCentroid, int assignBatchRows, int shardRows)
    {
        string dir = ExecutionTestData.TempDir("assign-exact");
        using var store = await ExecutionTestData.EmbeddingsAsync(dir, rows: 9000, dimension: 8, shardSize: 2500);
        var options = new KMeansClustererOptions { ClusterCount = 6, Seed = 5, Device = ComputeDevice.Cpu, MaxPointsPerCentroid = maxPointsPerCentroid, AssignBatchRows = assignBatchRows, Spherical = false };
        var clusterer = new KMeansClusterer(options);
        var inProcess = await clusterer.ClusterAsync(store);

        var fit = await ((ICentroidFitter)clusterer).FitCentroidsAsync(store, null, default);
        Assert.Equal(maxPointsPerCentroid == 0, fit.SampleIsAllRows);
        Assert.Equal(0, shardRows % fit.SumRows);
        var sharded = await ShardedAssignment.AssignCoreAsync(store, fit.Centroids, fit.Spherical, Path.Combine(dir, "work"), new LocalExecutor(), shardRows, fit.SumRows, default, deleteLabels: true);

        Assert.True(inProcess.Centroids.Data.SequenceEqual(fit.Centroids.Data));
        Assert.Equal(inProcess.Iterations, fit.Iterations);
        Assert.Equal(inProcess.FitSampleCount, fit.SampleCount);
        Assert.Equal(inProcess.Assignments, sharded.Assignments);
        Assert.Equal(inProcess.Sizes, sharded.Sizes);
        Assert.Equal(BitConverter.DoubleToInt64Bits(inProcess.Inertia), BitConverter.DoubleToInt64Bits(sharded.Inertia));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(dir, "work"), "assign-*.result.json").Length);
        Assert.Empty(Directory.GetFiles(Path.Combine(dir, "work"), "*.labels.i32"));
        Assert.True(inProcess.Sizes.Count(s => s > 0) >= 4, "several clusters, so equal assignments are not trivial");
    }

    private sealed class DelegatingTestEmbedder(IEmbedder inner) : IEmbedder
    {
        public EmbedderInfo Info => inner.Info;

        public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) => inner.EmbedAsync(texts, cancellationToken);
    }
}

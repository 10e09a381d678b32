namespace Climb.Tests.Embedding;

public sealed class EmbeddingStoreTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "climb-store-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string Folder(string name) => Path.Combine(_root, name);

    private static List<Document> Corpus(int count, string prefix = "doc") =>
        Enumerable.Range(0, count).Select(i => new Document($"{prefix}-{i}", $"text number {i} " + new string('x', i % 7))).ToList();

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> documents)
    {
        foreach (var d in documents)
        {
            await Task.Yield();
            yield return d;
        }
    }

    [Theory]
    [InlineData(nameof(EmbeddingDataType.Float32), 0.0)]
    [InlineData(nameof(EmbeddingDataType.Float16), 2e-3)]
    public async Task Round_trip_reads_back_rows_and_ids_across_shards(string dataType, double tolerance)
    {
        var type = Enum.Parse<EmbeddingDataType>(dataType); // the store is internal, so its data type cannot be a public test parameter
        var corpus = Corpus(53);
        var embedder = DelegateEmbedder.Hashing(dimension: 12);
        var progress = new List<EmbeddingProgress>();
        using var store = await EmbeddingStore.BuildAsync(Stream(corpus), embedder, Folder("a"),
            new EmbeddingStoreOptions { ShardSize = 10, BatchSize = 4, DataType = type }, new SyncProgress(progress));

        Assert.Equal(53, store.RowCount);
        Assert.Equal(12, store.Dimension);
        Assert.Equal(6, store.ShardCount);
        Assert.Equal(type, store.DataType);
        Assert.Equal("hashing-test", store.ModelId);
        Assert.Equal(corpus.Select(d => d.Id), store.ReadDocumentIds());
        Assert.Equal("doc-37", store.GetDocumentId(37));

        var expected = await embedder.EmbedAsync(corpus.Select(d => d.Text).ToList());
        var all = store.ToMatrix();
        for (int i = 0; i < expected.Data.Length; i++)
        {
            Assert.Equal(expected.Data[i], all.Data[i], tolerance);
        }

        // A read spanning three shards.
        var slice = new float[25 * 12];
        store.ReadRows(8, 25, slice);
        Assert.Equal(all.Data.Slice(8 * 12, 25 * 12).ToArray(), slice);

        var last = progress[^1];
        Assert.Equal((53L, 53L, 0L, 6, 0), (last.DocumentsRead, last.DocumentsEmbedded, last.DocumentsSkipped, last.ShardsWritten, last.ShardsSkipped));
        Assert.Throws<ArgumentOutOfRangeException>(() => store.ReadRows(50, 4, new float[48]));

        using var reopened = EmbeddingStore.Open(Folder("a"));
        Assert.Equal(all.Data.ToArray(), reopened.ToMatrix().Data.ToArray());
    }

    [Fact]
    public async Task Interrupted_build_resumes_without_recomputing_finished_shards_and_matches_a_clean_build()
    {
        var corpus = Corpus(55);
        var options = new EmbeddingStoreOptions { ShardSize = 10, BatchSize = 10 };

        using (var clean = await EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(), Folder("clean"), options))
        {
            Assert.Equal(55, clean.RowCount);
        }

        // First run: cancelled while embedding the 4th shard (one batch per shard).
        using var cts = new CancellationTokenSource();
        var first = DelegateEmbedder.Hashing();
        first.BeforeBatch = call =>
        {
            if (call == 4)
            {
                cts.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            EmbeddingStore.BuildAsync(Stream(corpus), first, Folder("resumed"), options, cancellationToken: cts.Token));
        Assert.Equal(30, first.TextsEmbedded);
        var incomplete = Assert.Throws<InvalidOperationException>(() => EmbeddingStore.Open(Folder("resumed")));
        Assert.Contains("incomplete", incomplete.Message, StringComparison.Ordinal);

        // Second run: only the 25 documents of the unfinished shards are embedded.
        var second = DelegateEmbedder.Hashing();
        var progress = new List<EmbeddingProgress>();
        using (var resumed = await EmbeddingStore.BuildAsync(Stream(corpus), second, Folder("resumed"), options, new SyncProgress(progress)))
        {
            Assert.Equal(55, resumed.RowCount);
        }

        Assert.Equal(25, second.TextsEmbedded);
        Assert.Equal((3, 3), (progress[^1].ShardsSkipped, progress[^1].ShardsWritten));
        AssertSameFiles(Folder("clean"), Folder("resumed"));

        // Third run on a finished store: nothing is embedded.
        var third = DelegateEmbedder.Hashing();
        using (await EmbeddingStore.BuildAsync(Stream(corpus), third, Folder("resumed"), options))
        {
            Assert.Equal(0, third.TextsEmbedded);
        }
    }

    [Fact]
    public async Task A_run_killed_between_writing_a_shard_and_recording_it_resumes_to_the_same_files()
    {
        var corpus = Corpus(47);
        var options = new EmbeddingStoreOptions { ShardSize = 10, BatchSize = 5, DataType = EmbeddingDataType.Float16 };
        using (await EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(), Folder("clean"), options))
        {
        }

        // The state a kill can leave: shard 2's files renamed into place but the manifest still listing shards 0-1
        // (incomplete), and a temporary file of shard 3 that was never renamed.
        Directory.CreateDirectory(Folder("killed"));
        foreach (string file in Directory.GetFiles(Folder("clean")))
        {
            File.Copy(file, Path.Combine(Folder("killed"), Path.GetFileName(file)));
        }

        string manifestPath = Path.Combine(Folder("killed"), "manifest.json");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifestPath))!;
        var shards = manifest["shards"]!.AsArray();
        while (shards.Count > 2)
        {
            shards.RemoveAt(shards.Count - 1);
        }

        manifest["complete"] = false;
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        File.Delete(Path.Combine(Folder("killed"), "shard-00003.f16"));
        File.WriteAllBytes(Path.Combine(Folder("killed"), "shard-00003.f16.1234.abcdef01.tmp"), new byte[7]);
        Assert.Throws<InvalidOperationException>(() => EmbeddingStore.Open(Folder("killed")));

        var embedder = DelegateEmbedder.Hashing();
        using (var store = await EmbeddingStore.BuildAsync(Stream(corpus), embedder, Folder("killed"), options))
        {
            Assert.Equal(47, store.RowCount);
        }

        Assert.Equal(27, embedder.TextsEmbedded); // shards 2, 3 and 4 (10 + 10 + 7); 0 and 1 reused
        AssertSameFiles(Folder("clean"), Folder("killed"));
    }

    [Fact]
    public async Task Changed_documents_or_damaged_shards_are_recomputed_and_stale_shards_dropped()
    {
        var options = new EmbeddingStoreOptions { ShardSize = 10, BatchSize = 10 };
        var corpus = Corpus(40);
        using (await EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(), Folder("s"), options))
        {
        }

        // Shard 1 has a changed id, shard 2's data file is damaged, the corpus is now 25 documents long.
        var changed = corpus.Take(25).ToList();
        changed[12] = changed[12] with { Id = "renamed" };
        string shard2 = Path.Combine(Folder("s"), "shard-00002.f32");
        var bytes = File.ReadAllBytes(shard2);
        bytes[5] ^= 0xFF;
        File.WriteAllBytes(shard2, bytes);

        var embedder = DelegateEmbedder.Hashing();
        using var store = await EmbeddingStore.BuildAsync(Stream(changed), embedder, Folder("s"), options);
        Assert.Equal(15, embedder.TextsEmbedded); // shard 1 (10) and the new, shorter shard 2 (5)
        Assert.Equal(changed.Select(d => d.Id), store.ReadDocumentIds());
        Assert.False(File.Exists(Path.Combine(Folder("s"), "shard-00003.f32")));

        using (await EmbeddingStore.BuildAsync(Stream(changed), DelegateEmbedder.Hashing(), Folder("clean"), options))
        {
        }

        AssertSameFiles(Folder("clean"), Folder("s"));
    }

    [Fact]
    public async Task Non_finite_rows_are_an_error_naming_the_document()
    {
        var nan = new DelegateEmbedder(new EmbedderInfo("nan", 4), (texts, _) =>
        {
            var m = new EmbeddingMatrix(texts.Count, 4);
            for (int i = 0; i < texts.Count; i++)
            {
                m[i][2] = texts[i].Contains("number 7 ", StringComparison.Ordinal) ? float.NaN : 1f;
            }

            return m;
        });
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            EmbeddingStore.BuildAsync(Stream(Corpus(20)), nan, Folder("nan"), new EmbeddingStoreOptions { ShardSize = 5 }));
        Assert.Contains("'doc-7'", ex.Message, StringComparison.Ordinal);

        var big = new DelegateEmbedder(new EmbedderInfo("big", 2), (texts, _) => new EmbeddingMatrix(Enumerable.Repeat(1e6f, texts.Count * 2).ToArray(), 2));
        var range = await Assert.ThrowsAsync<InvalidDataException>(() =>
            EmbeddingStore.BuildAsync(Stream(Corpus(3)), big, Folder("big"), new EmbeddingStoreOptions { DataType = EmbeddingDataType.Float16 }));
        Assert.Contains("'doc-0'", range.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_different_model_dimension_or_layout_in_the_folder_is_a_clear_error()
    {
        var corpus = Corpus(12);
        var options = new EmbeddingStoreOptions { ShardSize = 5 };
        using (await EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(8, "model-a"), Folder("m"), options))
        {
        }

        var model = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(8, "model-b"), Folder("m"), options));
        Assert.Contains("model-a", model.Message, StringComparison.Ordinal);
        Assert.Contains("model-b", model.Message, StringComparison.Ordinal);

        var dim = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(16, "model-a"), Folder("m"), options));
        Assert.Contains("dimension 16", dim.Message, StringComparison.Ordinal);

        var layout = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            EmbeddingStore.BuildAsync(Stream(corpus), DelegateEmbedder.Hashing(8, "model-a"), Folder("m"), new EmbeddingStoreOptions { ShardSize = 6 }));
        Assert.Contains("ShardSize 5", layout.Message, StringComparison.Ordinal);

        // The store is untouched by the refused runs.
        using var store = EmbeddingStore.Open(Folder("m"));
        Assert.Equal("model-a", store.ModelId);
    }

    [Fact]
    public async Task Bad_input_is_rejected_before_writing()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            EmbeddingStore.BuildAsync(Stream([new Document("a", "x"), new Document("", "y")]), DelegateEmbedder.Hashing(), Folder("bad")));
        Assert.Contains("#1", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            EmbeddingStore.BuildAsync(Stream(Corpus(2)), DelegateEmbedder.Hashing(), Folder("bad2"), new EmbeddingStoreOptions { ShardSize = 0 }));
        Assert.Throws<FileNotFoundException>(() => EmbeddingStore.Open(Folder("nothing")));
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order().ToArray();
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order().ToArray());
        foreach (var name in names)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), $"{name} differs");
        }
    }

    /// <summary>Records progress synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<EmbeddingProgress> sink) : IProgress<EmbeddingProgress>
    {
        public void Report(EmbeddingProgress value) => sink.Add(value);
    }
}

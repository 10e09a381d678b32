using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Climb.Tests.Embedding;

public sealed class GloveSifEmbedderTests
{
    // A hand-made vocabulary: rank = position + 1; normalizer of the Zipf law is the sum over 10 ranks.
    private static readonly string[] Words = ["the", "cat", "dog", "sat", "ran", "car", "road"];
    private const int SourceSize = 10;

    private static readonly float[][] Vectors =
    [
        [1f, 1f, 1f],
        [2f, 0f, 0f],
        [1.5f, 0.5f, 0f],
        [0f, 1f, 0f],
        [0f, 1.2f, 0.3f],
        [0f, 0f, 2f],
        [0.2f, 0f, 1.8f],
    ];

    private static GloveSifEmbedder Tiny(GloveSifEmbedderOptions options) =>
        new(new WordVectors(Words, Enumerable.Range(1, Words.Length).ToArray(), Vectors.SelectMany(v => v).ToArray(), 3, "tiny"),
            SourceSize, "tiny", options, null);

    private static double P(int rank, double s = 1.0) =>
        Math.Pow(rank, -s) / Enumerable.Range(1, SourceSize).Sum(r => Math.Pow(r, -s));

    [Fact]
    public async Task Weighted_average_follows_the_SIF_formula()
    {
        const double a = 0.05;
        var embedder = Tiny(new GloveSifEmbedderOptions { Smoothing = a, Normalize = false, UnknownWords = UnknownWordHandling.Ignore });
        var m = await embedder.EmbedAsync(["The cat sat.", "unknownword cat"]);

        double W(int rank) => a / (a + P(rank));
        for (int d = 0; d < 3; d++)
        {
            double expected = (W(1) * Vectors[0][d] + W(2) * Vectors[1][d] + W(4) * Vectors[3][d]) / 3;
            Assert.Equal(expected, m[0][d], 5);
            Assert.Equal(W(2) * Vectors[1][d], m[1][d], 5); // ignored unknown words do not dilute the average
        }
    }

    [Fact]
    public async Task Frequency_table_replaces_the_zipf_estimate()
    {
        var embedder = Tiny(new GloveSifEmbedderOptions
        {
            Smoothing = 0.1,
            Normalize = false,
            WordFrequencies = new Dictionary<string, double> { ["the"] = 90, ["cat"] = 10 },
        });
        var m = await embedder.EmbedAsync(["the", "dog"]);
        Assert.Equal(0.1 / (0.1 + 0.9) * 1.0, m[0][0], 5);
        Assert.Equal(0.1 / (0.1 + 0.1) * 1.5, m[1][0], 5); // absent word: the smallest probability in the table
    }

    [Fact]
    public async Task Normalized_rows_have_unit_length_and_unknown_only_texts_are_zero_when_unknown_words_are_ignored()
    {
        var embedder = Tiny(new GloveSifEmbedderOptions { UnknownWords = UnknownWordHandling.Ignore });
        var m = await embedder.EmbedAsync(["the cat sat on the road", "zzz qqq", "", "!!!"]);
        Assert.Equal(1.0, Math.Sqrt(m[0].ToArray().Sum(v => (double)v * v)), 5);
        for (int r = 1; r < 4; r++)
        {
            Assert.All(m[r].ToArray(), v => Assert.Equal(0f, v));
        }
    }

    [Fact]
    public async Task Fit_finds_the_dominant_direction_and_removes_it()
    {
        // Every text shares "the" (1,1,1); the topical words vary. The first singular vector leans on (1,1,1).
        string[] sample = ["the cat", "the dog", "the car", "the road", "the cat sat", "the dog ran", "the car road", "the sat ran"];
        var unfitted = Tiny(new GloveSifEmbedderOptions { Smoothing = 1.0 });
        var fitted = await unfitted.FitAsync(sample);

        Assert.False(unfitted.IsFitted);
        Assert.True(fitted.IsFitted);
        Assert.NotEqual(unfitted.Info.ModelId, fitted.Info.ModelId);
        Assert.Contains("pc=none", unfitted.Info.ModelId, StringComparison.Ordinal);

        // Reference: the top eigenvector of X^T X computed independently by power iteration.
        var x = (await Tiny(new GloveSifEmbedderOptions { Smoothing = 1.0, Normalize = false }).EmbedAsync(sample)).Data.ToArray();
        double[] v = [1, 0.3, 0.7];
        for (int it = 0; it < 500; it++)
        {
            var next = new double[3];
            for (int r = 0; r < sample.Length; r++)
            {
                double dot = 0;
                for (int d = 0; d < 3; d++)
                {
                    dot += x[r * 3 + d] * v[d];
                }

                for (int d = 0; d < 3; d++)
                {
                    next[d] += dot * x[r * 3 + d];
                }
            }

            double n = Math.Sqrt(next.Sum(e => e * e));
            v = next.Select(e => e / n).ToArray();
        }

        float[] u = fitted.Options.CommonComponents![0];
        double cos = Math.Abs(u.Select((e, i) => e * v[i]).Sum());
        Assert.True(cos > 0.9999, $"fitted component {string.Join(',', u)} vs power iteration {string.Join(',', v)}: |cos| {cos}");

        var e = await fitted.EmbedAsync(sample);
        for (int r = 0; r < sample.Length; r++)
        {
            Assert.Equal(0.0, e[r].ToArray().Select((val, i) => val * u[i]).Sum(), 4);
        }

        // Refitting on the same sample is reproducible; a restored embedder embeds identically.
        var again = await unfitted.FitAsync(sample);
        Assert.Equal(fitted.Info.ModelId, again.Info.ModelId);
        var json = JsonSerializer.Serialize(fitted.Options);
        var restored = Tiny(JsonSerializer.Deserialize<GloveSifEmbedderOptions>(json)!);
        Assert.Equal(fitted.Info.ModelId, restored.Info.ModelId);
        Assert.Equal(e.Data.ToArray(), (await restored.EmbedAsync(sample)).Data.ToArray());
    }

    [Fact]
    public async Task Fitting_on_a_document_stream_samples_reproducibly_by_seed()
    {
        string[] topics = ["the cat sat", "the dog ran", "the car road", "the road", "cat dog", "sat ran car"];
        var corpus = Enumerable.Range(0, 300).Select(i => new Document($"d{i}", topics[i % topics.Length] + (i % 7 == 0 ? " the the" : ""))).ToList();
        static async IAsyncEnumerable<Document> Stream(List<Document> docs)
        {
            foreach (var d in docs)
            {
                await Task.Yield();
                yield return d;
            }
        }

        var options = new GloveSifEmbedderOptions { FitSampleSize = 5, Smoothing = 1.0 };
        var a = await Tiny(options).FitAsync(Stream(corpus));
        var b = await Tiny(options).FitAsync(Stream(corpus));
        Assert.Equal(a.Info.ModelId, b.Info.ModelId);
        var ids = new HashSet<string>();
        for (int seed = 0; seed < 6; seed++)
        {
            var options2 = options.Clone();
            options2.Seed = seed;
            ids.Add((await Tiny(options2).FitAsync(Stream(corpus))).Info.ModelId);
        }

        Assert.True(ids.Count > 1, "different seeds should draw different samples");
        await Assert.ThrowsAsync<ArgumentException>(() => Tiny(options).FitAsync(Stream([])));
    }

    [Fact]
    public void Model_identity_changes_with_every_option_that_changes_the_vectors()
    {
        string Id(GloveSifEmbedderOptions o) => Tiny(o).Info.ModelId;
        var ids = new[]
        {
            Id(new GloveSifEmbedderOptions()),
            Id(new GloveSifEmbedderOptions { Smoothing = 1e-2 }),
            Id(new GloveSifEmbedderOptions { ZipfExponent = 1.1 }),
            Id(new GloveSifEmbedderOptions { Normalize = false }),
            Id(new GloveSifEmbedderOptions { CommonComponents = [[1f, 0f, 0f]] }),
            Id(new GloveSifEmbedderOptions { CommonComponents = [[0f, 1f, 0f]] }),
            Id(new GloveSifEmbedderOptions { WordFrequencies = new Dictionary<string, double> { ["the"] = 1 } }),
            Id(new GloveSifEmbedderOptions { UnknownWords = UnknownWordHandling.Ignore }),
            Id(new GloveSifEmbedderOptions { UnknownWordProbabilities = new Dictionary<string, double>() }),
            Id(new GloveSifEmbedderOptions { UnknownWordProbabilities = new Dictionary<string, double> { ["zzz"] = 0.5 } }),
            Id(new GloveSifEmbedderOptions { UnknownWordProbabilities = new Dictionary<string, double> { ["zzz"] = 0.25 } }),
        };
        Assert.Equal(ids.Length, ids.Distinct().Count());
        Assert.Equal(ids[0], Id(new GloveSifEmbedderOptions { Seed = 7, MaxDegreeOfParallelism = 1 }));
    }

    [Fact]
    public void Invalid_options_are_rejected_with_every_problem_named()
    {
        var ex = Assert.Throws<ValidationException>(() => Tiny(new GloveSifEmbedderOptions
        {
            Smoothing = 0,
            MaxDegreeOfParallelism = 0,
            CommonComponents = [[float.NaN, 0f, 0f]],
        }));
        Assert.Contains("Smoothing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDegreeOfParallelism", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CommonComponents[0]", ex.Message, StringComparison.Ordinal);
        var dim = Assert.Throws<ArgumentException>(() => Tiny(new GloveSifEmbedderOptions { CommonComponents = [[1f, 0f]] }));
        Assert.Contains("dimension is 3", dim.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_text_is_rejected_with_its_index()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => Tiny(new GloveSifEmbedderOptions()).EmbedAsync(["the", null!]));
        Assert.Contains("texts[1]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rows_do_not_depend_on_the_batch_or_the_degree_of_parallelism()
    {
        var texts = Enumerable.Range(0, 400).Select(i => $"Text {i}: the quick brown fox number {i % 13} jumps over {i % 7} lazy dogs; don't panic.").ToList();
        var fitted = await new GloveSifEmbedder().FitAsync(texts);
        var all = await fitted.EmbedAsync(texts);
        var options = fitted.Options;
        options.MaxDegreeOfParallelism = 1;
        var serial = new GloveSifEmbedder(options);
        Assert.Equal(fitted.Info.ModelId, serial.Info.ModelId);
        for (int start = 0; start < texts.Count; start += 37)
        {
            var part = await serial.EmbedAsync(texts.Skip(start).Take(37).ToList());
            for (int r = 0; r < part.Rows; r++)
            {
                Assert.True(part[r].SequenceEqual(all[start + r]), $"row {start + r} differs");
            }
        }
    }

    [Fact]
    public async Task Embedded_glove_vectors_carry_real_semantics()
    {
        var embedder = new GloveSifEmbedder();
        Assert.Equal(100, embedder.Info.Dimension);
        Assert.Equal(100_000, embedder.VocabularySize);
        Assert.Matches("^glove-6b-100d-sif/v1;vectors=[0-9a-f]{12};words=100000;a=0.001;p=zipf1;pc=none;norm=1;oov=fnv1a-splitmix-pm1-n3-5:unfitted$", embedder.Info.ModelId);
        var m = await embedder.EmbedAsync(["king", "queen", "banana", "The stock market fell sharply today.", "Shares dropped on Wall Street.", "The recipe needs flour and sugar."]);
        static double Cos(Span<float> a, Span<float> b) => System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(a, b);
        Assert.True(Cos(m[0], m[1]) > Cos(m[0], m[2]) + 0.3, $"king~queen {Cos(m[0], m[1])}, king~banana {Cos(m[0], m[2])}");
        Assert.True(Cos(m[3], m[4]) > Cos(m[3], m[5]) + 0.1, $"finance {Cos(m[3], m[4])}, finance~baking {Cos(m[3], m[5])}");
    }
}

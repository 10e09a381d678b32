using System.Numerics.Tensors;

namespace Climb.Tests.Embedding;

/// <summary>Words outside GloVe's vocabulary: hashed character n-gram vectors, their fitted weights, and what Ignore keeps.</summary>
public sealed class GloveSifUnknownWordTests
{
    private static readonly string[] Words = ["the", "cat", "dog"];

    private static GloveSifEmbedder Tiny(GloveSifEmbedderOptions options) =>
        new(new WordVectors(Words, [1, 2, 3], [1f, 1f, 1f, 2f, 0f, 0f, 0f, 2f, 0f], 3, "tiny"), 10, "tiny", options, null);

    private static double Cos(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.CosineSimilarity(a, b);

    [Fact]
    public async Task An_unknown_word_adds_its_hashed_ngram_vector_and_counts_in_the_average()
    {
        // The documented algorithm, written out independently: "<zq>" has the n-grams "<zq", "zq>" and "<zq>".
        var options = new GloveSifEmbedderOptions { Normalize = false, Smoothing = 0.1 };
        var embedder = Tiny(options);
        var m = await embedder.EmbedAsync(["zq", "cat zq", "123", "!!!", ""]);

        float meanNorm = (MathF.Sqrt(3) + 2 + 2) / 3;
        var expected = new float[3];
        foreach (string gram in new[] { "<zq", "zq>", "<zq>" })
        {
            ulong bits = SplitMix(Fnv(gram));
            for (int d = 0; d < 3; d++)
            {
                expected[d] += (bits >> d & 1) == 1 ? 1 : -1;
            }
        }

        float scale = meanNorm / MathF.Sqrt(3) / MathF.Sqrt(3); // target length / sqrt(dimension) / sqrt(features); weight 1
        for (int d = 0; d < 3; d++)
        {
            Assert.Equal(expected[d] * scale, m[0][d], 5);
            double catWeight = 0.1 / (0.1 + (1.0 / 2) / Enumerable.Range(1, 10).Sum(r => 1.0 / r));
            float cat = d == 0 ? 2f : 0f;
            Assert.Equal((catWeight * cat + expected[d] * scale) / 2, m[1][d], 5); // the unknown word counts in the average
        }

        for (int r = 2; r < 5; r++)
        {
            Assert.All(m[r].ToArray(), v => Assert.Equal(0f, v)); // no word with a letter: still the zero vector
        }

        var ignored = await Tiny(new GloveSifEmbedderOptions { Normalize = false, UnknownWords = UnknownWordHandling.Ignore }).EmbedAsync(["zq"]);
        Assert.All(ignored[0].ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public async Task Words_sharing_character_ngrams_get_close_vectors_and_others_do_not()
    {
        var embedder = new GloveSifEmbedder();
        var m = await embedder.EmbedAsync(["программирование", "программированию", "собака", "собаками"]);
        Assert.True(Cos(m[0], m[1]) > 0.6, $"inflections of one word: {Cos(m[0], m[1]):F3}");
        Assert.True(Cos(m[2], m[3]) > 0.4, $"inflections of one word: {Cos(m[2], m[3]):F3}");
        Assert.True(Math.Abs(Cos(m[0], m[2])) < 0.3, $"unrelated words: {Cos(m[0], m[2]):F3}");
    }

    [Fact]
    public async Task Texts_in_a_script_outside_the_vocabulary_separate_by_topic()
    {
        string[] cats =
        [
            "Кошка спит на диване, а котёнок играет с клубком.",
            "Наша кошка любит молоко и спит на тёплом диване.",
            "Котёнок и кошка играют с клубком на диване.",
            "Кошка ловит мышей, потом котёнок спит рядом с кошкой.",
        ];
        string[] code =
        [
            "Программа компилируется, но компилятор выдаёт предупреждение о переменной.",
            "Компилятор проверяет типы переменных в программе.",
            "Эта программа читает файл, а компилятор оптимизирует цикл.",
            "Переменная в цикле программы меняется, компилятор это видит.",
        ];
        var sample = cats.Concat(code).ToList();

        // Eight texts are too few to estimate word frequencies (every word would count as frequent): equal weights.
        var embedder = new GloveSifEmbedder(new GloveSifEmbedderOptions { UnknownWordProbabilities = new Dictionary<string, double>(), ComponentsToRemove = 0 });
        var m = await embedder.EmbedAsync(sample);
        double within = 0, between = 0;
        int nw = 0, nb = 0;
        for (int i = 0; i < 8; i++)
        {
            for (int j = i + 1; j < 8; j++)
            {
                double c = Cos(m[i], m[j]);
                if ((i < 4) == (j < 4))
                {
                    within += c;
                    nw++;
                }
                else
                {
                    between += c;
                    nb++;
                }
            }
        }

        within /= nw;
        between /= nb;
        Assert.True(within > between + 0.15, $"within topic {within:F3}, between topics {between:F3}");

        var ignored = await (await new GloveSifEmbedder(new GloveSifEmbedderOptions { UnknownWords = UnknownWordHandling.Ignore, ComponentsToRemove = 0 })
            .FitAsync(sample)).EmbedAsync(sample);
        Assert.Equal(8, Enumerable.Range(0, 8).Count(r => ignored[r].IndexOfAnyExcept(0f) < 0)); // what Ignore gives: all zero
    }

    [Fact]
    public async Task Fit_weights_unknown_words_by_their_frequency_in_the_sample()
    {
        // "жзк" is in every text (a frequent unknown function word); each "редкоеN" is in one.
        var sample = Enumerable.Range(0, 200).Select(i => $"жзк редкое{i:D3}").ToList();
        var options = new GloveSifEmbedderOptions { Smoothing = 0.5, ComponentsToRemove = 0 };
        var fitted = await new GloveSifEmbedder(options).FitAsync(sample);
        var table = fitted.Options.UnknownWordProbabilities!;
        Assert.Equal(0.5, table["жзк"], 9); // 200 of the sample's 400 words: SIF weight 0.5 / (0.5 + 0.5)
        Assert.DoesNotContain(table.Keys, k => k.StartsWith("редкое", StringComparison.Ordinal)); // 1/400: weight above 0.99

        var m = await fitted.EmbedAsync(["жзк редкое000", "редкое000", "жзк"]);
        Assert.True(Cos(m[0], m[1]) > Cos(m[0], m[2]) + 0.3, $"text~rare {Cos(m[0], m[1]):F3}, text~frequent {Cos(m[0], m[2]):F3}");

        options.UnknownWordProbabilities = new Dictionary<string, double>();
        var unweighted = await new GloveSifEmbedder(options).EmbedAsync(["жзк редкое000", "редкое000"]);
        Assert.True(Cos(m[0], m[1]) > Cos(unweighted[0], unweighted[1]) + 0.1, "the frequency weight must matter");
    }

    [Fact]
    public async Task The_saved_fit_restores_the_same_embedder()
    {
        var sample = Enumerable.Range(0, 60).Select(i => $"zq the cat number{i % 5}q dog{i % 3}z").ToList();
        ICorpusFittedEmbedder unfitted = Tiny(new GloveSifEmbedderOptions());
        Assert.False(unfitted.IsFitted);
        var fitted = (GloveSifEmbedder)await unfitted.FitAsync(ToAsync(sample));
        Assert.True(((ICorpusFittedEmbedder)fitted).IsFitted);
        Assert.Contains(";oov=fnv1a-splitmix-pm1-n3-5:", fitted.Info.ModelId, StringComparison.Ordinal);

        using var saved = new MemoryStream();
        ((ICorpusFittedEmbedder)fitted).SaveFit(saved);
        saved.Position = 0;
        var restored = (GloveSifEmbedder)unfitted.LoadFit(saved);
        Assert.Equal(fitted.Info.ModelId, restored.Info.ModelId);
        var a = await fitted.EmbedAsync(sample);
        var b = await restored.EmbedAsync(sample);
        Assert.True(a.Buffer.AsSpan().SequenceEqual(b.Buffer));

        // A fit saved without unknown-word probabilities (an earlier version's format) is refused with the reason.
        using var old = new MemoryStream("[[1,0,0]]"u8.ToArray());
        var ex = Assert.Throws<InvalidDataException>(() => unfitted.LoadFit(old));
        Assert.Contains("unknown-word probabilities", ex.Message, StringComparison.Ordinal);
        using var oldForIgnore = new MemoryStream("[[1,0,0]]"u8.ToArray());
        ICorpusFittedEmbedder ignoring = Tiny(new GloveSifEmbedderOptions { UnknownWords = UnknownWordHandling.Ignore });
        Assert.True(((GloveSifEmbedder)ignoring.LoadFit(oldForIgnore)).IsFitted);
    }

    [Fact]
    public void Invalid_unknown_word_options_are_rejected()
    {
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Tiny(new GloveSifEmbedderOptions
        {
            UnknownWords = (UnknownWordHandling)7,
            UnknownWordProbabilities = new Dictionary<string, double> { ["zq"] = 1.5 },
        }));
        Assert.Contains("UnknownWords", ex.Message, StringComparison.Ordinal);
        Assert.Contains("UnknownWordProbabilities['zq']", ex.Message, StringComparison.Ordinal);
    }

    private static async IAsyncEnumerable<Document> ToAsync(IEnumerable<string> texts)
    {
        int i = 0;
        foreach (string t in texts)
        {
            yield return new Document((i++).ToString(System.Globalization.CultureInfo.InvariantCulture), t);
        }

        await Task.CompletedTask;
    }

    private static ulong Fnv(string gram)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in gram)
        {
            h = (h ^ (byte)c) * 1099511628211UL;
            h = (h ^ (byte)(c >> 8)) * 1099511628211UL;
        }

        return h;
    }

    private static ulong SplitMix(ulong seed)
    {
        ulong z = seed + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

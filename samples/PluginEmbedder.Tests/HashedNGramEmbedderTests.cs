namespace PluginEmbedder.Tests;

/// <summary>What the plugin's vectors mean, beyond the contract: texts that share words are nearer than texts that do not.</summary>
public sealed class HashedNGramEmbedderTests
{
    [Fact]
    public async Task Texts_sharing_words_are_nearer_than_unrelated_texts()
    {
        var m = await new HashedNGramEmbedder().EmbedAsync(
        [
            "the compiler allocates registers and optimises loops",
            "a compiler optimises loops before it allocates registers",
            "the fox jumps over the lazy dog in the meadow",
        ]);
        float related = Dot(m[0], m[1]), unrelated = Dot(m[0], m[2]);
        Assert.True(related > unrelated + 0.2f, $"cosine of related texts {related}, of unrelated texts {unrelated}");
        Assert.Equal(1f, Dot(m[2], m[2]), 4);
    }

    [Theory]
    [InlineData(8, 3)]
    [InlineData(256, 0)]
    [InlineData(256, 9)]
    public void Rejects_options_out_of_range(int dimension, int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new HashedNGramEmbedder(dimension, n));

    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}

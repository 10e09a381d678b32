namespace Climb.Tests.Embedding;

public sealed class SifTokenizerTests
{
    private static readonly string[] Vocabulary =
    [
        "do", "not", "can", "will", "shall", "is", "john", "well-known", "well", "known", "e-mail", "cafe", "naive",
        "o", "brien", "we", "it", "have", "would", "am", "are", "i", "they", "quoted", "x", "abc123", "rock", "n", "roll",
        "should", "hello", "world",
    ];

    private static readonly WordVectors Table = new(
        Vocabulary, Enumerable.Range(1, Vocabulary.Length).ToArray(), new float[Vocabulary.Length], 1, "test");

    private static (string[] Words, int Seen) Tokenize(string text)
    {
        var ids = new List<int>();
        int seen = SifTokenizer.Tokenize(text, Table.Lookup, ids);
        return (ids.Select(i => Vocabulary[i]).ToArray(), seen);
    }

    [Theory]
    [InlineData("Don't", "do not")]
    [InlineData("can't", "can not")]
    [InlineData("won't", "will not")]
    [InlineData("shan't", "shall not")]
    [InlineData("isn't", "is not")]
    [InlineData("We'll", "we will")]
    [InlineData("I'm", "i am")]
    [InlineData("they're", "they are")]
    [InlineData("we've", "we have")]
    [InlineData("I'd", "i would")]
    [InlineData("John's", "john")]
    [InlineData("it\u2019s", "it")]
    [InlineData("shouldn't've", "should not have")]
    [InlineData("O'Brien", "o brien")]
    [InlineData("rock'n'roll", "rock n roll")]
    [InlineData("'quoted'", "quoted")]
    [InlineData("johns'", "")]
    public void Apostrophes(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Tokenize(text).Words));
    }

    [Theory]
    [InlineData("a well-known fact", "well-known")]
    [InlineData("WELL-KNOWN", "well-known")]
    [InlineData("well-kept", "well")]
    [InlineData("known-well", "known well")]
    [InlineData("E-Mail", "e-mail")]
    [InlineData("-x-", "x")]
    [InlineData("x--x", "x x")]
    [InlineData("hello,world", "hello world")]
    [InlineData("hello_world", "hello world")]
    [InlineData("ABC123", "abc123")]
    [InlineData("Café", "cafe")]
    [InlineData("nai\u0308ve", "naive")]
    [InlineData("", "")]
    [InlineData("  \t\n...!?", "")]
    public void Words_and_separators(string text, string expected)
    {
        Assert.Equal(expected, string.Join(' ', Tokenize(text).Words));
    }

    [Fact]
    public void Counts_unknown_and_overlong_words_without_emitting_them()
    {
        string text = "hello zzz " + new string('x', SifTokenizer.MaxWordLength + 5) + " world 42";
        var (words, seen) = Tokenize(text);
        Assert.Equal(["hello", "world"], words);
        Assert.Equal(5, seen);
    }

    [Fact]
    public void A_word_exactly_at_the_length_limit_is_looked_up()
    {
        var (_, seen) = Tokenize(new string('x', SifTokenizer.MaxWordLength));
        Assert.Equal(1, seen);
    }
}

using System.Buffers;
using System.Text.RegularExpressions;

namespace Climb.Tests.Quality;

/// <summary>The one-pass phrase counting and the anchored reference count give exactly what one search per list, and
/// the reference pattern scanned on its own, give (the scorer's output depends on both being equal).</summary>
public sealed class PhraseCountingTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    private static readonly string[][] Lists =
    [
        ["buy now", "now on sale", "only $", "/month"],
        ["page not found", "not found", "lorem ipsum"],
        ["http://", "https://", "www."],
        [],
        [" is a ", " is an ", "a ", "par conséquent", "потому что", "такие как"],
    ];

    public static TheoryData<string> Texts => new()
    {
        "BUY NOW buy now Buy Now now on sale: only $5/month, https://www.example.org",
        "Page not found. page NOT FOUND; lorem ipsum lorem ipsum",
        "This is a test: it is an example, a car is a vehicle is a thing",
        "Par conséquent, PAR CONSÉQUENT; потому что ПОТОМУ ЧТО такие как",
        "ends with buy no",
        string.Empty,
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void One_pass_counts_each_list_as_searching_it_alone(string text) => AssertCounts(text);

    [Fact]
    public void One_pass_counts_each_list_as_searching_it_alone_on_the_sample_corpus()
    {
        foreach (var text in corpus.Every(2).Select(d => d.Text))
        {
            AssertCounts(text);
        }
    }

    [Theory]
    [InlineData("As shown [1] and [23], (Smith 2004) and (Smith et al., 2004); see ALSO cf. ibid. ISBN 123 doi:10 RFC 791 rfc791", 11)]
    [InlineData("voir aussi, véase, siehe, см. также, СМ. ТАКЖЕ; not seealso or [1234]; (smith 2004) counts: the pattern ignores case", 6)]
    [InlineData("no citation here (at all) [x]", 0)]
    public void References_are_counted_as_the_pattern_scanned_alone(string text, int expected)
    {
        Assert.Equal(expected, ContentEvidenceAnalyzer.CountReferences(text));
        Assert.Equal(Reference.Count(text), ContentEvidenceAnalyzer.CountReferences(text));
    }

    [Fact]
    public void References_are_counted_as_the_pattern_scanned_alone_on_the_sample_corpus()
    {
        var total = 0;
        foreach (var text in corpus.Every(1).Select(d => d.Text))
        {
            var expected = Reference.Count(text);
            Assert.Equal(expected, ContentEvidenceAnalyzer.CountReferences(text));
            total += expected;
        }

        Assert.True(total > 100, $"the sample corpus should hold citations ({total})");
    }

    private static readonly Regex Reference = new(ContentEvidenceAnalyzer.ReferencePattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);

    private static void AssertCounts(string text)
    {
        var counter = new PhraseCounter(Lists);
        var counts = new int[counter.ListCount];
        counter.Count(text, counts);
        for (var k = 0; k < Lists.Length; k++)
        {
            Assert.Equal(SearchAlone(text, Lists[k]), counts[k]);
        }
    }

    private static int SearchAlone(ReadOnlySpan<char> text, string[] list)
    {
        if (list.Length == 0)
        {
            return 0;
        }

        var values = SearchValues.Create(list, StringComparison.OrdinalIgnoreCase);
        var count = 0;
        for (var i = text.IndexOfAny(values); i >= 0; i = text.IndexOfAny(values))
        {
            count++;
            text = text[(i + 1)..];
        }

        return count;
    }
}

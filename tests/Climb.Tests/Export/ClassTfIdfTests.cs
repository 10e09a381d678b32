namespace Climb.Tests.Export;

public class ClassTfIdfTests
{
    [Fact]
    public void Terms_specific_to_a_class_outrank_terms_shared_by_all()
    {
        var tfidf = new ClassTfIdf(2);
        tfidf.Add(0, "lambda function returns value; function calls lambda");
        tfidf.Add(0, "shared words everywhere");
        tfidf.Add(1, "shepherd flock pasture shepherd");
        tfidf.Add(1, "shared words everywhere");

        var top = tfidf.TopTerms(2);
        Assert.Equal(["function", "lambda"], top[0].Select(t => t.Term).OrderBy(t => t, StringComparer.Ordinal));
        Assert.Equal("shepherd", top[1][0].Term);
        Assert.DoesNotContain(top[1], t => t.Term == "shared");
    }

    [Fact]
    public void Weight_follows_the_c_tf_idf_formula()
    {
        var tfidf = new ClassTfIdf(2, stopWords: []);
        tfidf.Add(0, "alpha alpha beta");
        tfidf.Add(1, "beta gamma");
        var top = tfidf.TopTerms(3);

        // A = (3 + 2) / 2 = 2.5; f(alpha) = 2; tf = 2/3.
        Assert.Equal(2.0 / 3 * Math.Log(1 + (2.5 / 2)), top[0].Single(t => t.Term == "alpha").Weight, 12);
        // f(beta) = 2; tf in class 1 = 1/2.
        Assert.Equal(0.5 * Math.Log(1 + (2.5 / 2)), top[1].Single(t => t.Term == "beta").Weight, 12);
    }
}

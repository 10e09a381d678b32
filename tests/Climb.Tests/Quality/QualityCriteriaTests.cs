namespace Climb.Tests.Quality;

/// <summary>The four criteria measure different things, and language-specific rules never reach other languages.</summary>
public sealed class QualityCriteriaTests
{
    private static readonly RuleBasedQualityScorer Scorer = new();

    private const string Definition =
        "A transistor is a semiconductor device used to amplify or switch electrical signals. It consists of three layers " +
        "of doped silicon, called the emitter, the base and the collector. Because a small current at the base controls a " +
        "much larger current between emitter and collector, the device works as an amplifier. For example, a typical small " +
        "signal transistor such as the 2N2222 switches up to 800 mA at 40 V. Bell Labs demonstrated the first transistor in 1947 " +
        "(Bardeen et al. 1948), and modern CPUs contain billions of them.";

    [Theory]
    [InlineData("Hello and welcome! We are so glad you are here. Have a wonderful day.")]
    [InlineData("Just do it.")]
    [InlineData("Thank you for your kind words, it was lovely to see you all again.")]
    public void Clean_but_empty_text_scores_high_on_quality_and_low_on_informational_value(string text)
    {
        var s = Scorer.Score(text);
        Assert.True(s.Quality >= 4.0, $"quality {s.Quality}");
        Assert.True(s.Advertisement >= 4.0, $"advertisement {s.Advertisement}");
        Assert.True(s.InformationalValue <= 1.5, $"informational {s.InformationalValue}");
        Assert.True(s.EducationalValue <= 1.0, $"educational {s.EducationalValue}");
        Assert.True(s.Quality - s.InformationalValue >= 2.5, $"criteria do not disagree: {s}");
    }

    [Fact]
    public void An_explanation_with_facts_scores_high_on_informational_and_educational_value()
    {
        var s = Scorer.Score(Definition);
        Assert.True(s.InformationalValue >= 4.0, $"informational {s.InformationalValue}");
        Assert.True(s.EducationalValue >= 3.5, $"educational {s.EducationalValue}");
        Assert.True(s.Quality >= 4.0, $"quality {s.Quality}");
        var greeting = Scorer.Score("Hello and welcome! We are so glad you are here. Have a wonderful day.");
        Assert.True(s.InformationalValue - greeting.InformationalValue >= 2.5, "an explanation should carry far more information than a greeting");
    }

    [Fact]
    public void Informative_but_sloppy_text_keeps_informational_value_while_quality_drops()
    {
        // The same facts, shouted, line-broken and repeated.
        const string sloppy =
            "TRANSISTOR = semiconductor device!!! amplifies or switches signals!!!\n" +
            "three layers: emitter, base, collector!!!\n" +
            "three layers: emitter, base, collector!!!\n" +
            "2N2222 switches 800 mA at 40 V!!! first one 1947 at Bell Labs!!!\n" +
            "because small base current controls big collector current!!!";
        var s = Scorer.Score(sloppy);
        var clean = Scorer.Score(Definition);
        Assert.True(clean.Quality - s.Quality >= 1.0, $"sloppy quality {s.Quality} vs clean {clean.Quality}");
        Assert.True(s.InformationalValue >= 2.0, $"sloppy informational {s.InformationalValue}");
        // Against a clean greeting the two criteria order the texts in opposite ways.
        var greeting = Scorer.Score("Hello and welcome! We are so glad you are here. Have a wonderful day.");
        Assert.True(greeting.Quality - s.Quality >= 1.0, $"greeting quality {greeting.Quality} vs sloppy {s.Quality}");
        Assert.True(s.InformationalValue - greeting.InformationalValue >= 1.5, $"sloppy informational {s.InformationalValue} vs greeting {greeting.InformationalValue}");
    }

    [Fact]
    public void Advertising_heavy_text_scores_low_on_advertisement_but_not_on_quality()
    {
        const string ad =
            "Discover the new Aurora coffee maker, the best deal of the season. Order now and enjoy free shipping on every order. " +
            "Limited time offer: use promo code BREW20 at checkout and save up to 20%. Buy now while supplies last, money-back guarantee.";
        var s = Scorer.Score(ad);
        Assert.True(s.Advertisement <= 1.0, $"advertisement {s.Advertisement}");
        Assert.True(s.Quality >= 3.0, $"well-written advert copy keeps its quality: {s.Quality}");
        Assert.True(s.Quality - s.Advertisement >= 2.5, $"criteria do not disagree: {s}");
    }

    [Fact]
    public void English_only_rules_never_reach_other_languages()
    {
        // German and Polish prose has none of the English stop words and many letter pairs that are rare in English.
        string[] texts =
        [
            "Zwischen den zwei Flüssen liegt eine kleine Stadt, in der seit dem Mittelalter Tuch gewebt wird. Die Zunft der Weber " +
            "bestimmte jahrhundertelang das Leben der Bürger, und noch heute erinnern zahlreiche Fachwerkhäuser an diese Zeit.",
            "Przez wiele lat w tym mieście produkowano sukno, a cech tkaczy decydował o życiu mieszkańców. Do dziś zachowało się " +
            "wiele domów z tamtych czasów, które przyciągają turystów z całego kraju.",
        ];
        foreach (var text in texts)
        {
            var a = Scorer.Explain(text);
            Assert.NotEqual(LanguageCode.English, a.Scores.Language);
            Assert.DoesNotContain(a.Hits, h => h.Rule is "stop_word_ratio" or "gopher_stop_words" or "implausible_words");
            Assert.True(a.Scores.Quality >= 4.0, $"{a.Scores.Language}: quality {a.Scores.Quality} ({string.Join(", ", a.Hits.Select(h => h.Rule))})");
        }

        // The same rules do apply to English, where they catch word salad.
        var salad = Scorer.Explain("Zwq xkcd pfft grzl brrt vzzk qxyl mnbv trst plkj wxyz fghj kzxq.");
        Assert.True(salad.Scores.Quality < 2.5, $"word salad quality {salad.Scores.Quality}");
    }

    [Fact]
    public void Assumed_language_skips_identification_and_changes_the_identity()
    {
        var assumed = new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { AssumedLanguage = "fr" });
        Assert.Equal(LanguageCode.Parse("fr"), assumed.Score("The cat sat on the mat and looked out of the window.").Language);
        Assert.NotEqual(Scorer.Identity, assumed.Identity);
        Assert.Equal(Scorer.Identity, new RuleBasedQualityScorer().Identity);
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { Languages = { "xx" } }));
        Assert.Contains("xx", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Language_codes_round_trip_and_serialise_as_strings()
    {
        Assert.Equal("ru", LanguageCode.Parse("RU").ToString());
        Assert.Equal("und", default(LanguageCode).ToString());
        Assert.True(LanguageCode.Parse("und").IsUndetermined);
        Assert.Throws<FormatException>(() => LanguageCode.Parse("e1"));
        var json = System.Text.Json.JsonSerializer.Serialize(new QualityScores(1, 2, 3, 4, LanguageCode.Parse("it")));
        Assert.Contains("\"Language\":\"it\"", json, StringComparison.Ordinal);
        Assert.Equal(LanguageCode.Parse("it"), System.Text.Json.JsonSerializer.Deserialize<QualityScores>(json).Language);
        Assert.Equal(20, System.Runtime.CompilerServices.Unsafe.SizeOf<QualityScores>());
    }
}

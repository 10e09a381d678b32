using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Quality;

public sealed class RuleBasedQualityScorerTests(SampleCorpusFixture corpus) : IClassFixture<SampleCorpusFixture>
{
    private static readonly string[] ProseDomains = ["fortunes", "bible", "foldoc", "jargon", "devil"];

    public static TheoryData<string, string, double> JunkExpectations => new()
    {
        // kind, criterion, minimum gap between real prose's mean and the junk's mean. Informational and educational
        // value need positive evidence, so real prose (much of it short quotations and verses) averages about 2.6 and 1.9
        // on them; junk must sit close to 0.
        { "advert", nameof(QualityScores.Advertisement), 3.0 },
        { "advert", nameof(QualityScores.EducationalValue), 1.0 },
        { "keyboard", nameof(QualityScores.Quality), 3.0 },
        { "keyboard", nameof(QualityScores.InformationalValue), 2.0 },
        { "repeated", nameof(QualityScores.Quality), 2.5 },
        { "repeated", nameof(QualityScores.InformationalValue), 2.0 },
        { "notfound", nameof(QualityScores.InformationalValue), 2.0 },
        { "notfound", nameof(QualityScores.EducationalValue), 1.5 },
        { "lorem", nameof(QualityScores.Quality), 2.5 },
        { "lorem", nameof(QualityScores.InformationalValue), 2.0 },
        { "cookie", nameof(QualityScores.InformationalValue), 2.0 },
        { "cookie", nameof(QualityScores.EducationalValue), 1.5 },
    };

    [Theory]
    [MemberData(nameof(JunkExpectations))]
    public async Task Planted_junk_scores_clearly_below_real_prose(string kind, string criterion, double minimumGap)
    {
        var scorer = new RuleBasedQualityScorer();
        var junk = new JunkGenerator(seed: 7).Many(perKind: 150).Where(j => j.Kind == kind).Select(j => j.Text).ToList();
        Assert.Equal(150, junk.Count);
        Assert.True(junk.Distinct().Count() > 100, "junk instances should be varied");

        var proseMean = Mean([.. ProseDomains.SelectMany(corpus.DefaultScores)], criterion);
        var junkMean = Mean(await scorer.ScoreAsync(junk), criterion);

        Assert.True(proseMean - junkMean >= minimumGap, $"{kind}/{criterion}: prose mean {proseMean:0.00}, junk mean {junkMean:0.00}, gap below {minimumGap}");
    }

    [Fact]
    public void Every_real_domain_including_code_scores_well_on_quality_and_advertisement()
    {
        foreach (var domain in corpus.ByDomain.Keys)
        {
            var scores = corpus.DefaultScores(domain);
            foreach (var criterion in new[] { "Quality", "Advertisement" })
            {
                var mean = Mean(scores, criterion);
                Assert.True(mean >= 3.5, $"{domain} {criterion} mean {mean:0.00} < 3.5");
            }
        }
    }

    [Fact]
    public void Reference_texts_carry_more_information_than_quotations()
    {
        // Dictionary entries and code explain and define; fortunes are short quotations.
        var fortunes = Mean(corpus.DefaultScores("fortunes"), "InformationalValue");
        foreach (var domain in new[] { "foldoc", "jargon", "devil", "python" })
        {
            var mean = Mean(corpus.DefaultScores(domain), "InformationalValue");
            Assert.True(mean >= fortunes + 0.5, $"{domain} informational mean {mean:0.00} vs fortunes {fortunes:0.00}");
            Assert.True(Mean(corpus.DefaultScores(domain), "EducationalValue") > Mean(corpus.DefaultScores("fortunes"), "EducationalValue") + 0.5, $"{domain} educational");
        }
    }

    [Fact]
    public async Task Code_awareness_protects_source_code()
    {
        var code = corpus.ByDomain["python"].Take(150).Select(d => d.Text).ToList();
        var aware = await new RuleBasedQualityScorer().ScoreAsync(code);
        var naive = await new RuleBasedQualityScorer(new() { CodeAware = false }).ScoreAsync(code);

        Assert.True(Mean(aware, "Quality") >= 4.5, $"code-aware mean quality {Mean(aware, "Quality"):0.00}");
        Assert.True(Mean(aware, "Quality") - Mean(naive, "Quality") >= 0.3, "without code awareness, prose rules should lower code");
        var detected = code.Count(t => new RuleBasedQualityScorer().Explain(t).IsCode);
        Assert.True(detected >= code.Count * 0.9, $"only {detected} of {code.Count} python documents detected as code");
        var prose = corpus.ByDomain["bible"].Concat(corpus.ByDomain["devil"]).Take(400).ToList();
        Assert.True(prose.Count(d => new RuleBasedQualityScorer().Explain(d.Text).IsCode) <= 4, "prose misdetected as code");
    }

    [Fact]
    public void Explain_names_the_rules_that_fired()
    {
        var scorer = new RuleBasedQualityScorer();
        var ad = scorer.Explain("MEGA SALE!!! Buy now and get 50% off. Free shipping on all orders! Click here! Only $19.99!");
        Assert.Contains(ad.Hits, h => h.Rule == "promotional_density");
        Assert.Contains(ad.Hits, h => h.Rule == "exclamation_density");
        Assert.True(ad.Scores.Advertisement < 1.0, $"advertisement {ad.Scores.Advertisement}");

        var clean = scorer.Explain(corpus.ByDomain["jargon"][10].Text + "\n\n" + corpus.ByDomain["jargon"][11].Text);
        Assert.DoesNotContain(clean.Hits, h => h.Rule is "promotional_density" or "boilerplate_markers" or "implausible_words");

        var empty = scorer.Explain("   ");
        Assert.Equal(0f, empty.Scores.Quality);
    }

    [Fact]
    public void Every_rule_is_documented_in_docs_quality_md()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "quality.md"));
        foreach (var rule in QualityRules.All)
        {
            Assert.Contains("`" + rule.Name + "`", doc, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Batch_scoring_matches_single_scoring_and_is_deterministic()
    {
        var scorer = new RuleBasedQualityScorer(new() { MaxDegreeOfParallelism = 2 });
        var texts = corpus.Every(150).Select(d => d.Text).Concat(new JunkGenerator(3).Many(5).Select(j => j.Text)).ToList();
        var batch = await scorer.ScoreAsync(texts);
        for (var i = 0; i < texts.Count; i++)
        {
            Assert.Equal(scorer.Score(texts[i]), batch[i]);
        }

        Assert.Equal(batch, await scorer.ScoreAsync(texts));
    }

    [Fact]
    public async Task Extra_phrases_extend_the_lexicons()
    {
        const string text = "Visit the grand bazaar of bargains where the prices melt away and the bargains melt away every single day of the year for you.";
        var plain = new RuleBasedQualityScorer().Score(text);
        var options = new RuleBasedQualityScorerOptions();
        options.ExtraPromotionalPhrases.Add("bazaar of bargains");
        options.ExtraPromotionalPhrases.Add("prices melt away");
        var custom = new RuleBasedQualityScorer(options).Score(text);
        Assert.True(custom.Advertisement < plain.Advertisement - 1, $"{custom.Advertisement} vs {plain.Advertisement}");
        await Assert.ThrowsAsync<ArgumentNullException>(() => new RuleBasedQualityScorer().ScoreAsync(null!));
    }

    [Fact]
    public void Invalid_options_are_rejected_with_every_problem()
    {
        var options = new RuleBasedQualityScorerOptions { CodeLineFractionThreshold = 2, MaxDegreeOfParallelism = 0 };
        options.ExtraBoilerplatePhrases.Add(" ");
        var ex = Assert.Throws<ValidationException>(() => new RuleBasedQualityScorer(options));
        Assert.Contains("CodeLineFractionThreshold", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MaxDegreeOfParallelism", ex.Message, StringComparison.Ordinal);
        Assert.Contains("blank", ex.Message, StringComparison.Ordinal);
    }

    internal static double Mean(IReadOnlyList<QualityScores> scores, string criterion) => scores.Average(s => (double)(criterion switch
    {
        "Quality" => s.Quality,
        "Advertisement" => s.Advertisement,
        "InformationalValue" => s.InformationalValue,
        _ => s.EducationalValue,
    }));
}

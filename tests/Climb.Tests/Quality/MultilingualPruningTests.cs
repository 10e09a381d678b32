using Xunit.Abstractions;

namespace Climb.Tests.Quality;

/// <summary>
/// Issue 13's acceptance test: Spanish, Italian and Russian Debian fortunes and the French Debian FAQ
/// (data/multilingual), the English sample corpus and planted junk of every kind, run as the pipeline runs them
/// (GloVe-SIF embedding, k-means, rule-based scores, default pruning): every real language keeps at least 80% of
/// its documents and at least 80% of the junk is dropped.
/// </summary>
public sealed class MultilingualPruningTests(SampleCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SampleCorpusFixture>
{
    public static readonly string[] Languages = ["es", "it", "ru", "fr"];

    internal static IReadOnlyList<Document> Load(string language)
    {
        var file = language == "fr" ? "debian-faq-fr.jsonl.gz" : $"fortunes-{language}.jsonl.gz";
        var path = Path.Combine(RepoPaths.Root, "data", "multilingual", file);
        Assert.True(File.Exists(path), $"Multilingual corpus file missing: {path}");
        return new CorpusReader(path).ReadAsync().ToBlockingEnumerable().ToList();
    }

    [Fact]
    public async Task Default_scoring_and_pruning_keep_every_language_and_drop_the_junk()
    {
        var real = Languages.SelectMany(l => Load(l).Select(d => (Group: l, Doc: d)))
            .Concat(corpus.Every(5).Select(d => (Group: "en:" + d.Source, Doc: d)))
            .ToList();
        var junk = new JunkGenerator(2026).Many(perKind: 100)
            .Select((j, i) => (Group: "junk:" + j.Kind, Doc: new Document($"junk-{j.Kind}-{i}", j.Text, "junk-" + j.Kind))).ToList();
        var all = real.Concat(junk).ToList();
        var documents = all.Select(x => x.Doc).ToList();
        var texts = documents.Select(d => d.Text).ToList();

        var embedder = await new GloveSifEmbedder().FitAsync(texts);
        var embeddings = await embedder.EmbedAsync(texts);
        // The pipeline's defaults: K = documents / 100, the default scorer and the default pruning options.
        var clustering = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = documents.Count / 100, Seed = 42, Device = ComputeDevice.Cpu })
            .ClusterAsync(embeddings);
        var scores = await new RuleBasedQualityScorer().ScoreAsync(texts);
        var result = new ClusterPruner().Prune(clustering, scores, documents);

        double Kept(Func<string, bool> group)
        {
            var idx = Enumerable.Range(0, all.Count).Where(i => group(all[i].Group)).ToList();
            return idx.Count(i => result.IsKept(clustering.Assignments[i])) / (double)idx.Count;
        }

        foreach (var g in all.Select(x => x.Group).Distinct())
        {
            var idx = Enumerable.Range(0, all.Count).Where(i => all[i].Group == g).ToList();
            output.WriteLine($"{g,-16} n={idx.Count,4} kept {Kept(x => x == g),7:P1}  mean Q {idx.Average(i => scores[i].Quality):0.00} A {idx.Average(i => scores[i].Advertisement):0.00} I {idx.Average(i => scores[i].InformationalValue):0.00} E {idx.Average(i => scores[i].EducationalValue):0.00}  lang {string.Join(",", idx.GroupBy(i => scores[i].Language.ToString()).OrderByDescending(x => x.Count()).Take(3).Select(x => $"{x.Key}:{x.Count()}"))}");
        }

        foreach (var w in result.GuardWarnings)
        {
            output.WriteLine("guard: " + w.Message);
        }

        foreach (var language in Languages)
        {
            Assert.True(Kept(g => g == language) >= 0.8, $"{language}: only {Kept(g => g == language):P1} kept");
        }

        foreach (var domain in SampleCorpusFixture.Domains)
        {
            Assert.True(Kept(g => g == "en:" + domain) >= 0.8, $"en:{domain}: only {Kept(g => g == "en:" + domain):P1} kept");
        }

        Assert.True(Kept(g => g.StartsWith("junk:", StringComparison.Ordinal)) <= 0.2, $"{Kept(g => g.StartsWith("junk:", StringComparison.Ordinal)):P1} of the junk kept");

        // The report carries the per-language and per-source breakdown the CLI shows.
        Assert.Contains(result.ByLanguage, g => g.Name == "ru" && g.Total >= 200);
        Assert.Contains(result.BySource, g => g.Name.StartsWith("fortunes-es/", StringComparison.Ordinal));
        Assert.Equal(documents.Count, result.ByLanguage.Sum(g => g.Total));
        Assert.Equal(documents.Count, result.BySource.Sum(g => g.Total));
    }

    [Fact]
    public async Task Languages_are_identified_and_recorded_in_the_scores()
    {
        var scorer = new RuleBasedQualityScorer();
        foreach (var language in Languages)
        {
            var docs = Load(language).Take(80).Select(d => d.Text).ToList();
            var scores = await scorer.ScoreAsync(docs);
            var share = scores.Count(s => s.Language.ToString() == language) / (double)scores.Count;
            output.WriteLine($"{language}: {share:P1} identified");
            Assert.True(share >= 0.8, $"{language}: only {share:P1} identified as {language}");
        }

        var english = await scorer.ScoreAsync(corpus.ByDomain["jargon"].Take(80).Select(d => d.Text).ToList());
        Assert.True(english.Count(s => s.Language == LanguageCode.English) >= 72, "English sample not identified as English");
    }
}

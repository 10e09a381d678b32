using Climb.Tests.Pipeline;
using Climb.Tests.ProxyTraining;

namespace Climb.Tests.Search;

/// <summary>
/// <c>climb measure</c>'s library side: fresh data seeds disjoint from every seed a search journaled, every mixture trained
/// on the same seeds, mean and spread, and the mixture files (weights.json, CSV, keywords) with errors that name the file
/// and the line.
/// </summary>
public sealed class MixtureMeasurementTests : IDisposable
{
    private readonly string _dir = ProxyTestData.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static KneserNeyProxyTrainer Trainer() => new(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = 20_000, SequenceLength = 256, EvaluationWindow = 256 });

    private async Task<(TokenizedClusterStore Store, TextTarget Target)> StoreAsync()
    {
        var store = await ProxyTestData.BuildAsync(
            Path.Combine(_dir, "store"), ByteTokenizer.Instance, ProxyTestData.Domain("bible", 0, 60), ProxyTestData.Domain("python", 0, 60), ProxyTestData.Domain("fortunes", 0, 60));
        var target = new TextTarget("python", ProxyTestData.Domain("python", 2000, 15).Select(d => d.Text.Length > 800 ? d.Text[..800] : d.Text).ToList());
        return (store, target);
    }

    [Fact]
    public async Task Fresh_seeds_are_disjoint_from_every_seed_the_search_journaled_even_a_planted_collision()
    {
        var (store, target) = await StoreAsync();
        using var _ = store;
        var trainer = Trainer();
        var options = new MixtureMeasurementOptions { Seeds = 5, Seed = 42 };

        // The search's rounds all run on the seed the measurement would pick first: a collision hash luck would not avoid.
        int planted = MixtureMeasurement.FreshSeeds(1, options.Seed, new HashSet<int>())[0];
        string journal = Path.Combine(_dir, "journal.jsonl");
        var strategy = new ClimbSearchStrategy(new ClimbSearchStrategyOptions { RoundBudgets = [6, 4], TrustRegionPoolSize = 200, ConfirmationCandidates = 2, ConfirmationSeeds = 2 });
        var search = new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 3, ProxySeed = planted, JournalPath = journal, NoiseReplicates = 2 });
        var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c));
        var result = await search.RunAsync(prior, (m, s, ct) => trainer.TrainAsync(new ProxyTrainingRequest { Mixture = m, Seed = s, Data = store, Targets = [target] }, null, ct));

        var journaled = MixtureMeasurement.SeedsInJournal(journal);
        var used = result.ProxyResults.Select(r => r.Seed).Concat(result.Noise!.Seeds).ToHashSet();
        Assert.Contains(planted, journaled);
        Assert.Subset(journaled.ToHashSet(), used);
        Assert.NotNull(result.Answer.Confirmation);
        Assert.Subset(journaled.ToHashSet(), result.Answer.Confirmation!.Seeds.ToHashSet()); // the confirmation round's seeds are journaled too

        var measurement = new MixtureMeasurement(trainer, store, [target], options, journaled);
        Assert.Equal(5, measurement.Seeds.Distinct().Count());
        Assert.DoesNotContain(planted, measurement.Seeds);
        Assert.Empty(measurement.Seeds.Intersect(journaled));
        Assert.Empty(measurement.Seeds.Intersect(used));

        // Without the journal the same options would have reused the planted seed.
        Assert.Contains(planted, new MixtureMeasurement(trainer, store, [target], options).Seeds);
    }

    [Fact]
    public async Task Every_mixture_is_trained_on_the_same_fresh_seeds_and_reported_with_its_mean_and_spread()
    {
        var (store, target) = await StoreAsync();
        using var _ = store;
        var trainer = Trainer();
        var measurement = new MixtureMeasurement(trainer, store, [target], new MixtureMeasurementOptions { Seeds = 3, Seed = 7, MaxDegreeOfParallelism = 2 }, componentNames: ["bible", "python", "fortunes"]);
        var mixtures = MixtureFiles.Read("uniform", measurement.Prior).Concat(MixtureFiles.Read("prior", measurement.Prior)).Append(new NamedMixture("python-heavy", new MixtureWeights([0.1, 0.8, 0.1]))).ToArray();

        var results = await measurement.MeasureAsync(mixtures);

        Assert.Equal(["uniform", "prior", "python-heavy"], results.Select(r => r.Name));
        foreach (var r in results)
        {
            Assert.Equal(measurement.Seeds, r.Results.Select(x => x.Seed));
            var direct = new List<double>();
            foreach (int s in measurement.Seeds)
            {
                direct.Add((await trainer.TrainAsync(new ProxyTrainingRequest { Mixture = r.Mixture, Seed = s, Data = store, Targets = [target] })).Objective);
            }

            Assert.Equal(direct, r.Results.Select(x => x.Objective));
            Assert.Equal(direct.Average(), r.MeanObjective, 12);
            Assert.Equal(MathNet.Numerics.Statistics.Statistics.StandardDeviation(direct), r.StandardDeviation, 12);
            Assert.True(r.StandardDeviation > 0, "different data seeds give different proxies");
        }

        // The target is python text: paired seed by seed, the python-heavy mixture measures better than uniform weights.
        Assert.All(Enumerable.Range(0, 3), j => Assert.True(results[2].Results[j].Objective < results[0].Results[j].Objective, $"seed {measurement.Seeds[j]}: {results[2].Results[j].Objective} vs {results[0].Results[j].Objective}"));
        Assert.Throws<ArgumentException>(() => measurement.MeasureAsync([new NamedMixture("two", MixtureWeights.Uniform(2))]).GetAwaiter().GetResult());
    }

    private static readonly MixturePrior Named = new([3, 2, 1], ["code/def", "bible,verse", "quotes"]);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void A_csv_of_mixtures_is_read_by_column_name_in_any_order()
    {
        string path = Write("ok.csv", "quotes,run,\"bible,verse\",code/def\n0.2,a,0.3,0.5\n\n0,b,0,1\n");
        var mixtures = MixtureFiles.Read(path, Named);
        Assert.Equal(["a", "b"], mixtures.Select(m => m.Name));
        Assert.Equal([0.5, 0.3, 0.2], mixtures[0].Mixture.ToArray());
        Assert.Equal([1.0, 0, 0], mixtures[1].Mixture.ToArray());
        Assert.Equal(MixtureWeights.Uniform(3), MixtureFiles.Read("uniform", Named)[0].Mixture);
        Assert.Equal(new MixtureWeights([0.5, 1 / 3.0, 1 / 6.0]).ToArray(), MixtureFiles.Read("prior", Named)[0].Mixture.ToArray(), (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Theory]
    [InlineData("run,code/def,quotes\na,0.5,0.5\n", "line 1", "bible,verse")]
    [InlineData("run,code/def,\"bible,verse\",quotes\na,0.5,0.25,0.25\nb,0.5,x,0.5\n", "line 3", "column 'bible,verse'")]
    [InlineData("run,code/def,\"bible,verse\",quotes\na,0.5,0.25,0.25\n\nb,0.5,0.5\n", "line 4", "3 fields")]
    [InlineData("run,code/def,\"bible,verse\",quotes\na,0.5,0.25,0.25\na,0.5,0.25,0.25\n", "line 3", "already appears on line 2")]
    [InlineData("run,code/def,\"bible,verse\",quotes\na,0.5,0.25,0.5\n", "line 2", "sum to 1.25")]
    [InlineData("run,code/def,\"bible,verse\",quotes,extra\na,0.5,0.25,0.25,0\n", "line 1, column 5", "'extra' is not a super-cluster")]
    [InlineData("run,code/def,\"bible,verse\",quotes\na,0.5,-0.25,0.75\n", "line 2", "non-negative")]
    [InlineData("code/def,\"bible,verse\",quotes\n0.5,0.25,0.25\n", "line 1", "no 'run' column")]
    public void A_bad_csv_is_refused_with_the_file_and_line(string text, string line, string what)
    {
        string path = Write("bad.csv", text);
        var ex = Assert.Throws<InvalidDataException>(() => MixtureFiles.Read(path, Named));
        Assert.Contains(path, ex.Message);
        Assert.Contains(line, ex.Message);
        Assert.Contains(what, ex.Message);
    }

    private const string WeightsJson = """
        {
          "strategy": "climb",
          "components": [
            { "index": 0, "name": "code/def", "weight": 0.5 },
            { "index": 1, "name": "bible,verse", "weight": 0.25 },
            { "index": 2, "name": "quotes", "weight": 0.25 }
          ]
        }
        """;

    [Fact]
    public void A_weights_json_is_read_by_component_name()
    {
        string path = Write("weights.json", WeightsJson);
        var m = Assert.Single(MixtureFiles.Read(path, Named));
        Assert.Equal(path, m.Name);
        Assert.Equal([0.5, 0.25, 0.25], m.Mixture.ToArray());
    }

    [Theory]
    [InlineData("\"quotes\", \"weight\": 0.25", "\"other\", \"weight\": 0.25", "line 6", "'other' is not a super-cluster")]
    [InlineData("\"weight\": 0.25 }\n  ]", "\"weight\": \"x\" }\n  ]", "line 6", "finite, non-negative")]
    [InlineData("\"weight\": 0.5 },", "\"weight\": 0.5 ", "line 5", "not valid JSON")]
    [InlineData("\"code/def\", \"weight\": 0.5", "\"code/def\", \"weight\": 0.9", "weights.json", "not 1 (")]
    [InlineData("\"bible,verse\", \"weight\": 0.25", "\"quotes\", \"weight\": 0.25", "line 6", "appears twice")]
    public void A_bad_weights_json_is_refused_with_the_file_and_line(string find, string replace, string line, string what)
    {
        string text = WeightsJson.Replace(find, replace, StringComparison.Ordinal);
        Assert.NotEqual(WeightsJson, text);
        string path = Write("weights.json", text);
        var ex = Assert.Throws<InvalidDataException>(() => MixtureFiles.Read(path, Named));
        Assert.Contains(path, ex.Message);
        Assert.Contains(line, ex.Message);
        Assert.Contains(what, ex.Message);
    }

    [Fact]
    public void A_missing_file_and_a_malformed_journal_line_are_named()
    {
        Assert.Contains("nope.csv", Assert.Throws<FileNotFoundException>(() => MixtureFiles.Read(Path.Combine(_dir, "nope.csv"), Named)).Message);
        string journal = Write("journal.jsonl", "{\"kind\":\"climb-mixture-search-journal\"}\n{\"kind\":\"result\",\"seed\":5}\nnot json\n{\"kind\":\"result\",\"seed\":6}\n");
        var ex = Assert.Throws<InvalidDataException>(() => MixtureMeasurement.SeedsInJournal(journal));
        Assert.Contains(journal, ex.Message);
        Assert.Contains("line 3", ex.Message);

        // A torn last line (the search was killed while writing it) is what the search itself ignores.
        string torn = Write("torn.jsonl", "{\"kind\":\"result\",\"seed\":5}\n{\"kind\":\"result\",\"se");
        Assert.Equal([5], MixtureMeasurement.SeedsInJournal(torn));
    }

    [Fact]
    public async Task The_pipeline_measures_its_weights_json_on_seeds_its_search_never_used()
    {
        string artifacts = Path.Combine(_dir, "artifacts");
        var target = PipelineFixtures.Target("python", "foldoc");
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var pipeline = PipelineFixtures.SmallBuilder(artifacts).Build();
        await pipeline.RunUntilAsync(corpus, [target], "search");

        var measurement = await pipeline.CreateMeasurementAsync(corpus, [target], new MixtureMeasurementOptions { Seeds = 2 });
        var journaled = MixtureMeasurement.SeedsInJournal(Path.Combine(artifacts, "07-search", "journal.jsonl"));
        Assert.NotEmpty(journaled);
        Assert.Equal(journaled.Order(), measurement.ExcludedSeeds.Order());
        Assert.Empty(measurement.Seeds.Intersect(journaled));

        var mixtures = MixtureFiles.Read(Path.Combine(artifacts, "weights.json"), measurement.Prior).Concat(MixtureFiles.Read("uniform", measurement.Prior)).ToArray();
        var results = await measurement.MeasureAsync(mixtures);
        Assert.All(results, r => Assert.Equal(2, r.Results.Count));
        Assert.True(results[0].MeanObjective < results[1].MeanObjective, $"the search's answer {results[0].MeanObjective} should measure better than uniform weights {results[1].MeanObjective} on the target");
    }
}

using System.Diagnostics;
using Xunit.Abstractions;

namespace Climb.Tests.Quality;

public sealed class TrainedQualityScorerTests(SampleCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<SampleCorpusFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-trained-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Path, List<string> HeldOutTexts, IReadOnlyList<QualityScores> HeldOutLabels)> WriteRuleLabelsAsync(int step)
    {
        var rule = new RuleBasedQualityScorer();
        var junk = new JunkGenerator(11).Many(perKind: 25);
        var trainDocs = corpus.Every(step).Select(d => (Id: d.Id, Text: d.Text))
            .Concat(junk.Select((j, i) => (Id: $"junk-{i}", j.Text))).ToList();
        var labels = await rule.ScoreAsync(trainDocs.Select(d => d.Text).ToList());
        var path = Path.Combine(_dir, "rule-labels.jsonl");
        await File.WriteAllLinesAsync(path, trainDocs.Select((d, i) => QualityAnnotationFile.FormatLine(new QualityAnnotation(d.Id, d.Text, labels[i]))));

        // Held-out documents never seen in training: a different residue of each domain plus fresh junk.
        var heldOut = corpus.ByDomain.Values.SelectMany(docs => docs.Where((_, i) => i % step == step / 2)).Select(d => d.Text)
            .Concat(new JunkGenerator(99).Many(perKind: 10).Select(j => j.Text)).ToList();
        return (path, heldOut, await rule.ScoreAsync(heldOut));
    }

    [Fact]
    public async Task Fitted_on_rule_labels_it_reproduces_them_on_held_out_documents()
    {
        var (path, heldOut, heldOutLabels) = await WriteRuleLabelsAsync(step: 12);
        var watch = Stopwatch.StartNew();
        var (scorer, report) = await TrainedQualityScorer.TrainAsync(path, new TrainedQualityScorerOptions { Seed = 5 });
        output.WriteLine($"trained on {report.TrainCount}, tested on {report.TestCount} in {watch.Elapsed.TotalSeconds:0.0} s");
        foreach (var m in report.Metrics)
        {
            output.WriteLine($"{m.Criterion}: MAE {m.MeanAbsoluteError:0.000}, accuracy {m.Accuracy:0.000}");
        }

        Assert.Equal(4, report.Metrics.Count);
        // The bar: well under the error of always predicting the training mean (the prior), on every criterion.
        var all = (await QualityAnnotationFile.ReadAsync(path)).Select(a => a.Scores).ToList();
        double PriorMae(Func<QualityScores, float> get, IReadOnlyList<QualityScores> labels)
        {
            var mean = all.Average(x => get(x));
            return labels.Average(x => Math.Abs(get(x) - mean));
        }

        Func<QualityScores, float>[] getters = [x => x.Quality, x => x.Advertisement, x => x.InformationalValue, x => x.EducationalValue];
        for (var c = 0; c < 4; c++)
        {
            var prior = PriorMae(getters[c], all);
            output.WriteLine($"{report.Metrics[c].Criterion}: prior MAE {prior:0.000}");
        }

        for (var c = 0; c < 4; c++)
        {
            var prior = PriorMae(getters[c], all);
            Assert.True(report.Metrics[c].MeanAbsoluteError < Math.Min(0.5, 0.7 * prior), $"{report.Metrics[c].Criterion} held-out MAE {report.Metrics[c].MeanAbsoluteError:0.000} vs prior {prior:0.000}");
        }

        var predicted = await scorer.ScoreAsync(heldOut);
        var mae = new double[4];
        for (var i = 0; i < heldOut.Count; i++)
        {
            mae[0] += Math.Abs(predicted[i].Quality - heldOutLabels[i].Quality);
            mae[1] += Math.Abs(predicted[i].Advertisement - heldOutLabels[i].Advertisement);
            mae[2] += Math.Abs(predicted[i].InformationalValue - heldOutLabels[i].InformationalValue);
            mae[3] += Math.Abs(predicted[i].EducationalValue - heldOutLabels[i].EducationalValue);
        }

        output.WriteLine($"fresh held-out ({heldOut.Count}): MAE {string.Join(", ", mae.Select(m => (m / heldOut.Count).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))}");
        for (var c = 0; c < 4; c++)
        {
            var prior = PriorMae(getters[c], heldOutLabels);
            Assert.True(mae[c] / heldOut.Count < Math.Min(0.55, 0.9 * prior), $"{report.Metrics[c].Criterion}: fresh held-out MAE {mae[c] / heldOut.Count:0.000} vs prior {prior:0.000}");
        }

        // Junk stays junk through the learned model.
        var junk = await scorer.ScoreAsync(new JunkGenerator(1234).Many(perKind: 5).Where(j => j.Kind is "advert").Select(j => j.Text).ToList());
        Assert.True(junk.Average(s => s.Advertisement) < 2.5, $"advert mean advertisement {junk.Average(s => s.Advertisement):0.00}");

        // Save / load round trip gives identical predictions.
        var modelPath = Path.Combine(_dir, "models", "quality.zip");
        scorer.Save(modelPath);
        var loaded = TrainedQualityScorer.Load(modelPath);
        Assert.Equal(QualityModelAlgorithm.HashedLinear, loaded.Algorithm);
        Assert.Equal(scorer.Identity, loaded.Identity);
        Assert.Contains("weights=", scorer.Identity, StringComparison.Ordinal);
        Assert.Equal(predicted.Take(50), (await loaded.ScoreAsync(heldOut.Take(50).ToList())));
    }

    [Fact]
    public async Task Training_is_deterministic_for_a_seed()
    {
        var annotations = await SmallAnnotationsAsync();
        var options = new TrainedQualityScorerOptions { Seed = 3, Epochs = 4 };
        var a = await TrainedQualityScorer.TrainAsync(annotations, options);
        var b = await TrainedQualityScorer.TrainAsync(annotations, options);
        Assert.Equal(a.Report.Metrics, b.Report.Metrics);
        var probe = annotations.Take(40).Select(x => x.Text).ToList();
        Assert.Equal(await a.Scorer.ScoreAsync(probe), await b.Scorer.ScoreAsync(probe));
        Assert.Equal(a.Scorer.Identity, b.Scorer.Identity);
        var other = await TrainedQualityScorer.TrainAsync(annotations, new TrainedQualityScorerOptions { Seed = 4, Epochs = 4 });
        Assert.NotEqual(a.Scorer.Identity, other.Scorer.Identity);
    }

    private async Task<List<QualityAnnotation>> SmallAnnotationsAsync()
    {
        var docs = corpus.Every(80).Select(d => d.Text).Concat(new JunkGenerator(5).Many(6).Select(j => j.Text)).ToList();
        var labels = await new RuleBasedQualityScorer().ScoreAsync(docs);
        return [.. docs.Select((t, i) => new QualityAnnotation(i.ToString(System.Globalization.CultureInfo.InvariantCulture), t, labels[i]))];
    }

    [Fact]
    public async Task Bad_annotation_files_are_reported_with_file_and_line()
    {
        var path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllLinesAsync(path, [
            """{"id": "1", "text": "fine", "quality": 3, "advertisement": 5, "informational_value": 2, "educational_value": 1}""",
            "",
            """{"id": "2", "text": "bad", "quality": 3, "advertisement": 6, "informational_value": 2, "educational_value": 1}""",
        ]);
        var ex = await Assert.ThrowsAsync<FormatException>(() => TrainedQualityScorer.TrainAsync(path));
        Assert.Contains(path + ":3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("advertisement", ex.Message, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(path, ["""{"id": "1", "body": "fine", "quality": 3}"""]);
        ex = await Assert.ThrowsAsync<FormatException>(() => TrainedQualityScorer.TrainAsync(path));
        Assert.Contains(path + ":1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'text'", ex.Message, StringComparison.Ordinal);

        // Configurable field names.
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, 12).Select(i =>
            $$"""{"body": "text number {{i}}", "q": {{i % 6}}, "ad": 5, "info": 2, "edu": 1}"""));
        var options = new TrainedQualityScorerOptions { Epochs = 2 };
        options.Fields.Text = "body";
        options.Fields.Quality = "q";
        options.Fields.Advertisement = "ad";
        options.Fields.InformationalValue = "info";
        options.Fields.EducationalValue = "edu";
        var result = await TrainedQualityScorer.TrainAsync(path, options);
        Assert.Equal(12, result.Report.TrainCount + result.Report.TestCount);

        await Assert.ThrowsAsync<FileNotFoundException>(() => TrainedQualityScorer.TrainAsync(Path.Combine(_dir, "missing.jsonl")));
        Assert.Throws<InvalidDataException>(() => TrainedQualityScorer.Load(path));
    }
}

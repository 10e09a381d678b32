using System.Text.Json;

namespace Climb.Tests.Pipeline;

public class ClimbPipelineTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("climb-pipeline-").FullName;

    [Fact]
    public async Task Runs_every_stage_then_reuses_them_all_with_the_same_weights()
    {
        string artifacts = TempDir();
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var target = PipelineFixtures.Target("bible");

        var first = await PipelineFixtures.SmallBuilder(artifacts).WithMixturePredictor(new ClimbPipelineBuilderTests.CountingPredictor()).Build().RunAsync(corpus, [target]);
        Assert.Equal(ClimbPipeline.StageNames, first.Stages.Select(s => s.Stage));
        Assert.All(first.Stages, s => Assert.NotEqual(StageOutcome.Reused, s.Outcome));
        Assert.Equal(16 + 6, first.Search.ProxyResults.Count); // rounds of 8, 4, 4 and the default confirmation round (2 candidates x 3 seeds)
        Assert.True(File.Exists(first.WeightsPath));
        Assert.True(File.Exists(first.ReportPath));
        Assert.NotNull(first.Dataset);
        Assert.Equal(first.Mixture.Count, first.ComponentNames.Count);

        var predictor = new ClimbPipelineBuilderTests.CountingPredictor();
        var second = await PipelineFixtures.SmallBuilder(artifacts).WithMixturePredictor(predictor).Build().RunAsync(corpus, [target]);
        Assert.All(second.Stages, s => Assert.Equal(StageOutcome.Reused, s.Outcome));
        Assert.Equal(first.Mixture.ToArray(), second.Mixture.ToArray());

        // The reused search is loaded from result.json, not replayed: no predictor fit, the same proxy results and answer.
        Assert.Equal(0, predictor.Fits);
        Assert.Equal(first.Search.Rounds.Select(r => r.HeldOutSpearman), second.Search.Rounds.Select(r => r.HeldOutSpearman));
        Assert.Equal(first.Search.ProxyResults.Select(r => r.Objective), second.Search.ProxyResults.Select(r => r.Objective));
        Assert.Equal(first.Search.Answer.Method, second.Search.Answer.Method);
        Assert.Equal(first.Dataset!.Tokens, second.Dataset!.Tokens);
    }

    [Fact]
    public async Task Changing_a_search_option_reruns_only_search_and_later_stages()
    {
        string artifacts = TempDir();
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var target = PipelineFixtures.Target("python");
        await PipelineFixtures.SmallBuilder(artifacts).Build().RunAsync(corpus, [target]);

        var changed = await PipelineFixtures.SmallBuilder(artifacts).ConfigureSearch(s => s.RoundBudgets = [8, 4]).Build().RunAsync(corpus, [target]);
        var outcome = changed.Stages.ToDictionary(s => s.Stage, s => s.Outcome);
        foreach (string stage in new[] { "embed", "cluster", "score", "prune", "merge", "tokenize" })
        {
            Assert.Equal(StageOutcome.Reused, outcome[stage]);
        }

        Assert.Equal(StageOutcome.Ran, outcome["search"]);
        Assert.Equal(StageOutcome.Ran, outcome["export"]);
        Assert.Equal(12 + 6, changed.Search.ProxyResults.Count);
    }

    [Fact]
    public async Task Export_accounting_matches_the_token_store_counts()
    {
        string artifacts = TempDir();
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var result = await PipelineFixtures.SmallBuilder(artifacts).Build().RunAsync(corpus, [PipelineFixtures.Target("bible")]);
        using var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store"));
        Assert.Equal(store.TokenCounts, result.Dataset!.Components.Select(c => c.AvailableTokens));

        using var weights = JsonDocument.Parse(await File.ReadAllTextAsync(result.WeightsPath));
        Assert.Equal(result.Mixture.Count, weights.RootElement.GetProperty("components").GetArrayLength());

        // The pipeline's own report renders all six plots in a real browser.
        string dom = await Climb.Tests.Reporting.HeadlessChromium.RunAsync(result.ReportPath!, "--dump-dom", TimeSpan.FromSeconds(90));
        Assert.Contains("data-plots-rendered=\"6\"", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"catalogue\"", dom, StringComparison.Ordinal);
        Assert.Contains("id=\"pruning\"", dom, StringComparison.Ordinal);
    }
}

namespace Climb.Tests.ProxyTraining;

public class TorchSharpEvaluationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static string PiqaDir => Path.Combine(RepoPaths.SharedEval, "piqa");

    [Fact]
    public async Task Piqa_slice_scores_end_to_end_with_the_transformer_on_compacted_tiktoken()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var piqa = MultipleChoiceTarget.LoadPiqa(Path.Combine(PiqaDir, "valid.jsonl"), Path.Combine(PiqaDir, "valid-labels.lst"), maxItems: 60);
        using var store = await TokenizedClusterStore.BuildAsync(ProxyTestData.TempDir(), TiktokenTextTokenizer.Cl100kBase(),
            [ProxyTestData.Stream(ProxyTestData.Domain("fortunes", 0, 150)), ProxyTestData.Stream(ProxyTestData.Domain("devil", 0, 50))],
            new TokenizedClusterStoreOptions { CompactVocabulary = true });
        output.WriteLine($"store {clock.Elapsed.TotalSeconds:F1} s");
        Assert.InRange(store.ModelVocabularySize, 500, 10_000);
        var text = new TextTarget("fortunes", ProxyTestData.Domain("fortunes", 2500, 5).Select(d => d.Text).ToList(), weight: 0);
        var options = new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 2, ModelDimension = 64, Heads = 4, ContextLength = 64 },
            TokenBudget = 30 * 8 * 64,
            BatchSize = 8,
            Device = ComputeDevice.Cpu,
            Objective = new ProxyObjectiveOptions { Kind = ProxyObjectiveKind.WeightedAccuracy },
        };
        var result = await new TorchSharpProxyTrainer(options).TrainAsync(new ProxyTrainingRequest
        {
            Mixture = new MixtureWeights([0.8, 0.2]),
            Seed = 4,
            Data = store,
            Targets = [piqa, text],
        });
        output.WriteLine($"total {clock.Elapsed.TotalSeconds:F1} s, proxy {result.Elapsed.TotalSeconds:F1} s, train {result.TokensTrained / result.Metrics["train/tokens_per_second"]:F1} s");
        Assert.Equal(60, result.Metrics["mc:piqa/items"]);
        Assert.Equal(ObjectiveGoal.Maximize, result.Goal);
        Assert.Equal(result.Metrics["mc:piqa/acc_norm"], result.Objective);
        Assert.InRange(result.Metrics["mc:piqa/acc"], 0.0, 1.0);
        Assert.True(result.Metrics["train/loss_final"] < result.Metrics["train/loss_first"] - 1.0);
        Assert.True(double.IsFinite(result.Metrics["target:fortunes/loss"]));
        Assert.True(result.Metrics["target:fortunes/loss"] < Math.Log(store.ModelVocabularySize));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Full_piqa_validation_with_a_tiny_proxy_trained_on_a_million_tokens()
    {
        var piqa = MultipleChoiceTarget.LoadPiqa(Path.Combine(PiqaDir, "valid.jsonl"), Path.Combine(PiqaDir, "valid-labels.lst"));
        string[] domains = ["fortunes", "bible", "foldoc", "jargon", "devil", "python"];
        using var store = await TokenizedClusterStore.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance,
            domains.Select(d => ProxyTestData.Stream(ProxyTestData.Domain(d, 0, 3000))).ToList());
        var result = await new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions { Device = ComputeDevice.Cpu, TokenBudget = 1_000_000 })
            .TrainAsync(new ProxyTrainingRequest { Mixture = MixtureWeights.Uniform(6), Seed = 1, Data = store, Targets = [piqa] });
        Assert.Equal(1838, result.Metrics["mc:piqa/items"]);
        // A byte-level 0.4M-parameter model is near chance on PIQA; the test is that the whole set loads and scores.
        Assert.InRange(result.Metrics["mc:piqa/acc"], 0.45, 0.75);
        Assert.True(result.Metrics["train/loss_final"] < 2.5, $"final training loss {result.Metrics["train/loss_final"]}");
        Console.WriteLine($"full PIQA: acc {result.Metrics["mc:piqa/acc"]:F4} acc_norm {result.Metrics["mc:piqa/acc_norm"]:F4} in {result.Elapsed.TotalSeconds:F0} s, {result.Metrics["train/tokens_per_second"]:F0} tokens/s");
    }
}

using System.Text.Json;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// The paper's proxy protocol: the base runs warmup + stable only and is saved with its stable-stage learning rate; each
/// proxy resumes it and runs only the decay stage (no re-warm), with the shape and final ratio as options.
/// </summary>
public class ProxyProtocolTests(TwoDomainFixture data) : IClassFixture<TwoDomainFixture>
{
    [Fact]
    public void The_base_never_decays_and_a_proxy_only_decays()
    {
        var o = new TorchSharpProxyTrainerOptions { LearningRate = 2e-3, WarmupFraction = 0.1, MinLearningRateRatio = 0.1 };
        var baseRates = Enumerable.Range(0, 100).Select(s => o.StableLearningRateAt(s, 100)).ToArray();
        Assert.True(baseRates[0] < 2e-3 && baseRates[5] < 2e-3);
        Assert.All(baseRates.Skip(10), r => Assert.Equal(2e-3, r, 15));

        foreach (var shape in Enum.GetValues<DecayShape>())
        {
            o.DecayShape = shape;
            var proxy = Enumerable.Range(0, 50).Select(s => o.DecayLearningRateAt(s, 50, 1.5e-3)).ToArray();
            Assert.True(proxy[0] > 1.2e-3 && proxy[0] <= 1.5e-3, $"{shape}: starts at {proxy[0]} (no warmup from zero)");
            Assert.Equal(1.5e-4, proxy[^1], 12);
            for (int s = 1; s < proxy.Length; s++)
            {
                Assert.True(proxy[s] < proxy[s - 1], $"{shape}: not decreasing at step {s}");
            }
        }

        o.DecayShape = DecayShape.Linear;
        Assert.Equal(1.5e-3 - ((1.5e-3 - 1.5e-4) * 0.5), o.DecayLearningRateAt(24, 50, 1.5e-3), 12);
    }

    [Fact]
    public void Every_model_continued_from_a_base_decays_from_the_bases_rate_and_a_scratch_model_warms_up()
    {
        // One schedule for the proxies and DoReMi's reference and DRO models (TorchSharpProxyTrainer.ProxySchedule).
        var o = new TorchSharpProxyTrainerOptions { LearningRate = 3e-4, WarmupFraction = 0.1, MinLearningRateRatio = 0.1 };
        var fromBase = TorchSharpProxyTrainer.ProxySchedule(o, new TorchSharpProxyTrainer.CheckpointConfig { StableLearningRate = 2e-3 });
        Assert.True(fromBase(0, 100) > 1.9e-3, $"continued models start at the base's stable rate, not at {fromBase(0, 100)}");
        Assert.Equal(2e-4, fromBase(99, 100), 12);

        var scratch = TorchSharpProxyTrainer.ProxySchedule(o, null);
        Assert.True(scratch(0, 100) < 1e-4, "a model trained from scratch warms up");
        Assert.Equal(o.LearningRateAt(50, 100), scratch(50, 100), 15);
    }

    [Fact]
    public async Task The_base_is_saved_with_its_stable_rate_and_proxies_decay_from_it_reporting_progress()
    {
        string path = Path.Combine(data.Directory, "protocol", "base.pt");
        var options = new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 2, ModelDimension = 64, Heads = 4, ContextLength = 64 },
            TokenBudget = 4 * 512,
            BatchSize = 8,
            Device = ComputeDevice.Cpu,
            LearningRate = 2e-3,
        };
        var baseProgress = new List<ProxyTrainingProgress>();
        await new TorchSharpProxyTrainer(options).PretrainBaseAsync(data.Store, path, 20 * 512, seed: 2, progress: new SyncProgress(baseProgress));
        using (var doc = JsonDocument.Parse(File.ReadAllText(path + ".json")))
        {
            Assert.Equal(2e-3, doc.RootElement.GetProperty("stableLearningRate").GetDouble(), 15);
        }

        Assert.NotEmpty(baseProgress);
        var last = baseProgress[^1];
        Assert.Equal(last.TotalSteps, last.Step);
        Assert.Equal(20 * 512, last.TokensTrained);
        Assert.True(last.TokensPerSecond > 0);
        Assert.Equal(TimeSpan.Zero, last.EstimatedRemaining);
        Assert.True(baseProgress[0].EstimatedRemaining > TimeSpan.Zero);

        options.BaseCheckpointPath = path;
        options.LearningRate = 9e-3; // ignored by a proxy from a base: its decay starts at the base's stable rate
        options.DecayShape = DecayShape.Cosine;
        var proxyProgress = new List<ProxyTrainingProgress>();
        var result = await new TorchSharpProxyTrainer(options).TrainAsync(
            new ProxyTrainingRequest { Mixture = new MixtureWeights([0.5, 0.5]), Seed = 1, Data = data.Store, Targets = [data.HeldA] },
            new SyncProgress(proxyProgress));
        Assert.Contains("decay Cosine 0.002->0.0002", result.ProxyConfiguration, StringComparison.Ordinal);
        Assert.Contains("from-base", result.ProxyConfiguration, StringComparison.Ordinal);
        Assert.Contains(proxyProgress, p => p.Phase == "train" && p.TokensPerSecond > 0);
        Assert.True(double.IsFinite(result.Objective));

        // The identity names every option and hashes the base's weights.
        var fromBase = new TorchSharpProxyTrainer(options);
        Assert.Contains("base=sha256:", fromBase.Identity, StringComparison.Ordinal);
        Assert.Equal(fromBase.Identity, new TorchSharpProxyTrainer(options).Identity);
        options.DecayShape = DecayShape.Linear;
        Assert.NotEqual(fromBase.Identity, new TorchSharpProxyTrainer(options).Identity);
    }

    [Fact]
    public void Kneser_ney_identity_changes_with_every_option_that_changes_the_output()
    {
        string a = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions()).Identity;
        Assert.Equal(a, new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions()).Identity);
        Assert.NotEqual(a, new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3 }).Identity);
        Assert.NotEqual(a, new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { TokenBudget = 5000 }).Identity);
        Assert.NotEqual(a, new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { FixedDiscount = 0.7 }).Identity);
    }

    private sealed class SyncProgress(List<ProxyTrainingProgress> sink) : IProgress<ProxyTrainingProgress>
    {
        public void Report(ProxyTrainingProgress value) => sink.Add(value);
    }
}

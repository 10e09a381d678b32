namespace Climb.Tests.ProxyTraining;

/// <summary>Shares one two-domain store across the TorchSharp tests.</summary>
public sealed class TwoDomainFixture : IAsyncLifetime
{
    public TokenizedClusterStore Store { get; private set; } = null!;

    public TextTarget HeldA { get; private set; } = null!;

    public TextTarget HeldB { get; private set; } = null!;

    public string Directory { get; } = ProxyTestData.TempDir();

    public async Task InitializeAsync()
    {
        (Store, HeldA, HeldB) = await ProxyTestData.TwoDomainsAsync(Directory, trainDocs: 300, heldDocs: 12);
    }

    public Task DisposeAsync()
    {
        Store.Dispose();
        return Task.CompletedTask;
    }
}

public class TorchSharpProxyTrainerTests(TwoDomainFixture data) : IClassFixture<TwoDomainFixture>
{
    private static TorchSharpProxyTrainerOptions Tiny(long tokens, Action<TorchSharpProxyTrainerOptions>? change = null)
    {
        var o = new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 2, ModelDimension = 64, Heads = 4, ContextLength = 64 },
            TokenBudget = tokens,
            BatchSize = 8,
            Device = ComputeDevice.Cpu,
            LearningRate = 3e-3,
        };
        change?.Invoke(o);
        return o;
    }

    private ProxyTrainingRequest Request(double a, int seed = 1) => new()
    {
        Mixture = new MixtureWeights([a, 1 - a]),
        Seed = seed,
        Data = data.Store,
        Targets = [data.HeldA, data.HeldB],
    };

    [Fact]
    public async Task Loss_falls_during_training()
    {
        var progress = new List<ProxyTrainingProgress>();
        var result = await new TorchSharpProxyTrainer(Tiny(80 * 512)).TrainAsync(Request(0.5), new SyncProgress<ProxyTrainingProgress>(progress.Add));
        Assert.Equal(80 * 512, result.TokensTrained);
        Assert.True(result.Metrics["train/loss_first"] > 5.0, "an untrained byte model starts near ln(257) = 5.55");
        Assert.True(result.Metrics["train/loss_final"] < result.Metrics["train/loss_first"] - 1.5, $"{result.Metrics["train/loss_first"]} -> {result.Metrics["train/loss_final"]}");
        Assert.True(result.Metrics["target:bible/loss"] < 4.0);
        Assert.Equal("cpu", result.Device);
        Assert.Contains(progress, p => p.Phase == "train" && p.Step == 80);
    }

    [Fact]
    public async Task Same_seed_and_mixture_give_bitwise_the_same_score_on_cpu()
    {
        var trainer = new TorchSharpProxyTrainer(Tiny(12 * 512));
        var a = await trainer.TrainAsync(Request(0.3, seed: 9));
        var b = await trainer.TrainAsync(Request(0.3, seed: 9));
        var c = await trainer.TrainAsync(Request(0.3, seed: 10));
        Assert.Equal(a.Objective, b.Objective);
        Assert.Equal(a.Metrics["target:python/loss"], b.Metrics["target:python/loss"]);
        Assert.NotEqual(a.Objective, c.Objective);
    }

    [Fact]
    public async Task Checkpoint_round_trip_gives_identical_evaluation_and_warm_start_continues_from_it()
    {
        string path = Path.Combine(data.Directory, "base", "base.pt");
        var trainer = new TorchSharpProxyTrainer(Tiny(40 * 512));
        var checkpoint = await trainer.PretrainBaseAsync(data.Store, path, 40 * 512, seed: 2, targets: [data.HeldA, data.HeldB]);
        Assert.True(File.Exists(path) && File.Exists(path + ".json"));
        var loaded = await trainer.EvaluateCheckpointAsync(path, data.Store, [data.HeldA, data.HeldB]);
        Assert.Equal(checkpoint.Metrics["target:bible/loss"], loaded.Metrics["target:bible/loss"]);
        Assert.Equal(checkpoint.Metrics["target:python/loss"], loaded.Metrics["target:python/loss"]);

        // Batching with padding must not change scores (causal attention; padding only to the right).
        var oneByOne = await new TorchSharpProxyTrainer(Tiny(1, o => o.EvaluationBatchSize = 1)).EvaluateCheckpointAsync(path, data.Store, [data.HeldA, data.HeldB]);
        Assert.Equal(loaded.Metrics["target:bible/loss"], oneByOne.Metrics["target:bible/loss"], 4);

        var scratch = await new TorchSharpProxyTrainer(Tiny(4 * 512)).TrainAsync(Request(0.5));
        var warm = await new TorchSharpProxyTrainer(Tiny(4 * 512, o =>
        {
            o.BaseCheckpointPath = path;
            o.WarmupFraction = 0;
            o.DecayFraction = 1;
        })).TrainAsync(Request(0.5));
        Assert.True(warm.Metrics["train/loss_first"] < scratch.Metrics["train/loss_first"] - 1.0, $"warm {warm.Metrics["train/loss_first"]} vs scratch {scratch.Metrics["train/loss_first"]}");
        Assert.Contains("from-base", warm.ProxyConfiguration);

        var wrongShape = Tiny(512, o => o.BaseCheckpointPath = path);
        wrongShape.Model.Layers = 3;
        await Assert.ThrowsAsync<InvalidDataException>(() => new TorchSharpProxyTrainer(wrongShape).TrainAsync(Request(0.5)));
    }

    [Fact]
    public async Task Proxy_on_domain_A_is_better_on_A_and_the_mixture_lies_between()
    {
        var trainer = new TorchSharpProxyTrainer(Tiny(60 * 512, o => o.Model.Positions = PositionEncoding.Rotary));
        var onlyA = await trainer.TrainAsync(Request(1.0));
        var onlyB = await trainer.TrainAsync(Request(0.0));
        var both = await trainer.TrainAsync(Request(0.5));
        double aOnA = onlyA.Metrics["target:bible/loss"], aOnB = onlyA.Metrics["target:python/loss"];
        double bOnA = onlyB.Metrics["target:bible/loss"], bOnB = onlyB.Metrics["target:python/loss"];
        Assert.True(aOnA < aOnB, $"A-only: bible {aOnA}, python {aOnB}");
        Assert.True(bOnB < bOnA, $"B-only: bible {bOnA}, python {bOnB}");
        Assert.InRange(both.Metrics["target:bible/loss"], aOnA, bOnA);
        Assert.InRange(both.Metrics["target:python/loss"], bOnB, aOnB);
    }

    [Fact]
    public void Options_are_validated_and_schedules_have_their_shape()
    {
        var bad = new TorchSharpProxyTrainerOptions { Model = new ProxyModelOptions { ModelDimension = 30, Heads = 4 }, WarmupFraction = 0.6, DecayFraction = 0.6 };
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new TorchSharpProxyTrainer(bad));
        Assert.Contains("Heads (4) must divide ModelDimension (30)", ex.Message);
        Assert.Contains("WarmupFraction", ex.Message);

        var wsd = new TorchSharpProxyTrainerOptions { LearningRate = 1.0, MinLearningRateRatio = 0.1, WarmupFraction = 0.1, DecayFraction = 0.2 };
        Assert.Equal(0.1, wsd.LearningRateAt(0, 100), 12);
        Assert.Equal(1.0, wsd.LearningRateAt(9, 100), 12);
        Assert.Equal(1.0, wsd.LearningRateAt(79, 100), 12);
        Assert.Equal(0.1, wsd.LearningRateAt(99, 100), 12);
        Assert.Equal(1.0 - (0.9 * 10 / 20), wsd.LearningRateAt(89, 100), 12);
        var cos = new TorchSharpProxyTrainerOptions { LearningRate = 1.0, MinLearningRateRatio = 0.0, WarmupFraction = 0, Schedule = LearningRateSchedule.Cosine };
        Assert.Equal(0.5, cos.LearningRateAt(50, 100), 12);

        Assert.InRange(ProxyModelOptions.FromPreset(ProxyModelSize.Paper62M).ParameterCount(32_000), 60_000_000, 72_000_000);
        Assert.InRange(ProxyModelOptions.FromPreset(ProxyModelSize.Paper350M).ParameterCount(32_000), 340_000_000, 400_000_000);
    }
}

/// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

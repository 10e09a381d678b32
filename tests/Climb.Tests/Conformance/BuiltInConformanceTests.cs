using Climb.Testing;
using Climb.Tests.ExtensionsAI;

namespace Climb.Tests.Conformance;

// The built-in components pass the same conformance facts a plugin author's component must (src/Climb.Testing).

public sealed class GloveSifEmbedderConformance : EmbedderConformanceTests
{
    protected override async Task<IEmbedder> CreateEmbedder() => await new GloveSifEmbedder().FitAsync(Texts);

    protected override async Task<IEmbedder?> CreateEmbedderWithOtherOptions() =>
        await new GloveSifEmbedder(new GloveSifEmbedderOptions { Smoothing = 1e-2 }).FitAsync(Texts);
}

public sealed class OnnxEmbedderConformance : EmbedderConformanceTests
{
    private static string Model => Path.Combine(RepoPaths.Root, "tests", "Climb.Tests", "Fixtures", "tiny-bert", "model.onnx");

    // The fixture model has 64 positions; OnnxEmbedder does not read that limit from the model, so it is set here.

    protected override Task<IEmbedder> CreateEmbedder() =>
        Task.FromResult<IEmbedder>(new OnnxEmbedder(new OnnxEmbedderOptions { ModelPath = Model, Device = ComputeDevice.Cpu, IntraOpThreads = 1, MaxTokens = 64 }));

    protected override Task<IEmbedder?> CreateEmbedderWithOtherOptions() =>
        Task.FromResult<IEmbedder?>(new OnnxEmbedder(new OnnxEmbedderOptions { ModelPath = Model, Device = ComputeDevice.Cpu, IntraOpThreads = 1, MaxTokens = 64, Pooling = OnnxPooling.Cls }));
}

public sealed class EmbeddingGeneratorEmbedderConformance : EmbedderConformanceTests
{
    protected override Task<IEmbedder> CreateEmbedder() =>
        Task.FromResult<IEmbedder>(new EmbeddingGeneratorEmbedder(new FakeEmbeddingGenerator(dimension: 16), new EmbeddingGeneratorEmbedderOptions { BatchSize = 3 }));

    protected override Task<IEmbedder?> CreateEmbedderWithOtherOptions() =>
        Task.FromResult<IEmbedder?>(new EmbeddingGeneratorEmbedder(new FakeEmbeddingGenerator(dimension: 16), new EmbeddingGeneratorEmbedderOptions { Normalize = true }));
}

public sealed class KMeansClustererConformance : ClustererConformanceTests
{
    protected override IClusterer CreateClusterer(int clusterCount) =>
        new KMeansClusterer(new KMeansClustererOptions { ClusterCount = clusterCount, Seed = 5, Device = ComputeDevice.Cpu });

    protected override IClusterer? CreateClustererWithOtherOptions(int clusterCount) =>
        new KMeansClusterer(new KMeansClustererOptions { ClusterCount = clusterCount, Seed = 6, Device = ComputeDevice.Cpu });
}

public sealed class RuleBasedQualityScorerConformance : QualityScorerConformanceTests
{
    protected override IQualityScorer CreateScorer() => new RuleBasedQualityScorer();

    protected override IQualityScorer? CreateScorerWithOtherOptions() => new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { CodeAware = false });
}

public sealed class KneserNeyProxyTrainerConformance : ProxyTrainerConformanceTests
{
    protected override IProxyTrainer CreateTrainer() => new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { TokenBudget = 20_000 });

    protected override IProxyTrainer? CreateTrainerWithOtherOptions() => new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { TokenBudget = 20_000, Order = 3 });
}

public sealed class TorchSharpProxyTrainerConformance : ProxyTrainerConformanceTests
{
    private static TorchSharpProxyTrainerOptions Tiny(int layers) => new()
    {
        Model = new ProxyModelOptions { Layers = layers, ModelDimension = 32, Heads = 2, ContextLength = 32 },
        TokenBudget = 40 * 8 * 32,
        BatchSize = 8,
        LearningRate = 3e-3,
        Device = ComputeDevice.Cpu,
    };

    protected override IProxyTrainer CreateTrainer() => new TorchSharpProxyTrainer(Tiny(1));

    /// <summary>The transformer trains on the on-disk store, as in the pipeline (the n-gram trainer keeps the in-memory default).</summary>
    protected override async Task<ITokenizedClusters> CreateDataAsync(string folder, ITokenizer tokenizer, IReadOnlyList<IReadOnlyList<Document>> clusters) =>
        await TokenizedClusterStore.BuildAsync(folder, tokenizer, [.. clusters.Select(c => c.ToAsyncEnumerable())]);

    protected override IProxyTrainer? CreateTrainerWithOtherOptions() => new TorchSharpProxyTrainer(Tiny(2));
}

public sealed class LightGbmMixturePredictorConformance : MixturePredictorConformanceTests
{
    protected override IMixturePredictor CreatePredictor() => new LightGbmMixturePredictor();

    protected override IMixturePredictor? CreatePredictorWithOtherOptions() => new LightGbmMixturePredictor(new LightGbmMixturePredictorOptions { MaximumTreeDepth = 5 });
}

public sealed class RidgeMixturePredictorConformance : MixturePredictorConformanceTests
{
    protected override IMixturePredictor CreatePredictor() => new RidgeMixturePredictor();

    protected override IMixturePredictor? CreatePredictorWithOtherOptions() => new RidgeMixturePredictor(new RidgeMixturePredictorOptions { Lambda = 3.0 });
}

public sealed class DirichletMixtureSamplerConformance : MixtureSamplerConformanceTests
{
    protected override IMixtureSampler CreateSampler() => new DirichletMixtureSampler();

    protected override IMixtureSampler? CreateSamplerWithOtherOptions() => new DirichletMixtureSampler(new DirichletMixtureSamplerOptions { Temperature = 0.8 });
}

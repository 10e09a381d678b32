namespace Climb;

/// <summary>The components the caller plugged into the builder's slots; <see langword="null"/> where Climb's default goes.</summary>
internal sealed record PluggedComponents(
    IEmbedder? Embedder,
    IClusterer? Clusterer,
    IQualityScorer? QualityScorer,
    IProxyTrainer? ProxyTrainer,
    IMixturePredictor? Predictor,
    IMixtureSampler? Sampler,
    ITokenizer? Tokenizer,
    IWorkExecutor? Executor,
    IMixtureSearchStrategy? Strategy);

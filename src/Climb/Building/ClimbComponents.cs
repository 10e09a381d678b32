namespace Climb;

/// <summary>The components a pipeline was built with, every default resolved by <see cref="ClimbPipelineBuilder.Build"/>.</summary>
internal sealed class ClimbComponents
{
    public required IEmbedder Embedder { get; init; }

    public required IClusterer Clusterer { get; init; }

    public required IQualityScorer QualityScorer { get; init; }

    public required IProxyTrainer ProxyTrainer { get; init; }

    public required IMixtureSearchStrategy Strategy { get; init; }

    public required ITokenizer Tokenizer { get; init; }

    /// <summary>Gets where the parallel units run (proxy runs, embedding and assignment shards); <see langword="null"/> in this process.</summary>
    public IWorkExecutor? Executor { get; init; }
}

namespace Climb;

/// <summary>The components a pipeline was built with: every default resolved and every <c>Use*</c> wrapper applied by
/// <see cref="ClimbPipelineBuilder.Build"/>.</summary>
internal sealed class ClimbComponents
{
    /// <summary>Gets the embedder the pipeline uses (wrapped).</summary>
    public required IEmbedder Embedder { get; init; }

    /// <summary>Gets the embedder as plugged in or defaulted, before the wrappers: a corpus-fitted one is fitted in the
    /// embed stage, and the fitted embedder is wrapped again with <see cref="WrapEmbedder"/>.</summary>
    public required IEmbedder UnwrappedEmbedder { get; init; }

    /// <summary>Gets the function that applies the embedder's wrappers (the identity when there are none).</summary>
    public required Func<IEmbedder, IEmbedder> WrapEmbedder { get; init; }

    public required IClusterer Clusterer { get; init; }

    public required IQualityScorer QualityScorer { get; init; }

    public required IProxyTrainer ProxyTrainer { get; init; }

    public required IMixtureSearchStrategy Strategy { get; init; }

    public required ITokenizer Tokenizer { get; init; }

    /// <summary>Gets where the parallel units run (proxy runs, embedding and assignment shards); <see langword="null"/> in this process.</summary>
    public IWorkExecutor? Executor { get; init; }
}

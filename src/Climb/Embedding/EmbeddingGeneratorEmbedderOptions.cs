using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.AI;

namespace Climb;

/// <summary>Options of <see cref="EmbeddingGeneratorEmbedder"/>.</summary>
public sealed class EmbeddingGeneratorEmbedderOptions : IValidatableOptions
{
    /// <summary>Gets or sets the model recorded with the vectors and used in the embedder's identity.</summary>
    /// <value>
    /// Default <see langword="null"/>: <see cref="EmbeddingGenerationOptions.ModelId"/> of <see cref="GenerationOptions"/>,
    /// else the generator's <see cref="EmbeddingGeneratorMetadata.DefaultModelId"/>. One of the three must name the model:
    /// vectors of different models must never share a store.
    /// </value>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the length of every vector.</summary>
    /// <value>
    /// Default <see langword="null"/>: <see cref="EmbeddingGenerationOptions.Dimensions"/> of <see cref="GenerationOptions"/>,
    /// else the generator's <see cref="EmbeddingGeneratorMetadata.DefaultModelDimensions"/>. A vector of another length is
    /// an error naming both lengths.
    /// </value>
    [Range(1, 1 << 20)]
    public int? Dimension { get; set; }

    /// <summary>Gets or sets the options passed to every generator call (model, dimensions, provider-specific settings).</summary>
    /// <value>Default <see langword="null"/>.</value>
    public EmbeddingGenerationOptions? GenerationOptions { get; set; }

    /// <summary>Gets or sets the maximum number of texts per generator call (services cap their batch size).</summary>
    /// <value>Default 64.</value>
    [Range(1, 1 << 20)]
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets the maximum number of generator calls in flight at once, over every caller of this embedder.</summary>
    /// <value>Default 4.</value>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many times a call that failed transiently is retried before the failure is thrown.</summary>
    /// <value>Default 5.</value>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 5;

    /// <summary>Gets or sets the wait before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    /// <value>Default 1 second. The wait is drawn uniformly from its upper half, so that clients do not retry in lockstep.</value>
    public TimeSpan InitialRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest wait between retries.</summary>
    /// <value>Default 30 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the test that tells a transient failure (retried) from a permanent one (thrown at once).</summary>
    /// <value>Default <see langword="null"/>: <see cref="EmbeddingGeneratorEmbedder.IsTransientFailure"/>.</value>
    public Func<Exception, bool>? IsTransient { get; set; }

    /// <summary>Gets or sets a value indicating whether vectors are scaled to unit length after generation.</summary>
    /// <value>Default <see langword="false"/> (most embedding services already return unit vectors).</value>
    public bool Normalize { get; set; }

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (InitialRetryDelay < TimeSpan.Zero)
        {
            yield return $"{nameof(InitialRetryDelay)} must not be negative.";
        }

        if (MaxRetryDelay < InitialRetryDelay)
        {
            yield return $"{nameof(MaxRetryDelay)} ({MaxRetryDelay}) must be at least {nameof(InitialRetryDelay)} ({InitialRetryDelay}).";
        }

        if (ModelId is { } id && string.IsNullOrWhiteSpace(id))
        {
            yield return $"{nameof(ModelId)} must not be blank.";
        }
    }
}

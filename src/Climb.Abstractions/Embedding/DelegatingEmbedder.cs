namespace Climb;

/// <summary>
/// An embedder that passes every call to an inner embedder: the base of middleware such as caching, logging or rate
/// limiting. Override the members whose behaviour changes; the rest delegate.
/// </summary>
/// <remarks>
/// <see cref="Identity"/> is the inner embedder's, so a wrapper that does not change the vectors (a cache) reuses the
/// artifacts of the unwrapped embedder; override it when the output changes. <see cref="GetService"/> answers for this
/// wrapper first, then asks the inner embedder, so the pipeline still finds the capabilities of a wrapped default
/// (a corpus-fitted embedder is fitted first, then wrapped again by <c>ClimbPipelineBuilder.UseEmbedder</c>).
/// </remarks>
public class DelegatingEmbedder : IEmbedder
{
    /// <summary>Initializes the wrapper.</summary>
    /// <param name="innerEmbedder">The embedder every call goes to.</param>
    protected DelegatingEmbedder(IEmbedder innerEmbedder)
    {
        ArgumentNullException.ThrowIfNull(innerEmbedder);
        InnerEmbedder = innerEmbedder;
    }

    /// <summary>Gets the embedder every call goes to.</summary>
    protected IEmbedder InnerEmbedder { get; }

    /// <inheritdoc />
    public virtual string Identity => InnerEmbedder.Identity;

    /// <inheritdoc />
    public virtual EmbedderInfo Info => InnerEmbedder.Info;

    /// <inheritdoc />
    public virtual Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
        InnerEmbedder.EmbedAsync(texts, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerEmbedder.GetService(serviceType, serviceKey);
    }
}

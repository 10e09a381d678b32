namespace Climb;

/// <summary>Turns texts into fixed-length vectors.</summary>
/// <remarks>Implementations must be safe for concurrent use.</remarks>
public interface IEmbedder
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    /// <remarks>The default is <see cref="EmbedderInfo.ModelId"/>, which already names the model and its settings.</remarks>
    string Identity => Info.ModelId;

    /// <summary>Gets what this embedder produces: its model identity and dimension.</summary>
    EmbedderInfo Info { get; }

    /// <summary>Embeds a batch of texts.</summary>
    /// <param name="texts">The texts; none may be <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>One row per text, in order, each <see cref="EmbedderInfo.Dimension"/> long.</returns>
    Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/> that this component is or holds: a capability the
    /// pipeline looks for (such as <see cref="ICorpusFittedEmbedder"/>), or a component a wrapper delegates to.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; the default implementation answers only unkeyed requests.</param>
    /// <returns>The object, or <see langword="null"/>. The default returns this component when it is a
    /// <paramref name="serviceType"/>; <see cref="DelegatingEmbedder"/> asks its inner component next, so capabilities survive wrapping.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}

/// <summary>Describes an embedder's output.</summary>
/// <param name="ModelId">A stable identity of the model and its settings; stores record it so vectors of different models never mix.</param>
/// <param name="Dimension">The length of every vector.</param>
public sealed record EmbedderInfo(string ModelId, int Dimension);

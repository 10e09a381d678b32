namespace Climb;

/// <summary>Draws candidate mixtures over the clusters of a <see cref="MixturePrior"/>.</summary>
public interface IMixtureSampler
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    string Identity { get; }

    /// <summary>
    /// Draws <paramref name="count"/> distinct mixtures. The same prior, count and seed give the same mixtures in the same
    /// order, whatever the number of cores.
    /// </summary>
    /// <param name="prior">The clusters' token shares.</param>
    /// <param name="count">How many mixtures to draw.</param>
    /// <param name="seed">The random seed.</param>
    /// <param name="cancellationToken">Cancels the sampling.</param>
    /// <returns>The mixtures, each with <see cref="MixturePrior.Count"/> weights.</returns>
    IReadOnlyList<MixtureWeights> Sample(MixturePrior prior, int count, int seed, CancellationToken cancellationToken = default);
}

namespace Climb;

/// <summary>
/// A search strategy that trains models on the tokenised clusters itself, besides the proxy runs it asks the search for
/// (for example <c>DoReMiSearchStrategy</c>). Whoever runs the search binds it to the data and a work folder first and
/// searches with the bound strategy that returns; the pipeline does so in its search stage. Binding changes nothing in the
/// unbound strategy, so one instance serves any number of runs.
/// </summary>
public interface IDataBoundSearchStrategy : IMixtureSearchStrategy
{
    /// <summary>Returns a copy of the strategy bound to the data it trains on, with the same <see cref="IMixtureSearchStrategy.Identity"/>; this instance is not changed.</summary>
    /// <param name="data">The tokenised clusters (the same the proxies train on).</param>
    /// <param name="workDirectory">Where the strategy journals and checkpoints its own training, so an interrupted search resumes; <see langword="null"/> keeps nothing.</param>
    /// <param name="baseCheckpointPath">The shared base model every proxy continues from, when there is one; <see langword="null"/> keeps the strategy's own setting.</param>
    /// <param name="progress">Receives the strategy's training progress.</param>
    /// <returns>The bound strategy.</returns>
    IMixtureSearchStrategy Bind(ITokenizedClusters data, string? workDirectory, string? baseCheckpointPath = null, IProgress<ProxyTrainingProgress>? progress = null);
}

namespace Climb;

/// <summary>A proxy trainer that prepares shared state in the search stage's folder before the first proxy runs (for
/// example a base model pre-trained on the uniform mixture that every proxy continues from).</summary>
internal interface IPreparedProxyTrainer : IProxyTrainer
{
    /// <summary>Prepares (or reloads, when a resumed search finds it finished) the shared state.</summary>
    Task PrepareAsync(ITokenizedClusters data, string folder, int seed, Action<string> report, CancellationToken cancellationToken);
}

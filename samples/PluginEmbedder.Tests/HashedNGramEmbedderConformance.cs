using Climb;
using Climb.Testing;

namespace PluginEmbedder.Tests;

/// <summary>Every fact of <see cref="EmbedderConformanceTests"/> against the plugin's embedder.</summary>
public sealed class HashedNGramEmbedderConformance : EmbedderConformanceTests
{
    /// <inheritdoc />
    protected override Task<IEmbedder> CreateEmbedder() => Task.FromResult<IEmbedder>(new HashedNGramEmbedder());

    /// <inheritdoc />
    protected override Task<IEmbedder?> CreateEmbedderWithOtherOptions() => Task.FromResult<IEmbedder?>(new HashedNGramEmbedder(n: 4));
}

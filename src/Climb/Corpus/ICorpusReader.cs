namespace Climb;

/// <summary>Streams the documents of a corpus.</summary>
internal interface ICorpusReader
{
    /// <summary>
    /// Gets what the latest enumeration of <see cref="ReadAsync"/> read and skipped (empty before the first one). It is
    /// updated as the enumeration proceeds and final once it ends.
    /// </summary>
    CorpusReadStatistics Statistics { get; }

    /// <summary>Streams the documents, in a deterministic order. Each enumeration reads the files again.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The documents; empty ones are skipped and counted in <see cref="Statistics"/>.</returns>
    /// <exception cref="CorpusFormatException">A record cannot be read under <see cref="CorpusErrorPolicy.Throw"/>.</exception>
    IAsyncEnumerable<Document> ReadAsync(CancellationToken cancellationToken = default);
}

namespace Climb;

/// <summary>
/// An embedder that is fitted on the corpus it embeds before embedding it (for example SIF, which removes the corpus's
/// common component). The pipeline fits it once on the corpus, saves the fit in the embed stage folder, and embeds
/// every shard, including those of a resumed run, with the same fitted model.
/// </summary>
/// <remarks>The unfitted embedder's <see cref="IEmbedder.Identity"/> together with the corpus determines the fit, so the
/// fit must be a deterministic function of the two.</remarks>
public interface ICorpusFittedEmbedder : IEmbedder
{
    /// <summary>Gets whether the embedder is ready to embed: fitted already, or configured to need no fit.</summary>
    bool IsFitted { get; }

    /// <summary>Fits the embedder on the corpus.</summary>
    /// <param name="corpus">The corpus; read once, to the end.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A fitted embedder; this one is unchanged.</returns>
    Task<ICorpusFittedEmbedder> FitAsync(IAsyncEnumerable<Document> corpus, CancellationToken cancellationToken = default);

    /// <summary>Writes what the fit learned, so that <see cref="LoadFit"/> can recreate this fitted embedder.</summary>
    /// <param name="destination">The stream to write to.</param>
    void SaveFit(Stream destination);

    /// <summary>Recreates a fitted embedder from what <see cref="SaveFit"/> wrote.</summary>
    /// <param name="source">The stream to read from.</param>
    /// <returns>The fitted embedder.</returns>
    /// <exception cref="InvalidDataException">The stream does not hold a fit of this embedder.</exception>
    ICorpusFittedEmbedder LoadFit(Stream source);
}

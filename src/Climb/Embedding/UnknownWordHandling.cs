namespace Climb;

/// <summary>What <see cref="GloveSifEmbedder"/> does with a word that is not in its vocabulary.</summary>
public enum UnknownWordHandling
{
    /// <summary>
    /// The word contributes nothing. A text with no vocabulary word (for example a text in a non-Latin script) becomes
    /// the zero vector, so every such text of a corpus lands in the same cluster.
    /// </summary>
    Ignore = 0,

    /// <summary>
    /// The word contributes a vector built from its hashed character n-grams (3 to 5 characters, with word-boundary
    /// marks, and the whole word), scaled to the typical length of a vocabulary vector and weighted by SIF with the
    /// word's frequency in the fitting sample. Words that share n-grams (inflections, a shared stem, the same language)
    /// get correlated vectors, so texts outside the vocabulary's language cluster by what they say.
    /// </summary>
    HashedCharacterNgrams = 1,
}

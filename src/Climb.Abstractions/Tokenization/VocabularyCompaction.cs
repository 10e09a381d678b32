namespace Climb;

/// <summary>
/// Maps the tokenizer ids that occur in a corpus onto a dense range so that small models do not carry a
/// 100k-row embedding: dense id 0 is UNK (any id not seen in the corpus), dense id 1 is end of text, then the
/// seen ids in increasing order.
/// </summary>
public sealed class VocabularyCompaction
{
    /// <summary>The dense id of every tokenizer id that did not occur in the corpus.</summary>
    public const int UnknownId = 0;

    /// <summary>The dense id of end of text.</summary>
    public const int EndOfTextDenseId = 1;

    private readonly int[] _denseToRaw;
    private readonly int[] _rawToDense;

    /// <summary>Initializes the map from the raw ids kept (excluding end of text), in any order; duplicates are ignored.</summary>
    /// <param name="rawVocabularySize">The tokenizer's vocabulary size.</param>
    /// <param name="endOfTextId">The tokenizer's end-of-text id.</param>
    /// <param name="keptRawIds">The raw ids that get their own dense id.</param>
    public VocabularyCompaction(int rawVocabularySize, int endOfTextId, IEnumerable<int> keptRawIds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rawVocabularySize);
        ArgumentNullException.ThrowIfNull(keptRawIds);
        if ((uint)endOfTextId >= (uint)rawVocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(endOfTextId));
        }

        var kept = new SortedSet<int>();
        foreach (int id in keptRawIds)
        {
            if ((uint)id >= (uint)rawVocabularySize)
            {
                throw new ArgumentOutOfRangeException(nameof(keptRawIds), $"Id {id} is outside the vocabulary of {rawVocabularySize}.");
            }

            if (id != endOfTextId)
            {
                kept.Add(id);
            }
        }

        RawVocabularySize = rawVocabularySize;
        _denseToRaw = new int[kept.Count + 2];
        _denseToRaw[UnknownId] = -1;
        _denseToRaw[EndOfTextDenseId] = endOfTextId;
        kept.CopyTo(_denseToRaw, 2);
        _rawToDense = new int[rawVocabularySize];
        for (int d = 1; d < _denseToRaw.Length; d++)
        {
            _rawToDense[_denseToRaw[d]] = d;
        }
    }

    /// <summary>Gets the tokenizer's vocabulary size.</summary>
    public int RawVocabularySize { get; }

    /// <summary>Gets the dense vocabulary size (kept ids + UNK + end of text).</summary>
    public int DenseVocabularySize => _denseToRaw.Length;

    /// <summary>Maps a tokenizer id to its dense id (<see cref="UnknownId"/> when not kept).</summary>
    /// <param name="rawId">The tokenizer id.</param>
    /// <returns>The dense id.</returns>
    public int ToDense(int rawId) => (uint)rawId < (uint)_rawToDense.Length ? _rawToDense[rawId] : UnknownId;

    /// <summary>Maps a dense id back to the tokenizer id (-1 for UNK).</summary>
    /// <param name="denseId">The dense id.</param>
    /// <returns>The tokenizer id.</returns>
    public int ToRaw(int denseId) => _denseToRaw[denseId];

    /// <summary>Gets the raw ids by dense id (entry 0, UNK, is -1).</summary>
    public ReadOnlySpan<int> DenseToRaw => _denseToRaw;

    internal ReadOnlySpan<int> RawToDenseTable => _rawToDense;
}

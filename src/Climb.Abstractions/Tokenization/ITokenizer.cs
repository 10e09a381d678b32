namespace Climb;

/// <summary>Turns text into token ids and back. Implementations are thread-safe for concurrent <see cref="Encode"/> calls.</summary>
public interface ITokenizer
{
    /// <summary>Gets a stable identity string (for example "byte" or "tiktoken/cl100k_base"); stores record it and refuse a different one.</summary>
    string Identity { get; }

    /// <summary>Gets the number of ids (every id is in [0, VocabularySize)).</summary>
    int VocabularySize { get; }

    /// <summary>Gets the id placed between documents (end of text).</summary>
    int EndOfTextId { get; }

    /// <summary>Appends the ids of <paramref name="text"/> to <paramref name="ids"/> (no end-of-text id is added).</summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">The list the ids are appended to.</param>
    void Encode(string text, List<int> ids);

    /// <summary>Turns ids back into text.</summary>
    /// <param name="ids">The ids.</param>
    /// <returns>The text.</returns>
    string Decode(ReadOnlySpan<int> ids);
}

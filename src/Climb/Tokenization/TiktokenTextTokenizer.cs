using Microsoft.ML.Tokenizers;

namespace Climb;

/// <summary>
/// The tiktoken byte-pair encodings of Microsoft.ML.Tokenizers (cl100k_base of GPT-4, o200k_base of GPT-4o),
/// with their vocabularies from the Microsoft.ML.Tokenizers.Data packages (no download).
/// </summary>
public sealed class TiktokenTextTokenizer : ITokenizer
{
    private readonly TiktokenTokenizer _tokenizer;

    private TiktokenTextTokenizer(TiktokenTokenizer tokenizer, string encodingName)
    {
        _tokenizer = tokenizer;
        Identity = "tiktoken/" + encodingName;
        // tiktoken encodings number their special tokens after every merge rank, so the largest special id bounds the vocabulary.
        int max = 0;
        if (tokenizer.SpecialTokens is not null)
        {
            foreach (var kv in tokenizer.SpecialTokens)
            {
                max = Math.Max(max, kv.Value);
            }
        }

        VocabularySize = max + 1;
        EndOfTextId = tokenizer.SpecialTokens is not null && tokenizer.SpecialTokens.TryGetValue("<|endoftext|>", out int eot)
            ? eot
            : throw new InvalidOperationException($"The {encodingName} encoding has no <|endoftext|> token.");
    }

    /// <summary>Creates the cl100k_base encoding (GPT-4, GPT-3.5).</summary>
    /// <returns>The tokenizer.</returns>
    public static TiktokenTextTokenizer Cl100kBase() => new(TiktokenTokenizer.CreateForEncoding("cl100k_base"), "cl100k_base");

    /// <summary>Creates the o200k_base encoding (GPT-4o).</summary>
    /// <returns>The tokenizer.</returns>
    public static TiktokenTextTokenizer O200kBase() => new(TiktokenTokenizer.CreateForEncoding("o200k_base"), "o200k_base");

    /// <summary>Creates a tokenizer by tiktoken encoding name ("cl100k_base" or "o200k_base").</summary>
    /// <param name="encodingName">The encoding name.</param>
    /// <returns>The tokenizer.</returns>
    public static TiktokenTextTokenizer Create(string encodingName) => encodingName switch
    {
        "cl100k_base" => Cl100kBase(),
        "o200k_base" => O200kBase(),
        _ => throw new ArgumentException($"Unknown tiktoken encoding '{encodingName}'; use cl100k_base or o200k_base.", nameof(encodingName)),
    };

    /// <inheritdoc />
    public string Identity { get; }

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <inheritdoc />
    public int EndOfTextId { get; }

    /// <inheritdoc />
    public void Encode(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ids);
        ids.AddRange(_tokenizer.EncodeToIds(text, considerPreTokenization: true, considerNormalization: true));
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids) => _tokenizer.Decode(ids.ToArray());
}

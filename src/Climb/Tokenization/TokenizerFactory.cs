namespace Climb;

/// <summary>Recreates the built-in tokenizers from their <see cref="ITokenizer.Identity"/> (used when a store or checkpoint is opened).</summary>
internal static class TokenizerFactory
{
    /// <summary>Returns the built-in tokenizer with this identity ("byte", "tiktoken/cl100k_base", "tiktoken/o200k_base").</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>The tokenizer.</returns>
    /// <exception cref="ArgumentException">The identity is not a built-in tokenizer.</exception>
    public static ITokenizer FromIdentity(string identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (identity == "byte")
        {
            return ByteTokenizer.Instance;
        }

        if (identity.StartsWith("tiktoken/", StringComparison.Ordinal))
        {
            return TiktokenTextTokenizer.Create(identity["tiktoken/".Length..]);
        }

        throw new ArgumentException($"'{identity}' is not a built-in tokenizer; pass the tokenizer explicitly.", nameof(identity));
    }
}

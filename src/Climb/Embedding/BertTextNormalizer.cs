using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace Climb;

/// <summary>
/// Hugging Face's BERT normalization (the <c>BertNormalizer</c> of the tokenizers library, which sentence-transformers
/// models run): drop NUL, U+FFFD and "other" characters (Cc, Cf, Cn, Co, Cs) except tab, line feed and carriage return;
/// turn those three and every space, line or paragraph separator into a space; put spaces around CJK ideographs; then,
/// for uncased models, decompose (NFD) and drop non-spacing marks, and lower-case character by character.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' own BERT normalizer differs in ways that change token ids on ordinary text, so it is
/// replaced by this one: it deletes tab and line feed (joining the words on either side of a line break), keeps format
/// characters such as U+200B and U+00AD, lower-cases only upper-case letters, and recomposes its output (NFC), which
/// turns the decomposed Hangul that the vocabulary has into syllables it does not. Measured against a reference
/// tokenizer in tests/Climb.Tests/Embedding/MiniLm.
/// </remarks>
internal sealed class BertTextNormalizer(bool lowerCase) : Normalizer
{
    /// <inheritdoc />
    public override string Normalize(string original) => Normalize(original.AsSpan());

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original)
    {
        if (original.IsEmpty)
        {
            return string.Empty;
        }

        var cleaned = new StringBuilder(original.Length + 8);
        bool ascii = true;
        foreach (Rune rune in original.EnumerateRunes())
        {
            int cp = rune.Value;
            if (cp < 0x80)
            {
                // The common case: printable ASCII as it is, tab/LF/CR as spaces, other controls dropped.
                if (cp is '\t' or '\n' or '\r' or ' ')
                {
                    cleaned.Append(' ');
                }
                else if (cp >= 0x20 && cp != 0x7F)
                {
                    cleaned.Append((char)cp);
                }

                continue;
            }

            ascii = false;
            if (cp == 0xFFFD)
            {
                continue;
            }

            var category = Rune.GetUnicodeCategory(rune);
            switch (category)
            {
                case UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate:
                    continue;
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    cleaned.Append(' ');
                    continue;
            }

            if (IsCjk(cp))
            {
                cleaned.Append(' ').Append(rune.ToString()).Append(' ');
            }
            else
            {
                cleaned.Append(rune.ToString());
            }
        }

        if (!lowerCase)
        {
            return cleaned.ToString();
        }

        string text = cleaned.ToString();
        if (ascii)
        {
            return text.ToLowerInvariant();
        }

        string decomposed = text.Normalize(NormalizationForm.FormD);
        var result = new StringBuilder(decomposed.Length);
        foreach (Rune rune in decomposed.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
            {
                result.Append(Rune.ToLowerInvariant(rune).ToString());
            }
        }

        return result.ToString();
    }

    /// <summary>The CJK Unified Ideographs blocks (and compatibility ideographs) that BERT tokenizes one by one.</summary>
    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}

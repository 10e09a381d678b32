using System.Globalization;
using System.Text;

namespace Climb;

/// <summary>
/// Splits text into GloVe vocabulary entries without allocating on the common path: lower-cased runs of
/// letters and digits, joined by inner hyphens or apostrophes; English clitics are expanded
/// ("don't" → do not, "we'll" → we will, "John's" → john); a hyphenated compound missing from the
/// vocabulary falls back to its parts; accented letters missing from it fall back to their base letters.
/// </summary>
internal static class SifTokenizer
{
    /// <summary>Words longer than this are never in the vocabulary and count as unknown.</summary>
    internal const int MaxWordLength = 48;

    /// <summary>Appends the vocabulary indices of the words of <paramref name="text"/> to <paramref name="ids"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="lookup">The vocabulary.</param>
    /// <param name="ids">Receives the indices of the known words.</param>
    /// <param name="unknown">Receives every word with a letter that is not in the vocabulary (words over <see cref="MaxWordLength"/> characters excepted), or <see langword="null"/>.</param>
    /// <returns>The number of words seen, known or not.</returns>
    public static int Tokenize(ReadOnlySpan<char> text, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<int> ids, UnknownWordSink? unknown = null)
    {
        Span<char> buffer = stackalloc char[MaxWordLength];
        int words = 0;
        int i = 0;
        while (i < text.Length)
        {
            if (!char.IsLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }

            int length = 0;
            bool tooLong = false;
            bool nonAscii = false;
            while (i < text.Length)
            {
                char c = text[i];
                char put;
                if (char.IsLetterOrDigit(c))
                {
                    put = char.ToLowerInvariant(c);
                    nonAscii |= c > 127;
                }
                else if ((c == '-' || c == '\'' || c == '\u2019') && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1]))
                {
                    put = c == '-' ? '-' : '\'';
                }
                else if (c >= '\u0300' && CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                {
                    // A combining accent inside a word: drop it (decomposed "é" reads as "e").
                    i++;
                    continue;
                }
                else
                {
                    break;
                }

                if (length < buffer.Length)
                {
                    buffer[length++] = put;
                }
                else
                {
                    tooLong = true;
                }

                i++;
            }

            if (tooLong)
            {
                words++;
                continue;
            }

            words += Word(buffer[..length], nonAscii, lookup, ids, unknown);
        }

        return words;
    }

    private static int Word(ReadOnlySpan<char> word, bool nonAscii, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<int> ids, UnknownWordSink? unknown)
    {
        int apostrophe = word.LastIndexOf('\'');
        if (apostrophe < 0)
        {
            return Compound(word, nonAscii, lookup, ids, unknown);
        }

        ReadOnlySpan<char> stem = word[..apostrophe];
        ReadOnlySpan<char> suffix = word[(apostrophe + 1)..];
        string? expansion = suffix switch
        {
            "s" => string.Empty,
            "m" => "am",
            "ll" => "will",
            "re" => "are",
            "ve" => "have",
            "d" => "would",
            "t" when stem.Length > 1 && stem[^1] == 'n' => "not",
            _ => null,
        };
        if (expansion is null)
        {
            // Not a clitic (o'brien, rock'n'roll): the parts are separate words.
            int count = 0;
            foreach (Range part in word.Split('\''))
            {
                count += Compound(word[part], nonAscii, lookup, ids, unknown);
            }

            return count;
        }

        int seen = 0;
        if (expansion == "not")
        {
            ReadOnlySpan<char> verb = stem[..^1];
            ReadOnlySpan<char> full = verb switch
            {
                "ca" => "can",
                "wo" => "will",
                "sha" => "shall",
                "ai" => "is",
                _ => verb,
            };
            seen += full.IndexOf('\'') >= 0 ? Word(full, nonAscii, lookup, ids, unknown) : Compound(full, nonAscii, lookup, ids, unknown);
        }
        else
        {
            seen += Word(stem, nonAscii, lookup, ids, unknown);
        }

        if (expansion.Length > 0)
        {
            seen += Simple(expansion, nonAscii: false, lookup, ids, unknown);
        }

        return seen;
    }

    private static int Compound(ReadOnlySpan<char> word, bool nonAscii, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<int> ids, UnknownWordSink? unknown)
    {
        if (word.IsEmpty)
        {
            return 0;
        }

        if (word.IndexOf('-') < 0 || !lookup.TryGetValue(word, out int id))
        {
            if (word.IndexOf('-') < 0)
            {
                return Simple(word, nonAscii, lookup, ids, unknown);
            }

            int count = 0;
            foreach (Range part in word.Split('-'))
            {
                count += Simple(word[part], nonAscii, lookup, ids, unknown);
            }

            return count;
        }

        ids.Add(id);
        return 1;
    }

    private static int Simple(ReadOnlySpan<char> word, bool nonAscii, Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> lookup, List<int> ids, UnknownWordSink? unknown)
    {
        if (word.IsEmpty)
        {
            return 0;
        }

        if (lookup.TryGetValue(word, out int id))
        {
            ids.Add(id);
        }
        else if (nonAscii && lookup.TryGetValue(FoldAccents(word), out id))
        {
            ids.Add(id);
        }
        else if (unknown is not null && HasLetter(word))
        {
            unknown.Add(word);
        }

        return 1;
    }

    private static bool HasLetter(ReadOnlySpan<char> word)
    {
        foreach (char c in word)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    private static string FoldAccents(ReadOnlySpan<char> word)
    {
        string decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        var sb = new StringBuilder(decomposed.Length);
        foreach (char c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}

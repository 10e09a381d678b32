using System.Buffers;

namespace Climb;

/// <summary>
/// The word-level part of <see cref="ContentEvidence"/> (technical terms, proper nouns, long sentences), fed token by
/// token by <see cref="TextAnalyzer"/>'s word pass so the text is split into words once.
/// </summary>
internal struct WordEvidence
{
    /// <summary>Quotes, brackets and punctuation around a word.</summary>
    private static readonly SearchValues<char> TrimmedCharacters = SearchValues.Create("\"'()[]{}«»“”‘’,;:.!?¡¿-—–*");

    private int _sentenceWords;

    public WordEvidence()
    {
        SentenceStart = true;
    }

    /// <summary>Gets or sets a value indicating whether the next word starts a sentence (set by the caller at a blank line).</summary>
    public bool SentenceStart { get; set; }

    /// <summary>Gets the number of acronyms and technical tokens (TCP, x86, H2O, snake_case, file.ext).</summary>
    public int TechnicalTerms { get; private set; }

    /// <summary>Gets the number of capitalised words that do not start a sentence.</summary>
    public int ProperNouns { get; private set; }

    /// <summary>Gets the number of sentences of at least eight words.</summary>
    public int LongSentences { get; private set; }

    /// <summary>Counts one white-space-delimited token.</summary>
    public void Add(ReadOnlySpan<char> token)
    {
        var first = token.IndexOfAnyExcept(TrimmedCharacters);
        var core = first < 0 ? default : token[first..(token.LastIndexOfAnyExcept(TrimmedCharacters) + 1)];
        if (!core.IsEmpty && char.IsLetter(core[0]))
        {
            _sentenceWords++;
            if (IsTechnical(core))
            {
                TechnicalTerms++;
            }
            else if (!SentenceStart && char.IsUpper(core[0]) && core.Length > 1 && char.IsLower(core[1]))
            {
                ProperNouns++;
            }
        }

        SentenceStart = false;
        var last = token[^1];
        if (last is '.' or '!' or '?' or '…' or ':' or ';' or '。' or '！' or '？')
        {
            if (_sentenceWords >= 8)
            {
                LongSentences++;
            }

            _sentenceWords = 0;
            SentenceStart = last is not ';';
        }
    }

    /// <summary>Closes the last sentence.</summary>
    public void End()
    {
        if (_sentenceWords >= 8)
        {
            LongSentences++;
        }

        _sentenceWords = 0;
    }

    private static bool IsTechnical(ReadOnlySpan<char> word)
    {
        if (word.Length < 2 || word.Length > 30)
        {
            return false;
        }

        int upper = 0, lower = 0, digits = 0, joiners = 0;
        foreach (var c in word)
        {
            if (char.IsUpper(c))
            {
                upper++;
            }
            else if (char.IsLower(c))
            {
                lower++;
            }
            else if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (c is '_' or '.' or '/' or '+' or '#')
            {
                joiners++;
            }
        }

        var letters = upper + lower;
        return (upper >= 2 && lower == 0 && word.Length <= 6 && letters >= 2) // acronym: TCP, HTML5
            || (digits > 0 && letters > 0) // x86, H2O, IPv6
            || (joiners > 0 && letters >= 2 && word[^1] != '.' && char.IsLetterOrDigit(word[^1])) // snake_case, file.ext, C++ (trimmed), a/b
            || (upper >= 1 && lower >= 1 && char.IsLower(word[0]) && upper < letters); // camelCase, iPhone
    }
}

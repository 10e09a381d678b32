namespace Climb;

/// <summary>The writing systems Lingua's rules distinguish (its internal <c>Alphabet</c> enumeration, plus
/// <see cref="None"/> for every other script), as used by <see cref="TrigramLanguageDetector"/>.</summary>
internal enum LinguaAlphabet : byte
{
    /// <summary>Any other script (Common, Inherited, unassigned …).</summary>
    None,
    Arabic,
    Armenian,
    Bengali,
    Cyrillic,
    Devanagari,
    Ethiopic,
    Georgian,
    Greek,
    Gujarati,
    Gurmukhi,
    Han,
    Hangul,
    Hebrew,
    Hiragana,
    Katakana,
    Latin,
    Sinhala,
    Tamil,
    Telugu,
    Thai,
}

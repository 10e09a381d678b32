using System.Collections.Frozen;
using Lingua;

namespace Climb;

/// <summary>
/// The script and character tables behind Lingua's rule engine (SearchPioneer.Lingua 2.0.0, Apache-2.0), in the form
/// <see cref="TrigramLanguageDetector"/> needs them: the alphabet of every UTF-16 code unit (computed once from Lingua's
/// own <see cref="UnicodeScriptInfo.GetScript(char)"/>), the alphabets of each language, and the characters that narrow
/// a text down to a few languages.
/// </summary>
internal static class LinguaScriptTables
{
    private static readonly Lazy<LinguaAlphabet[]> AlphabetTable = new(BuildAlphabetTable, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets Lingua's <c>CharsToLanguagesMapping</c>: characters shared by only a few languages. When at least
    /// half of a text's words contain such characters, only those languages stay candidates.</summary>
    public static IReadOnlyList<(string Characters, Language[] Languages)> CharsToLanguages { get; } =
    [
        ("Ãã", [Language.Portuguese, Language.Vietnamese]),
        ("ĄąĘę", [Language.Lithuanian, Language.Polish]),
        ("Żż", [Language.Polish, Language.Romanian]),
        ("Îî", [Language.French, Language.Romanian]),
        ("Ññ", [Language.Basque, Language.Spanish]),
        ("ŇňŤť", [Language.Czech, Language.Slovak]),
        ("Ăă", [Language.Romanian, Language.Vietnamese]),
        ("İıĞğ", [Language.Azerbaijani, Language.Turkish]),
        ("ЈјЉљЊњ", [Language.Macedonian, Language.Serbian]),
        ("ẸẹỌọ", [Language.Vietnamese, Language.Yoruba]),
        ("ÐðÞþ", [Language.Icelandic, Language.Turkish]),
        ("Ûû", [Language.French, Language.Hungarian]),
        ("Ōō", [Language.Maori, Language.Yoruba]),
        ("ӨөҮү", [Language.Kazakh, Language.Mongolian]),
        ("ĀāĒēĪī", [Language.Latvian, Language.Maori, Language.Yoruba]),
        ("Şş", [Language.Azerbaijani, Language.Romanian, Language.Turkish]),
        ("Ďď", [Language.Czech, Language.Romanian, Language.Slovak]),
        ("Ćć", [Language.Bosnian, Language.Croatian, Language.Polish]),
        ("Đđ", [Language.Bosnian, Language.Croatian, Language.Vietnamese]),
        ("Іі", [Language.Belarusian, Language.Kazakh, Language.Ukrainian]),
        ("Ìì", [Language.Italian, Language.Vietnamese, Language.Yoruba]),
        ("Øø", [Language.Bokmal, Language.Danish, Language.Nynorsk]),
        ("Ūū", [Language.Latvian, Language.Lithuanian, Language.Maori, Language.Yoruba]),
        ("Ëë", [Language.Afrikaans, Language.Albanian, Language.Dutch, Language.French]),
        ("ÈèÙù", [Language.French, Language.Italian, Language.Vietnamese, Language.Yoruba]),
        ("Êê", [Language.Afrikaans, Language.French, Language.Portuguese, Language.Vietnamese]),
        ("Õõ", [Language.Estonian, Language.Hungarian, Language.Portuguese, Language.Vietnamese]),
        ("Ôô", [Language.French, Language.Portuguese, Language.Slovak, Language.Vietnamese]),
        ("ЁёЫыЭэ", [Language.Belarusian, Language.Kazakh, Language.Mongolian, Language.Russian]),
        ("ЩщЪъ", [Language.Bulgarian, Language.Kazakh, Language.Mongolian, Language.Russian]),
        ("Òò", [Language.Catalan, Language.Italian, Language.Vietnamese, Language.Yoruba]),
        ("Ææ", [Language.Bokmal, Language.Danish, Language.Icelandic, Language.Nynorsk]),
        ("Åå", [Language.Bokmal, Language.Danish, Language.Nynorsk, Language.Swedish]),
        ("Ýý", [Language.Czech, Language.Icelandic, Language.Slovak, Language.Turkish, Language.Vietnamese]),
        ("Ää", [Language.Estonian, Language.Finnish, Language.German, Language.Slovak, Language.Swedish]),
        ("Àà", [Language.Catalan, Language.French, Language.Italian, Language.Portuguese, Language.Vietnamese]),
        ("Ââ", [Language.French, Language.Portuguese, Language.Romanian, Language.Turkish, Language.Vietnamese]),
        ("Üü", [Language.Azerbaijani, Language.Catalan, Language.Estonian, Language.German, Language.Hungarian, Language.Spanish, Language.Turkish]),
        ("ČčŠšŽž", [Language.Bosnian, Language.Czech, Language.Croatian, Language.Latvian, Language.Lithuanian, Language.Slovak, Language.Slovene]),
        ("Çç", [Language.Albanian, Language.Azerbaijani, Language.Basque, Language.Catalan, Language.French, Language.Portuguese, Language.Turkish]),
        ("Öö", [Language.Azerbaijani, Language.Estonian, Language.Finnish, Language.German, Language.Hungarian, Language.Icelandic, Language.Swedish, Language.Turkish]),
        ("Óó", [Language.Catalan, Language.Hungarian, Language.Icelandic, Language.Irish, Language.Polish, Language.Portuguese, Language.Slovak, Language.Spanish, Language.Vietnamese, Language.Yoruba]),
        ("ÁáÍíÚú", [Language.Catalan, Language.Czech, Language.Icelandic, Language.Irish, Language.Hungarian, Language.Portuguese, Language.Slovak, Language.Spanish, Language.Vietnamese, Language.Yoruba]),
        ("Éé", [Language.Catalan, Language.Czech, Language.French, Language.Hungarian, Language.Icelandic, Language.Irish, Language.Italian, Language.Portuguese, Language.Slovak, Language.Spanish, Language.Vietnamese, Language.Yoruba]),
    ];

    /// <summary>Gets the alphabets of the languages not written in Latin script (every other language is Latin only).</summary>
    private static FrozenDictionary<Language, LinguaAlphabet[]> NonLatinAlphabets { get; } = new Dictionary<Language, LinguaAlphabet[]>
    {
        [Language.Amharic] = [LinguaAlphabet.Ethiopic],
        [Language.Arabic] = [LinguaAlphabet.Arabic],
        [Language.Armenian] = [LinguaAlphabet.Armenian],
        [Language.Belarusian] = [LinguaAlphabet.Cyrillic],
        [Language.Bengali] = [LinguaAlphabet.Bengali],
        [Language.Bulgarian] = [LinguaAlphabet.Cyrillic],
        [Language.Chinese] = [LinguaAlphabet.Han],
        [Language.Georgian] = [LinguaAlphabet.Georgian],
        [Language.Greek] = [LinguaAlphabet.Greek],
        [Language.Gujarati] = [LinguaAlphabet.Gujarati],
        [Language.Hebrew] = [LinguaAlphabet.Hebrew],
        [Language.Hindi] = [LinguaAlphabet.Devanagari],
        [Language.Japanese] = [LinguaAlphabet.Hiragana, LinguaAlphabet.Katakana, LinguaAlphabet.Han],
        [Language.Kazakh] = [LinguaAlphabet.Cyrillic],
        [Language.Korean] = [LinguaAlphabet.Hangul],
        [Language.Macedonian] = [LinguaAlphabet.Cyrillic],
        [Language.Marathi] = [LinguaAlphabet.Devanagari],
        [Language.Mongolian] = [LinguaAlphabet.Cyrillic],
        [Language.Persian] = [LinguaAlphabet.Arabic],
        [Language.Punjabi] = [LinguaAlphabet.Gurmukhi],
        [Language.Russian] = [LinguaAlphabet.Cyrillic],
        [Language.Serbian] = [LinguaAlphabet.Cyrillic],
        [Language.Sinhala] = [LinguaAlphabet.Sinhala],
        [Language.Tamil] = [LinguaAlphabet.Tamil],
        [Language.Telugu] = [LinguaAlphabet.Telugu],
        [Language.Thai] = [LinguaAlphabet.Thai],
        [Language.Tigrinya] = [LinguaAlphabet.Ethiopic],
        [Language.Ukrainian] = [LinguaAlphabet.Cyrillic],
        [Language.Urdu] = [LinguaAlphabet.Arabic],
    }.ToFrozenDictionary();

    private static readonly LinguaAlphabet[] LatinOnly = [LinguaAlphabet.Latin];

    /// <summary>Gets the alphabet of a UTF-16 code unit (<see cref="LinguaAlphabet.None"/> for every other script).</summary>
    public static LinguaAlphabet AlphabetOf(char c) => AlphabetTable.Value[c];

    /// <summary>Gets the table behind <see cref="AlphabetOf(char)"/> (65,536 entries).</summary>
    public static LinguaAlphabet[] Alphabets => AlphabetTable.Value;

    /// <summary>Gets the alphabets a language is written in (Lingua's <c>Language.Alphabets()</c>).</summary>
    public static IReadOnlyList<LinguaAlphabet> AlphabetsOf(Language language) =>
        NonLatinAlphabets.TryGetValue(language, out var alphabets) ? alphabets : LatinOnly;

    /// <summary>Gets the alphabets that exactly one of Lingua's languages uses (their characters identify the language
    /// outright), with that language.</summary>
    public static IReadOnlyDictionary<LinguaAlphabet, Language> OneLanguageAlphabets { get; } = BuildOneLanguageAlphabets();

    /// <summary>Gets a value indicating whether an alphabet is written with logograms (each character is a word for
    /// Lingua's rules: the alphabets of Chinese, Japanese and Korean).</summary>
    public static bool IsLogogramAlphabet(LinguaAlphabet alphabet) =>
        alphabet is LinguaAlphabet.Han or LinguaAlphabet.Hiragana or LinguaAlphabet.Katakana or LinguaAlphabet.Hangul;

    private static Dictionary<LinguaAlphabet, Language> BuildOneLanguageAlphabets()
    {
        var result = new Dictionary<LinguaAlphabet, Language>();
        foreach (var alphabet in Enum.GetValues<LinguaAlphabet>())
        {
            if (alphabet == LinguaAlphabet.None)
            {
                continue;
            }

            var languages = LanguageInfo.All().Where(l => AlphabetsOf(l).Contains(alphabet)).ToList();
            if (languages.Count == 1)
            {
                result[alphabet] = languages[0];
            }
        }

        return result;
    }

    private static LinguaAlphabet[] BuildAlphabetTable()
    {
        var byScript = new Dictionary<UnicodeScript, LinguaAlphabet>
        {
            [UnicodeScript.Arabic] = LinguaAlphabet.Arabic,
            [UnicodeScript.Armenian] = LinguaAlphabet.Armenian,
            [UnicodeScript.Bengali] = LinguaAlphabet.Bengali,
            [UnicodeScript.Cyrillic] = LinguaAlphabet.Cyrillic,
            [UnicodeScript.Devanagari] = LinguaAlphabet.Devanagari,
            [UnicodeScript.Ethiopic] = LinguaAlphabet.Ethiopic,
            [UnicodeScript.Georgian] = LinguaAlphabet.Georgian,
            [UnicodeScript.Greek] = LinguaAlphabet.Greek,
            [UnicodeScript.Gujarati] = LinguaAlphabet.Gujarati,
            [UnicodeScript.Gurmukhi] = LinguaAlphabet.Gurmukhi,
            [UnicodeScript.Han] = LinguaAlphabet.Han,
            [UnicodeScript.Hangul] = LinguaAlphabet.Hangul,
            [UnicodeScript.Hebrew] = LinguaAlphabet.Hebrew,
            [UnicodeScript.Hiragana] = LinguaAlphabet.Hiragana,
            [UnicodeScript.Katakana] = LinguaAlphabet.Katakana,
            [UnicodeScript.Latin] = LinguaAlphabet.Latin,
            [UnicodeScript.Sinhala] = LinguaAlphabet.Sinhala,
            [UnicodeScript.Tamil] = LinguaAlphabet.Tamil,
            [UnicodeScript.Telugu] = LinguaAlphabet.Telugu,
            [UnicodeScript.Thai] = LinguaAlphabet.Thai,
        };
        var table = new LinguaAlphabet[char.MaxValue + 1];
        for (var c = 0; c <= char.MaxValue; c++)
        {
            table[c] = byScript.GetValueOrDefault(((char)c).GetScript(), LinguaAlphabet.None);
        }

        return table;
    }
}

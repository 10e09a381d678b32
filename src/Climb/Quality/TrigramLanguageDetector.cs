using System.Buffers;
using System.Collections.Frozen;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Text;
using Lingua;

namespace Climb;

/// <summary>
/// Lingua's low-accuracy language detection (SearchPioneer.Lingua 2.0.0, <c>WithLowAccuracyMode()</c>) reimplemented
/// for throughput over the same models and rules: the same text clean-up, the same rules (alphabets that identify one
/// language, characters unique to a language, the alphabet and character filters), then the same sum of trigram
/// log-probabilities with back-off, over <see cref="TrigramLanguageModel"/>'s packed tables instead of one dictionary
/// lookup per language and trigram. No allocation per text below 512 characters; safe for concurrent use.
/// </summary>
/// <remarks>Sums are accumulated in single precision (Lingua uses double), so a text whose two best languages score
/// within about 10⁻³ nats of each other may be decided differently; tests measure the agreement with Lingua.</remarks>
[SkipLocalsInit]
internal sealed class TrigramLanguageDetector
{
    private const int StackChars = 512;

    private readonly TrigramLanguageModel _model;
    private readonly int _count;
    private readonly int _chineseSlot;
    private readonly int _japaneseSlot;
    private readonly int[] _oneLanguageSlots;
    private readonly UInt128[] _languagesByAlphabet;
    private readonly FrozenDictionary<char, int[]> _uniqueCharacterSlots;
    private readonly FrozenDictionary<char, UInt128[]> _mappingMasks;
    private readonly UInt128 _all;

    /// <summary>Initializes a new instance of the <see cref="TrigramLanguageDetector"/> class.</summary>
    /// <param name="model">The models of the candidate languages (at most 126).</param>
    public TrigramLanguageDetector(TrigramLanguageModel model)
    {
        _model = model;
        var languages = model.Languages;
        _count = languages.Count;
        if (_count > 126)
        {
            throw new ArgumentOutOfRangeException(nameof(model), _count, "At most 126 candidate languages are supported.");
        }

        var index = languages.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        _all = _count == 128 ? UInt128.MaxValue : (UInt128.One << _count) - 1;

        // Word slots of the rule engine: the candidates, then Chinese and Japanese when they are not candidates (Lingua
        // counts them in every word, but only a candidate can win).
        _chineseSlot = index.GetValueOrDefault(Language.Chinese, _count);
        _japaneseSlot = index.GetValueOrDefault(Language.Japanese, _count + 1);

        var alphabetCount = Enum.GetValues<LinguaAlphabet>().Length;
        _oneLanguageSlots = new int[alphabetCount];
        Array.Fill(_oneLanguageSlots, -1);
        foreach (var (alphabet, language) in LinguaScriptTables.OneLanguageAlphabets)
        {
            if (index.TryGetValue(language, out var slot))
            {
                _oneLanguageSlots[(int)alphabet] = slot;
            }
        }

        _languagesByAlphabet = new UInt128[alphabetCount];
        for (var i = 0; i < _count; i++)
        {
            foreach (var alphabet in LinguaScriptTables.AlphabetsOf(languages[i]))
            {
                _languagesByAlphabet[(int)alphabet] |= UInt128.One << i;
            }
        }

        var unique = new Dictionary<char, List<int>>();
        for (var i = 0; i < _count; i++)
        {
            foreach (var c in LanguageInfo.UniqueCharacters(languages[i]) ?? string.Empty)
            {
                if (!unique.TryGetValue(c, out var slots))
                {
                    unique[c] = slots = [];
                }

                slots.Add(i);
            }
        }

        _uniqueCharacterSlots = unique.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());

        var mapping = new Dictionary<char, List<UInt128>>();
        foreach (var (characters, mapped) in LinguaScriptTables.CharsToLanguages)
        {
            UInt128 mask = 0;
            foreach (var language in mapped)
            {
                if (index.TryGetValue(language, out var slot))
                {
                    mask |= UInt128.One << slot;
                }
            }

            foreach (var c in characters)
            {
                if (!mapping.TryGetValue(c, out var masks))
                {
                    mapping[c] = masks = [];
                }

                masks.Add(mask);
            }
        }

        _mappingMasks = mapping.ToFrozenDictionary(p => p.Key, p => p.Value.ToArray());
        if (_uniqueCharacterSlots.Keys.Concat(_mappingMasks.Keys).Any(c => c < 0x80))
        {
            throw new InvalidOperationException("Lingua's rule characters are expected outside ASCII.");
        }
    }

    /// <summary>Gets the candidate languages (the indices <see cref="Detect"/> returns).</summary>
    public IReadOnlyList<Language> Languages => _model.Languages;

    /// <summary>Detects the language of a text as Lingua's low-accuracy mode does.</summary>
    /// <param name="text">The text (Lingua reads all of it; callers pass a prefix).</param>
    /// <returns>The index of the language in <see cref="Languages"/>, or -1 when undetermined.</returns>
    public int Detect(ReadOnlySpan<char> text)
    {
        if (_count == 1)
        {
            return 0; // Lingua returns its only candidate for any text.
        }

        char[]? rented = null;
        var buffer = text.Length <= StackChars ? stackalloc char[StackChars] : (rented = ArrayPool<char>.Shared.Rent(text.Length));
        try
        {
            var clean = buffer[..CleanUp(text, buffer)];
            return HasLetter(clean) ? DetectCleaned(clean) : -1;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool HasLetter(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Lingua's <c>CleanUpInputText</c>: trim, lower-case, drop punctuation and numbers, collapse white space.</summary>
    internal static int CleanUp(ReadOnlySpan<char> text, Span<char> output)
    {
        int start = 0, end = text.Length;
        while (start < end && char.IsWhiteSpace(text[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var n = 0;
        var space = false;
        for (var j = start; j < end; j++)
        {
            var c = text[j];
            if (char.IsWhiteSpace(c))
            {
                space = true;
                continue;
            }

            if (char.IsHighSurrogate(c) && j + 1 < end && char.IsLowSurrogate(text[j + 1]))
            {
                var rune = Rune.ToLowerInvariant(new Rune(c, text[j + 1]));
                if (space)
                {
                    output[n++] = ' ';
                    space = false;
                }

                n += rune.EncodeToUtf16(output[n..]);
                j++;
                continue;
            }

            var lower = char.ToLowerInvariant(c);
            if (!char.IsPunctuation(lower) && !char.IsNumber(lower))
            {
                if (space)
                {
                    output[n++] = ' ';
                    space = false;
                }

                output[n++] = lower;
            }
        }

        if (space)
        {
            output[n++] = ' ';
        }

        return n;
    }

    private int DetectCleaned(ReadOnlySpan<char> text)
    {
        var alphabets = LinguaScriptTables.Alphabets;
        var slots = _count + 2;
        Span<int> wordCounts = stackalloc int[slots];
        Span<int> totals = stackalloc int[_count + 1]; // the candidates, then "unknown"
        Span<int> mappingCounts = stackalloc int[_count];
        Span<int> alphabetChars = stackalloc int[32];
        Span<byte> alphabetOrder = stackalloc byte[32];
        wordCounts.Clear();
        totals.Clear();
        mappingCounts.Clear();
        alphabetChars.Clear();
        var alphabetsSeen = 0;
        var words = 0;

        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == ' ')
            {
                i++;
                continue;
            }

            // A word runs to the next space; a logogram (Han, kana, Hangul) is a word of its own.
            var start = i;
            if (LinguaScriptTables.IsLogogramAlphabet(alphabets[text[i]]))
            {
                i++;
            }
            else
            {
                while (i < text.Length && text[i] != ' ' && !LinguaScriptTables.IsLogogramAlphabet(alphabets[text[i]]))
                {
                    i++;
                }
            }

            var word = text[start..i];
            words++;
            CountWord(word, alphabets, wordCounts, totals, mappingCounts, alphabetChars, alphabetOrder, ref alphabetsSeen);
        }

        var ruled = DecideByRules(totals, words);
        if (ruled != -2)
        {
            return ruled;
        }

        var filtered = Filter(alphabetChars, alphabetOrder[..alphabetsSeen], mappingCounts, words);
        if (UInt128.PopCount(filtered) == 1)
        {
            return (int)UInt128.TrailingZeroCount(filtered);
        }

        return text.Length < 3 || filtered == 0 ? -1 : ScoreTrigrams(text, filtered);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void CountWord(
        ReadOnlySpan<char> word,
        LinguaAlphabet[] alphabets,
        Span<int> wordCounts,
        Span<int> totals,
        Span<int> mappingCounts,
        Span<int> alphabetChars,
        Span<byte> alphabetOrder,
        ref int alphabetsSeen)
    {
        var uniform = alphabets[word[0]];
        var touched = 0;
        for (var k = 0; k < word.Length; k++)
        {
            var c = word[k];
            var alphabet = alphabets[c];
            if (alphabet != uniform)
            {
                uniform = LinguaAlphabet.None;
            }

            if (c < 0x80)
            {
                continue; // ASCII: Latin or common, never a rule character
            }

            // DetectLanguageWithRules: which languages this character points to.
            var slot = _oneLanguageSlots[(int)alphabet];
            if (slot >= 0)
            {
                touched += Touch(wordCounts, slot);
            }
            else if (alphabet == LinguaAlphabet.Han)
            {
                touched += Touch(wordCounts, _chineseSlot);
            }
            else if (alphabet is LinguaAlphabet.Hiragana or LinguaAlphabet.Katakana)
            {
                touched += Touch(wordCounts, _japaneseSlot);
            }
            else if (alphabet is LinguaAlphabet.Latin or LinguaAlphabet.Cyrillic or LinguaAlphabet.Devanagari
                && _uniqueCharacterSlots.TryGetValue(c, out var unique))
            {
                foreach (var s in unique)
                {
                    touched += Touch(wordCounts, s);
                }
            }

            // FilterLanguagesByRules: characters shared by a few languages, once per word and character.
            if (_mappingMasks.TryGetValue(c, out var masks) && !word[..k].Contains(c))
            {
                foreach (var mask in masks)
                {
                    var m = mask;
                    while (m != 0)
                    {
                        mappingCounts[(int)UInt128.TrailingZeroCount(m)]++;
                        m &= m - 1;
                    }
                }
            }
        }

        if (uniform != LinguaAlphabet.None)
        {
            if (alphabetChars[(int)uniform] == 0)
            {
                alphabetOrder[alphabetsSeen++] = (byte)uniform;
            }

            alphabetChars[(int)uniform] += word.Length;
        }

        if (touched == 0)
        {
            totals[_count]++;
            return;
        }

        // The word's language: its only one, or its clear majority, when that is a candidate.
        int best = -1, bestCount = 0, second = 0;
        for (var s = 0; s < wordCounts.Length; s++)
        {
            var n = wordCounts[s];
            if (n > bestCount)
            {
                second = bestCount;
                bestCount = n;
                best = s;
            }
            else if (n > second)
            {
                second = n;
            }
        }

        wordCounts.Clear();
        totals[best < _count && (touched == 1 || bestCount > second) ? best : _count]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Touch(Span<int> counts, int slot) => counts[slot]++ == 0 ? 1 : 0;

    /// <summary>Lingua's <c>DetectLanguageWithRules</c> after the words were counted: -2 when the rules do not decide.</summary>
    private int DecideByRules(Span<int> totals, int words)
    {
        if (totals[_count] < 0.5 * words)
        {
            totals[_count] = 0;
        }

        int keys = 0, best = -1, bestCount = 0, second = 0;
        for (var s = 0; s < totals.Length; s++)
        {
            var n = totals[s];
            if (n == 0)
            {
                continue;
            }

            keys++;
            if (n > bestCount)
            {
                second = bestCount;
                bestCount = n;
                best = s;
            }
            else if (n > second)
            {
                second = n;
            }
        }

        int result;
        if (keys == 0)
        {
            return -2;
        }
        else if (keys == 1)
        {
            result = best;
        }
        else if (keys == 2 && _chineseSlot < _count && _japaneseSlot < _count && totals[_chineseSlot] > 0 && totals[_japaneseSlot] > 0)
        {
            result = _japaneseSlot;
        }
        else
        {
            result = bestCount == second ? _count : best;
        }

        return result == _count ? -2 : result;
    }

    /// <summary>Lingua's <c>FilterLanguagesByRules</c>: the candidates of the text's main alphabet, narrowed by the
    /// characters shared by a few languages when at least half of the words hold them.</summary>
    private UInt128 Filter(Span<int> alphabetChars, ReadOnlySpan<byte> alphabetOrder, Span<int> mappingCounts, int words)
    {
        if (alphabetOrder.Length == 0)
        {
            return _all;
        }

        var allEqual = true;
        var mostFrequent = alphabetOrder[0];
        foreach (var a in alphabetOrder)
        {
            allEqual &= alphabetChars[a] == alphabetChars[alphabetOrder[0]];
            if (alphabetChars[a] > alphabetChars[mostFrequent])
            {
                mostFrequent = a;
            }
        }

        if (alphabetOrder.Length > 1 && allEqual)
        {
            return _all;
        }

        var filtered = _languagesByAlphabet[mostFrequent];
        UInt128 subset = 0;
        var half = 0.5 * words;
        for (var l = 0; l < _count; l++)
        {
            if (mappingCounts[l] >= half && ((filtered >> l) & 1) != 0)
            {
                subset |= UInt128.One << l;
            }
        }

        return subset != 0 ? subset : filtered;
    }

    /// <summary>Sums the log-probabilities of the text's distinct trigrams per candidate and picks the best.</summary>
    private int ScoreTrigrams(ReadOnlySpan<char> text, UInt128 filtered)
    {
        var capacity = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, text.Length + (text.Length / 2)));
        ulong[]? rented = null;
        var seen = capacity <= 1024 ? stackalloc ulong[1024] : (rented = ArrayPool<ulong>.Shared.Rent(capacity));
        seen = seen[..capacity];
        seen.Clear();
        Span<float> scores = stackalloc float[_model.Stride];
        scores.Clear();
        try
        {
            var mask = capacity - 1;
            var shift = 64 - BitOperations.Log2((uint)capacity);
            var run = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (!char.IsLetter(text[i]))
                {
                    run = 0;
                    continue;
                }

                if (++run < 3)
                {
                    continue;
                }

                // Distinct trigrams only (Lingua scores a set). Keys are never 0: letters are not U+0000.
                var key = TrigramLanguageModel.Pack(text[i - 2], text[i - 1], text[i]);
                var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> shift);
                var duplicate = false;
                while (seen[slot] != 0)
                {
                    if (seen[slot] == key)
                    {
                        duplicate = true;
                        break;
                    }

                    slot = (slot + 1) & mask;
                }

                if (!duplicate)
                {
                    seen[slot] = key;
                    _model.AddTrigram(key, scores);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<ulong>.Shared.Return(rented);
            }
        }

        // The most probable candidate among those any model knew something of (sum < 0); a tie is undetermined.
        int best = -1;
        float bestScore = float.NegativeInfinity, second = float.NegativeInfinity;
        for (var l = 0; l < _count; l++)
        {
            if (((filtered >> l) & 1) == 0 || scores[l] >= 0)
            {
                continue;
            }

            if (scores[l] > bestScore)
            {
                second = bestScore;
                bestScore = scores[l];
                best = l;
            }
            else if (scores[l] > second)
            {
                second = scores[l];
            }
        }

        return best >= 0 && bestScore != second ? best : -1;
    }
}

using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Climb;

/// <summary>The measured text statistics one document contributes to the rule-based scorer.</summary>
internal sealed class TextSignals
{
    public int WordCount { get; set; }

    public int AlphaWordCount { get; set; }

    public int NonEmptyLineCount { get; set; }

    public int ParagraphCount { get; set; }

    public int SentenceCount { get; set; }

    public double MeanWordLength { get; set; }

    public double SymbolToWordRatio { get; set; }

    public double NonAlphabeticWordFraction { get; set; }

    public double LinesEndingInPunctuationFraction { get; set; }

    public double BulletLineFraction { get; set; }

    public double EllipsisLineFraction { get; set; }

    public double DuplicateLineFraction { get; set; }

    public double DuplicateLineCharFraction { get; set; }

    public double DuplicateParagraphFraction { get; set; }

    public double DuplicateParagraphCharFraction { get; set; }

    /// <summary>Gets the character fraction of the most frequent 2-, 3- and 4-gram (index 0 = 2-gram).</summary>
    public double[] TopNGramCharFraction { get; } = new double[3];

    /// <summary>Gets the character fraction covered by repeated 5- to 10-grams (index 0 = 5-gram).</summary>
    public double[] DuplicateNGramCharFraction { get; } = new double[6];

    public int GopherStopWordCount { get; set; }

    public double StopWordRatio { get; set; }

    public double ImplausibleWordFraction { get; set; }

    public int PromotionalHits { get; set; }

    public int ExclamationCount { get; set; }

    public double AllCapsWordFraction { get; set; }

    public int UrlEmailCount { get; set; }

    public int BoilerplateHits { get; set; }

    public double CodeLineFraction { get; set; }

    /// <summary>Gets or sets the fraction of Latin-script words of three or more letters with no vowel (keyboard mashing
    /// such as "sdfg hjkl"; rare in every Latin-script language).</summary>
    public double VowellessWordFraction { get; set; }

    /// <summary>Gets or sets the fraction of words from the lorem-ipsum placeholder vocabulary.</summary>
    public double PlaceholderWordFraction { get; set; }

    /// <summary>Gets or sets the fraction of words that mix letters of two scripts among Latin, Cyrillic and Greek
    /// (homoglyph spam, broken encodings).</summary>
    public double MixedScriptWordFraction { get; set; }

    /// <summary>Gets or sets a value indicating whether the text is written with spaces between words (false for
    /// Chinese, Japanese, Thai and similar scripts, where word-based rules do not apply).</summary>
    public bool IsSpaceDelimited { get; set; } = true;

    public bool IsCode { get; set; }

    /// <summary>Gets or sets the number of acronyms and technical tokens (evidence, see <see cref="ContentEvidence"/>).</summary>
    public int TechnicalTerms { get; set; }

    /// <summary>Gets or sets the number of capitalised words that do not start a sentence (evidence).</summary>
    public int ProperNouns { get; set; }

    /// <summary>Gets or sets the number of sentences of at least eight words (evidence).</summary>
    public int LongSentences { get; set; }
}

/// <summary>Immutable analysis settings snapshot taken from <see cref="RuleBasedQualityScorerOptions"/>.</summary>
internal sealed class AnalyzerSettings
{
    public AnalyzerSettings(RuleBasedQualityScorerOptions options)
    {
        CodeAware = options.CodeAware;
        CodeLineFractionThreshold = options.CodeLineFractionThreshold;
        MinCodeLines = options.MinCodeLines;
        MaxAnalyzedCharacters = options.MaxAnalyzedCharacters;
        string[] promotional = [.. options.ExtraPromotionalPhrases], boilerplate = [.. options.ExtraBoilerplatePhrases];
        PhraseCounter For(ContentEvidenceAnalyzer.EvidenceLexicon? lexicon) => new(
            [QualityLexicons.PromotionalPhrases, QualityLexicons.BoilerplatePhrases, QualityLexicons.UrlPrefixes, promotional, boilerplate,
             lexicon?.Explanations ?? [], lexicon?.Examples ?? [], lexicon?.Definitions ?? []]);
        _noLexiconPhrases = For(null);
        _phrases = ContentEvidenceAnalyzer.LexiconsByLanguage.ToFrozenDictionary(p => p.Key, p => For(p.Value));
    }

    private readonly PhraseCounter _noLexiconPhrases;
    private readonly FrozenDictionary<LanguageCode, PhraseCounter> _phrases;

    public bool CodeAware { get; }

    public double CodeLineFractionThreshold { get; }

    public int MinCodeLines { get; }

    public int MaxAnalyzedCharacters { get; }

    /// <summary>The phrase lists counted for a document in a language (<see cref="PhraseList"/> order): the built-in and
    /// extra promotional and boilerplate phrases, URL prefixes, and the language's evidence lexicon if it has one.</summary>
    public PhraseCounter Phrases(LanguageCode language) => _phrases.GetValueOrDefault(language) ?? _noLexiconPhrases;
}

/// <summary>Computes <see cref="TextSignals"/> in a few linear passes over the text (span based, no per-character regex).</summary>
internal static partial class TextAnalyzer
{
    private const ulong FnvOffset = 14695981039346656037UL;
    private const ulong FnvPrime = 1099511628211UL;

    /// <summary>Cuts a text to the analysed length at a word boundary.</summary>
    public static ReadOnlySpan<char> Cut(string text, AnalyzerSettings options)
    {
        var span = text.AsSpan();
        if (span.Length > options.MaxAnalyzedCharacters)
        {
            var cut = span[..options.MaxAnalyzedCharacters].LastIndexOfAny(' ', '\n', '\t');
            span = span[..(cut > 0 ? cut : options.MaxAnalyzedCharacters)];
        }

        return span;
    }

    public static TextSignals Analyze(string text, AnalyzerSettings options) => Analyze(Cut(text, options), options);

    public static TextSignals Analyze(ReadOnlySpan<char> span, AnalyzerSettings options)
    {
        var s = new TextSignals();
        AnalyzeLines(span, s, options);
        AnalyzeWords(span, s);
        AnalyzeMarkers(span, s);
        return s;
    }

    private static void AnalyzeLines(ReadOnlySpan<char> text, TextSignals s, AnalyzerSettings options)
    {
        var capacity = text.Count('\n') + 1;
        var lineCounts = new HashCountTable(capacity);
        var paragraphCounts = new HashCountTable(capacity);
        try
        {
            var p = new ParagraphTally { Hash = FnvOffset };
            int lines = 0, punctLines = 0, bulletLines = 0, ellipsisLines = 0, codeLines = 0, dupLines = 0;
            long lineChars = 0, dupLineChars = 0;
            foreach (var rawLine in text.EnumerateLines())
            {
                var line = rawLine.Trim();
                if (line.IsEmpty)
                {
                    p.End(paragraphCounts);
                    continue;
                }

                lines++;
                lineChars += line.Length;
                // The line's hash and the paragraph's running hash, in one pass.
                ulong hash = FnvOffset, paragraph = p.Hash ^ 0x9E3779B97F4A7C15UL;
                foreach (var c in line)
                {
                    hash = (hash ^ c) * FnvPrime;
                    paragraph = (paragraph ^ c) * FnvPrime;
                }

                if (lineCounts.Increment(hash) > 1)
                {
                    dupLines++;
                    dupLineChars += line.Length;
                }

                p.Hash = paragraph;
                p.CurrentChars += line.Length;

                var last = line[^1];
                if (last is '.' or '!' or '?' or '"' or '\'' or '\u201D' or '\u2019' or ')' or '\u2026' or ';' or ':' or '\u00BB' or '\u3002' or '\uFF01' or '\uFF1F' or '\u300D' or '\u0964')
                {
                    punctLines++;
                }

                if (line.EndsWith("...", StringComparison.Ordinal) || last == '\u2026')
                {
                    ellipsisLines++;
                }

                if (IsBullet(line))
                {
                    bulletLines++;
                }

                if (options.CodeAware && IsCodeLine(rawLine, line))
                {
                    codeLines++;
                }
            }

            p.End(paragraphCounts);
            s.NonEmptyLineCount = lines;
            s.ParagraphCount = p.Count;
            if (lines > 0)
            {
                s.LinesEndingInPunctuationFraction = (double)punctLines / lines;
                s.BulletLineFraction = (double)bulletLines / lines;
                s.EllipsisLineFraction = (double)ellipsisLines / lines;
                s.DuplicateLineFraction = (double)dupLines / lines;
                s.DuplicateLineCharFraction = lineChars == 0 ? 0 : (double)dupLineChars / lineChars;
                s.CodeLineFraction = (double)codeLines / lines;
            }

            if (p.Count > 0)
            {
                s.DuplicateParagraphFraction = (double)p.Duplicates / p.Count;
                s.DuplicateParagraphCharFraction = p.Chars == 0 ? 0 : (double)p.DuplicateChars / p.Chars;
            }

            s.IsCode = options.CodeAware && lines >= options.MinCodeLines && s.CodeLineFraction >= options.CodeLineFractionThreshold;
        }
        finally
        {
            lineCounts.Dispose();
            paragraphCounts.Dispose();
        }
    }

    /// <summary>The running paragraph statistics of <see cref="AnalyzeLines"/>.</summary>
    private struct ParagraphTally
    {
        public ulong Hash;
        public long CurrentChars;
        public int Count;
        public int Duplicates;
        public long Chars;
        public long DuplicateChars;

        public void End(HashCountTable counts)
        {
            if (CurrentChars == 0)
            {
                return;
            }

            Count++;
            Chars += CurrentChars;
            if (counts.Increment(Hash) > 1)
            {
                Duplicates++;
                DuplicateChars += CurrentChars;
            }

            Hash = FnvOffset;
            CurrentChars = 0;
        }
    }

    private static bool IsBullet(ReadOnlySpan<char> line) =>
        line[0] is '\u2022' or '\u25CF' or '\u00B7' or '\u2023' or '\u25AA' or '\u25E6'
        || (line.Length > 1 && line[0] is '-' or '*' or '+' or '\u2013' && line[1] == ' ');

    private static readonly SearchValues<string> CodeInner = SearchValues.Create(
        [" = ", "==", "!=", "+=", "-=", "->", "=>", "::", "();", "self.", "):", "()", "[]", "{}", "&&", "||", "__"],
        StringComparison.Ordinal);

    /// <summary>Decides whether a line looks like source code (used to switch off prose-only rules).</summary>
    internal static bool IsCodeLine(ReadOnlySpan<char> rawLine, ReadOnlySpan<char> line)
    {
        var last = line[^1];
        if (last is ';' or '{' or '}')
        {
            return true;
        }

        if (line.StartsWith("#", StringComparison.Ordinal) && (rawLine.Length - rawLine.TrimStart().Length) > 0)
        {
            return true; // indented comment
        }

        if (CodeStartFirstChars.Contains(line[0]))
        {
            foreach (var start in CodeStartList)
            {
                if (line.StartsWith(start, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        if (line.IndexOfAny(CodeInner) >= 0)
        {
            return true;
        }

        // Literal data lines such as `'KEY': value,` (dict/list entries).
        if (last == ',' && (line[0] is '\'' or '"' or '(' or '[') && line.IndexOfAny(':', '=') > 0)
        {
            return true;
        }

        // Indented line ending with ':' or a bracket (or ',' with code punctuation) is typical of block-structured code.
        var indent = rawLine.Length - rawLine.TrimStart().Length;
        return indent >= 4 && (last is ':' or '(' or '[' or ')' or ']' || (last == ',' && line.IndexOfAny("'\"=(") >= 0));
    }

    private static readonly string[] CodeStartList =
        ["def ", "class ", "import ", "from ", "return", "elif ", "else:", "try:", "except", "finally:", "raise ",
         "yield ", "lambda", "#include", "#define", "#!", "public ", "private ", "protected ", "static ", "function ",
         "var ", "let ", "const ", "}", "{", "@", ">>> ", "assert ", "print(", "self.", "async ", "await ", "if __name__"];

    private static readonly SearchValues<char> CodeStartFirstChars = SearchValues.Create([.. CodeStartList.Select(s => s[0]).Distinct()]);

    private static void AnalyzeWords(ReadOnlySpan<char> text, TextSignals s)
    {
        var pool = ArrayPool<ulong>.Shared;
        var lengthPool = ArrayPool<int>.Shared;
        var capacity = Math.Max(16, (text.Length / 2) + 1);
        var hashes = pool.Rent(capacity);
        var lengths = lengthPool.Rent(capacity);
        try
        {
            var classLookup = QualityLexicons.WordClasses.GetAlternateLookup<ReadOnlySpan<char>>();
            var asciiClassLookup = QualityLexicons.AsciiWordClasses.GetAlternateLookup<ReadOnlySpan<char>>();
            var placeholder = 0;
            int latinCandidates = 0, vowelless = 0, mixedScript = 0, letterTotal = 0, unspacedLetters = 0;
            int words = 0, coreWords = 0, alphaWords = 0, noAlpha = 0, gopherStop = 0, stop = 0, implausible = 0, caps = 0, plausibleCandidates = 0;
            long coreChars = 0;
            int symbols = 0;
            var gopherSeen = 0; // bit mask over the 8 Gopher stop words
            Span<char> lower = stackalloc char[64];

            var i = 0;
            var evidence = new WordEvidence();
            while (i < text.Length)
            {
                while (i < text.Length && char.IsWhiteSpace(text[i]))
                {
                    if (text[i] == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        evidence.SentenceStart = true;
                    }

                    i++;
                }

                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    i++;
                }

                if (i == start)
                {
                    break;
                }

                var token = text[start..i];
                words++;
                evidence.Add(token);
                symbols += CountSymbols(token);
                var core = TrimPunctuation(token);
                if (core.IsEmpty)
                {
                    noAlpha++;
                    hashes[words - 1] = Hash(token, FnvOffset);
                    lengths[words - 1] = token.Length;
                    continue;
                }

                coreWords++;
                coreChars += core.Length;
                lengths[words - 1] = core.Length;

                // One pass over the word: its lower-case hash, letter statistics and (short words) its lower-case form
                // for the word lists; ASCII characters take a shortcut with the same results.
                var hash = FnvOffset;
                var ascii = true;
                var classify = core.Length <= QualityLexicons.MaxClassifiedWordLength && core.Length <= lower.Length;
                int letters = 0, upper = 0, vowels = 0, latin = 0, latinVowels = 0, scripts = 0;
                var rare = false;
                var prev = '\0';
                for (var k = 0; k < core.Length; k++)
                {
                    var c = core[k];
                    if (c < 0x80)
                    {
                        var a = (char)(c is >= 'A' and <= 'Z' ? c | 0x20 : c);
                        hash = (hash ^ a) * FnvPrime;
                        if (classify)
                        {
                            lower[k] = a;
                        }

                        if (a is >= 'a' and <= 'z')
                        {
                            letters++;
                            scripts |= 1;
                            latin++;
                            if (c <= 'Z')
                            {
                                upper++;
                            }

                            if (a is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
                            {
                                vowels++;
                                latinVowels++;
                            }

                            if (prev is >= 'a' and <= 'z' && QualityLexicons.RareBigramTable[((prev - 'a') * 26) + (a - 'a')])
                            {
                                rare = true;
                            }

                            prev = a;
                        }
                        else
                        {
                            prev = '\0';
                        }

                        continue;
                    }

                    ascii = false;
                    hash = (hash ^ char.ToLowerInvariant(c)) * FnvPrime;
                    if (char.IsLetter(c))
                    {
                        letters++;
                        scripts |= ScriptBit(c);
                        if (c <= '\u024F')
                        {
                            latin++;
                            if (IsLatinVowel(c))
                            {
                                latinVowels++;
                            }
                        }
                        else if (IsUnspacedScript(c))
                        {
                            unspacedLetters++;
                        }

                        if (char.IsUpper(c))
                        {
                            upper++;
                        }

                        var l = char.ToLowerInvariant(c);
                        if (l is 'a' or 'e' or 'i' or 'o' or 'u' or 'y')
                        {
                            vowels++;
                        }

                        if (prev is >= 'a' and <= 'z' && l is >= 'a' and <= 'z' && QualityLexicons.RareBigramTable[((prev - 'a') * 26) + (l - 'a')])
                        {
                            rare = true;
                        }

                        prev = l;
                    }
                    else
                    {
                        prev = '\0';
                    }
                }

                hashes[words - 1] = hash;

                if (letters == 0)
                {
                    noAlpha++;
                    continue;
                }

                letterTotal += letters;
                if ((scripts & (scripts - 1)) != 0)
                {
                    mixedScript++;
                }

                if (latin == letters && letters >= 3)
                {
                    latinCandidates++;
                    if (latinVowels == 0)
                    {
                        vowelless++;
                    }
                }

                alphaWords++;
                if (letters >= 2)
                {
                    plausibleCandidates++;
                    if (rare || (vowels == 0 && letters >= 3 && letters == core.Length))
                    {
                        implausible++;
                    }

                    if (upper == letters)
                    {
                        caps++;
                    }
                }

                // Placeholder, stop and Gopher stop words in one case-insensitive lookup (longer words are in no list).
                if (classify)
                {
                    var n = ascii ? core.Length : core.ToLowerInvariant(lower);
                    if (ascii ? asciiClassLookup.TryGetValue(lower[..n], out var classes) : classLookup.TryGetValue(lower[..n], out classes))
                    {
                        placeholder += classes & 1;
                        stop += (classes >> 1) & 1;
                        var gopher = classes >> 2;
                        if (gopher != 0 && (gopherSeen & (1 << (gopher - 1))) == 0)
                        {
                            gopherSeen |= 1 << (gopher - 1);
                            gopherStop++;
                        }
                    }
                }
            }

            evidence.End();
            s.TechnicalTerms = evidence.TechnicalTerms;
            s.ProperNouns = evidence.ProperNouns;
            s.LongSentences = evidence.LongSentences;
            s.WordCount = words;
            s.AlphaWordCount = alphaWords;
            s.PlaceholderWordFraction = alphaWords == 0 ? 0 : (double)placeholder / alphaWords;
            s.VowellessWordFraction = latinCandidates < 3 ? 0 : (double)vowelless / latinCandidates;
            s.MixedScriptWordFraction = alphaWords == 0 ? 0 : (double)mixedScript / alphaWords;
            s.IsSpaceDelimited = letterTotal == 0 || unspacedLetters < 0.3 * letterTotal;
            if (words == 0)
            {
                return;
            }

            s.MeanWordLength = coreWords == 0 ? 0 : coreChars / (double)coreWords;
            s.SymbolToWordRatio = (double)symbols / words;
            s.NonAlphabeticWordFraction = (double)noAlpha / words;
            s.GopherStopWordCount = gopherStop;
            s.StopWordRatio = (double)stop / words;
            s.ImplausibleWordFraction = plausibleCandidates == 0 ? 0 : (double)implausible / plausibleCandidates;
            s.AllCapsWordFraction = plausibleCandidates == 0 ? 0 : (double)caps / plausibleCandidates;
            NGramStatistics(hashes.AsSpan(0, words), lengths.AsSpan(0, words), s);
        }
        finally
        {
            pool.Return(hashes);
            lengthPool.Return(lengths);
        }
    }

    private static int ScriptBit(char c) => c switch
    {
        <= '\u024F' => 1,
        >= '\u0370' and <= '\u03FF' => 2,
        >= '\u0400' and <= '\u052F' => 4,
        _ => 0,
    };

    private static bool IsLatinVowel(char c) => char.ToLowerInvariant(c) switch
    {
        'a' or 'e' or 'i' or 'o' or 'u' or 'y' => true,
        >= '\u00E0' and <= '\u00E6' => true,
        >= '\u00E8' and <= '\u00EF' => true,
        >= '\u00F2' and <= '\u00F6' => true,
        >= '\u00F8' and <= '\u00FD' => true,
        '\u00FF' or '\u0153' or '\u0101' or '\u0113' or '\u012B' or '\u014D' or '\u016B' or '\u0105' or '\u0119' or '\u011B' or '\u016F' or '\u0151' or '\u0171' => true,
        _ => false,
    };

    private static bool IsUnspacedScript(char c) =>
        c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u9FFF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\u0E00' and <= '\u0EFF') or (>= '\u1000' and <= '\u109F') or (>= '\u1780' and <= '\u17FF');

    /// <summary>Counts '#', '…' and non-overlapping "..." in a token.</summary>
    private static int CountSymbols(ReadOnlySpan<char> token)
    {
        int count = 0, dots = 0;
        foreach (var c in token)
        {
            if (c == '.')
            {
                dots++;
                continue;
            }

            count += (dots / 3) + (c is '#' or '\u2026' ? 1 : 0);
            dots = 0;
        }

        return count + (dots / 3);
    }

    private static ReadOnlySpan<char> TrimPunctuation(ReadOnlySpan<char> token)
    {
        var a = 0;
        var b = token.Length;
        while (a < b && !char.IsLetterOrDigit(token[a]))
        {
            a++;
        }

        while (b > a && !char.IsLetterOrDigit(token[b - 1]))
        {
            b--;
        }

        return token[a..b];
    }

    private static void NGramStatistics(ReadOnlySpan<ulong> hashes, ReadOnlySpan<int> lengths, TextSignals s)
    {
        long totalChars = 0;
        foreach (var l in lengths)
        {
            totalChars += l;
        }

        if (totalChars == 0)
        {
            return;
        }

        if (hashes.Length < 2)
        {
            return;
        }

        // ngram[i] is the hash of the n words from i: NGramHash(hashes, i, n), extended by one word per round.
        var counts = new HashCountTable(hashes.Length);
        var ngrams = ArrayPool<ulong>.Shared.Rent(hashes.Length);
        try
        {
            for (var i = 0; i < hashes.Length; i++)
            {
                ngrams[i] = NGramStep(FnvOffset, hashes[i]);
            }

            for (var n = 2; n <= 10; n++)
            {
                if (hashes.Length < n)
                {
                    break;
                }

                for (var i = 0; i + n <= hashes.Length; i++)
                {
                    ngrams[i] = NGramStep(ngrams[i], hashes[i + n - 1]);
                }

                counts.Clear();
                if (n <= 4)
                {
                    var best = 0;
                    var bestChars = 0;
                    for (var i = 0; i + n <= hashes.Length; i++)
                    {
                        var c = counts.Increment(ngrams[i]);
                        if (c > best)
                        {
                            best = c;
                            bestChars = SumLengths(lengths, i, n);
                        }
                    }

                    if (best <= 1)
                    {
                        // No n-gram occurs twice, so no longer one does (its first n words would): every fraction from
                        // here on is 0, as the signals start.
                        break;
                    }

                    s.TopNGramCharFraction[n - 2] = Math.Min(1.0, (double)best * bestChars / totalChars);
                    continue;
                }

                long dupChars = 0;
                var j = 0;
                while (j + n <= hashes.Length)
                {
                    if (counts.Increment(ngrams[j]) > 1)
                    {
                        dupChars += SumLengths(lengths, j, n);
                        j += n;
                    }
                    else
                    {
                        j++;
                    }
                }

                if (dupChars == 0)
                {
                    break; // no repeated n-gram (every one was counted), hence none longer
                }

                s.DuplicateNGramCharFraction[n - 5] = (double)dupChars / totalChars;
            }
        }
        finally
        {
            counts.Dispose();
            ArrayPool<ulong>.Shared.Return(ngrams);
        }
    }

    /// <summary>One step of the word n-gram hash: the hash of words i..i+n-1 is this step folded over their hashes from
    /// the FNV offset basis.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NGramStep(ulong h, ulong word)
    {
        h = (h ^ word) * FnvPrime;
        return h ^ (h >> 29);
    }

    private static int SumLengths(ReadOnlySpan<int> lengths, int start, int n)
    {
        var sum = 0;
        for (var k = 0; k < n; k++)
        {
            sum += lengths[start + k];
        }

        return sum;
    }

    private static void AnalyzeMarkers(ReadOnlySpan<char> text, TextSignals s)
    {
        // The phrase lists are counted with the language's lexicon (RuleBasedQualityScorer, one PhraseCounter pass).
        s.PromotionalHits = PriceRegex().Count(text);
        s.UrlEmailCount = text.Contains('@') ? EmailRegex().Count(text) : 0;

        var exclamations = 0;
        var sentences = 0;
        var inTerminator = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '.' or '!' or '?')
            {
                if (c == '!' && (i + 1 >= text.Length || text[i + 1] != '='))
                {
                    exclamations++;
                }

                if (!inTerminator)
                {
                    sentences++;
                    inTerminator = true;
                }
            }
            else
            {
                inTerminator = false;
            }
        }

        s.ExclamationCount = exclamations;
        s.SentenceCount = sentences;
    }

    private static ulong Hash(ReadOnlySpan<char> text, ulong seed)
    {
        var h = seed;
        foreach (var c in text)
        {
            h = (h ^ c) * FnvPrime;
        }

        return h;
    }

    [GeneratedRegex(@"[$€£¥]\s?\d[\d,]*(?:\.\d{1,2})?|\b\d[\d,]*(?:\.\d{1,2})?\s?(?:USD|EUR|GBP|dollars|euros)\b|\b\d{1,3}\s?%\s?off\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PriceRegex();

    [GeneratedRegex(@"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailRegex();
}

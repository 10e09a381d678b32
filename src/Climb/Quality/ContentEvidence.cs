using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.RegularExpressions;

namespace Climb;

/// <summary>Positive evidence that a text carries information or teaches something (see docs/quality.md, "Informational
/// and educational value").</summary>
internal sealed class ContentEvidence
{
    /// <summary>Gets or sets the number of numbers followed by a unit or percent sign, and of four-digit years.</summary>
    public int Quantities { get; set; }

    /// <summary>Gets or sets the number of capitalised words that do not start a sentence (names, places, terms).</summary>
    public int ProperNouns { get; set; }

    /// <summary>Gets or sets the number of acronyms and technical tokens (TCP, x86, H2O, snake_case, file.ext).</summary>
    public int TechnicalTerms { get; set; }

    /// <summary>Gets or sets the number of definition patterns (a headword followed by a colon, dash or part of speech;
    /// "X is a", "refers to" and their equivalents in the languages with a lexicon).</summary>
    public int Definitions { get; set; }

    /// <summary>Gets or sets the number of causal or explanatory connectives (because, therefore, ...).</summary>
    public int Explanations { get; set; }

    /// <summary>Gets or sets the number of example markers (for example, e.g., such as, ...).</summary>
    public int Examples { get; set; }

    /// <summary>Gets or sets the number of enumerated or bulleted lines.</summary>
    public int EnumeratedLines { get; set; }

    /// <summary>Gets or sets the number of references (citations [1], (Author 2004), et al., cf., RFC 791, ISBN, doi).</summary>
    public int References { get; set; }

    /// <summary>Gets or sets a value indicating whether the language has an explanation lexicon.</summary>
    public bool HasLexicon { get; set; }

    /// <summary>Gets or sets the number of sentences of at least eight words (a language-independent proxy of explanation).</summary>
    public int LongSentences { get; set; }
}

/// <summary>Computes <see cref="ContentEvidence"/> and turns it into informational and educational scores.</summary>
internal static partial class ContentEvidenceAnalyzer
{
    private static readonly FrozenDictionary<string, EvidenceLexicon> Lexicons = new Dictionary<string, EvidenceLexicon>(StringComparer.Ordinal)
    {
        ["en"] = new(
            ["because", "therefore", "thus", "hence", "so that", "in order to", "which means", "as a result", "since the", "due to", "consequently", "this means", "that is why", "the reason"],
            ["for example", "for instance", "e.g.", "i.e.", "such as", "that is,", "in other words"],
            [" is a ", " is an ", " is the ", " are a ", " refers to ", " is defined as ", " means ", " denotes ", " is called ", " consists of "]),
        ["fr"] = new(
            ["parce que", "donc", "ainsi", "c'est pourquoi", "en effet", "car ", "puisque", "afin de", "de sorte que", "par conséquent", "grâce à"],
            ["par exemple", "c'est-à-dire", "notamment", "tel que", "telle que", "comme "],
            [" est un ", " est une ", " désigne ", " signifie ", " est le ", " est la ", " se compose de ", " on appelle "]),
        ["es"] = new(
            ["porque", "por lo tanto", "por eso", "así que", "ya que", "debido a", "para que", "por consiguiente", "puesto que"],
            ["por ejemplo", "es decir", "tal como", "en particular"],
            [" es un ", " es una ", " es el ", " es la ", " significa ", " se define ", " se llama ", " consiste en "]),
        ["it"] = new(
            ["perché", "quindi", "dunque", "poiché", "infatti", "affinché", "per questo", "di conseguenza", "grazie a"],
            ["per esempio", "ad esempio", "cioè", "ovvero"],
            [" è un ", " è una ", " è il ", " è la ", " significa ", " si chiama ", " consiste in ", " indica "]),
        ["de"] = new(
            ["weil", "daher", "deshalb", "deswegen", "denn ", "somit", "folglich", "damit ", "aufgrund"],
            ["zum beispiel", "z. b.", "z.b.", "das heißt", "d. h.", "beispielsweise", "etwa "],
            [" ist ein ", " ist eine ", " ist der ", " ist die ", " ist das ", " bezeichnet ", " bedeutet ", " besteht aus "]),
        ["pt"] = new(
            ["porque", "portanto", "por isso", "assim ", "pois ", "já que", "devido a", "para que", "por conseguinte"],
            ["por exemplo", "isto é", "ou seja", "tal como"],
            [" é um ", " é uma ", " é o ", " é a ", " significa ", " chama-se ", " consiste em "]),
        ["ru"] = new(
            ["потому что", "поэтому", "так как", "следовательно", "чтобы", "из-за", "благодаря", "значит"],
            ["например", "то есть", "т. е.", "т.е.", "такие как", "в частности"],
            [" — это ", " - это ", " это ", " означает ", " называется ", " состоит из ", " является "]),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Gets the languages with an explanation and definition lexicon.</summary>
    public static IReadOnlyCollection<string> LexiconLanguages => Lexicons.Keys;

    /// <summary>Gets the explanation, example and definition lexicons by language.</summary>
    internal static FrozenDictionary<LanguageCode, EvidenceLexicon> LexiconsByLanguage { get; } =
        Lexicons.ToFrozenDictionary(p => LanguageCode.Parse(p.Key), p => p.Value);

    /// <summary>Collects the evidence of a text; the word-level counts come from its <see cref="TextSignals"/>
    /// (<see cref="TextAnalyzer"/> gathers them in its word pass, with <see cref="WordEvidence"/>), the lexicon counts
    /// from the scorer's <see cref="PhraseCounter"/> pass (<see cref="PhraseList.Explanations"/> and the next two).</summary>
    public static ContentEvidence Analyze(ReadOnlySpan<char> text, LanguageCode language, TextSignals signals, ReadOnlySpan<int> phrases)
    {
        var e = new ContentEvidence
        {
            TechnicalTerms = signals.TechnicalTerms,
            ProperNouns = signals.ProperNouns,
            LongSentences = signals.LongSentences,
        };
        var lexicon = LexiconsByLanguage.GetValueOrDefault(language);
        e.HasLexicon = lexicon is not null;

        foreach (var m in QuantityRegex().EnumerateMatches(text))
        {
            _ = m;
            e.Quantities++;
        }

        e.References = CountReferences(text);

        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (HeadwordRegex().IsMatch(line))
            {
                e.Definitions++;
            }

            if (EnumerationRegex().IsMatch(line))
            {
                e.EnumeratedLines++;
            }
        }

        if (lexicon is not null)
        {
            e.Explanations = phrases[(int)PhraseList.Explanations];
            e.Examples = phrases[(int)PhraseList.Examples];
            e.Definitions += phrases[(int)PhraseList.Definitions];
        }

        return e;
    }

    /// <summary>Informational value from evidence: one point each for a real statement, for volume, for facts, for
    /// explanation and for structure (definitions, lists, references), each capped at 1 (see docs/quality.md).</summary>
    public static double Informational(ContentEvidence e, TextSignals s)
    {
        var statement = Math.Min(1.0, s.AlphaWordCount / 6.0);
        var volume = Math.Clamp((s.AlphaWordCount - 12) / 150.0, 0, 1);
        var facts = Math.Min(1.0, (0.34 * e.Quantities) + (0.25 * Math.Min(4, e.TechnicalTerms)) + (0.15 * Math.Min(4, e.ProperNouns)));
        var explanation = Explanation(e);
        var structure = Math.Min(1.0, (0.75 * Math.Min(2, e.Definitions)) + (0.25 * Math.Min(4, e.EnumeratedLines)) + (0.5 * Math.Min(2, e.References)));
        return statement + volume + facts + explanation + structure;
    }

    /// <summary>Educational value from evidence: half a point for a statement and half for volume, then definitions,
    /// explanation, examples or steps, and technical vocabulary or references, each capped at 1 (see docs/quality.md).</summary>
    public static double Educational(ContentEvidence e, TextSignals s)
    {
        var statement = 0.5 * Math.Min(1.0, s.AlphaWordCount / 6.0);
        var volume = 0.5 * Math.Clamp((s.AlphaWordCount - 12) / 150.0, 0, 1);
        var definitions = Math.Min(1.0, 0.75 * e.Definitions);
        var explanation = Explanation(e);
        var examples = Math.Min(1.0, (0.5 * e.Examples) + (0.25 * Math.Min(4, e.EnumeratedLines)));
        var vocabulary = Math.Min(1.0, (0.2 * Math.Min(5, e.TechnicalTerms)) + (0.2 * e.Quantities) + (0.5 * Math.Min(2, e.References)));
        return statement + volume + definitions + explanation + examples + vocabulary;
    }

    /// <summary>Explanation evidence: connectives where the language has a lexicon, otherwise (and at least) the share of
    /// long sentences, so a language without a lexicon is never worse off than the proxy allows.</summary>
    private static double Explanation(ContentEvidence e)
    {
        var proxy = Math.Min(0.75, 0.25 * e.LongSentences);
        return e.HasLexicon ? Math.Max(proxy, Math.Min(1.0, (0.5 * e.Explanations) + (0.25 * e.Examples))) : proxy;
    }

    [GeneratedRegex(@"(?<![\p{L}\d])\d+(?:[.,]\d+)?\s?(?:%|°\s?[CF]?|km|cm|mm|m|kg|mg|g|lb|lbs|ft|mi|ms|s|min|h|Hz|kHz|MHz|GHz|KB|MB|GB|TB|kB|bits?|bytes?|V|W|kW|kWh|mAh|mol|ml|mL|L|dB|px|pt|°|км|м|кг|г|см|мм|лет|года?)(?![\p{L}\d])|(?<![\p{L}\d])(?:1[0-9]\d\d|20\d\d)(?![\p{L}\d])", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityRegex();

    /// <summary>Counts the matches of <see cref="ReferencePattern"/> (leftmost, not overlapping), trying the pattern only
    /// where a match can start: at '[' or '(' (its first two alternatives) or where one of <see cref="ReferenceWords"/>
    /// starts (the others, whose case-insensitive equivalents are all equal ignoring case ordinally). Scanning with the
    /// pattern itself tries it at every e, c, i, d, r, s and v.</summary>
    internal static int CountReferences(ReadOnlySpan<char> text)
    {
        int count = 0, position = 0, bracket = -1, word = -1;
        var ascii = Ascii.IsValid(text); // then only the ASCII words can match (see PhraseCounter)
        while (position < text.Length)
        {
            if (bracket < position)
            {
                bracket = From(position, text[position..].IndexOfAny('[', '('));
            }

            if (word < position)
            {
                word = From(position, text[position..].IndexOfAny(ascii ? AsciiReferenceWords : ReferenceWords));
            }

            var candidate = Math.Min(bracket, word);
            if (candidate == int.MaxValue)
            {
                break;
            }

            position = candidate + 1;
            foreach (var m in ReferenceAtRegex().EnumerateMatches(text, candidate))
            {
                count++;
                position = m.Index + m.Length;
                break;
            }
        }

        return count;

        static int From(int start, int found) => found < 0 ? int.MaxValue : start + found;
    }

    /// <summary>Citations [1], (Author 2004), et al., cf., ibid., ISBN, doi:, RFC 791 and "see also" in five languages.</summary>
    internal const string ReferencePattern = @"\[\d{1,3}\]|\(\p{Lu}\p{L}+(?: et al\.)?,? \d{4}\)|\bet al\.|\bcf\.|\bibid\.|\bISBN\b|\bdoi:|\bRFC ?\d+|\bsee also\b|\bvoir aussi\b|\bvéase\b|\bsiehe\b|\bсм\. также";

    /// <summary>The literal starts of <see cref="ReferencePattern"/>'s alternatives after the first two.</summary>
    private static readonly string[] ReferenceWordList = ["et al.", "cf.", "ibid.", "isbn", "doi:", "rfc", "see also", "voir aussi", "véase", "siehe", "см. также"];

    private static readonly SearchValues<string> ReferenceWords = SearchValues.Create(ReferenceWordList, StringComparison.OrdinalIgnoreCase);

    private static readonly SearchValues<string> AsciiReferenceWords =
        SearchValues.Create([.. ReferenceWordList.Where(PhraseCounter.CanMatchAscii)], StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\G(?:" + ReferencePattern + ")", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ReferenceAtRegex();

    // A headword at the start of a line followed by a part of speech (", n."), a colon or a dash, or a tagged gloss
    // ("term <networking>"): dictionary and glossary entries in any space-delimited language.
    [GeneratedRegex(@"^[\p{L}][\p{L}\p{N}'’ \-]{0,40}(?:,\s?(?:n|v|adj|adv|v\.t|v\.i|pp|prep|conj|interj|pron|s|f|m)\.|\s?:\s+\p{L}|\s+(?:—|–|--)\s+\p{L}|\s+<[a-z]+>)", RegexOptions.CultureInvariant)]
    private static partial Regex HeadwordRegex();

    [GeneratedRegex(@"^(?:[-*+•·▪◦‣●]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)", RegexOptions.CultureInvariant)]
    private static partial Regex EnumerationRegex();

    /// <summary>One language's evidence phrases (matched case-insensitively).</summary>
    internal sealed class EvidenceLexicon(string[] explanations, string[] examples, string[] definitions)
    {
        public string[] Explanations { get; } = explanations;

        public string[] Examples { get; } = examples;

        public string[] Definitions { get; } = definitions;
    }
}

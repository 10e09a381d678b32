using System.Collections.Concurrent;
using Lingua;

namespace Climb;

/// <summary>
/// Identifies a document's language from a prefix of its text, over a configurable set of candidate languages, with
/// Lingua's language models (SearchPioneer.Lingua). In low-accuracy mode (the default) it runs
/// <see cref="TrigramLanguageDetector"/>, Lingua's low-accuracy algorithm over packed tables (about a hundred times
/// faster, same decisions); in high-accuracy mode it calls Lingua itself. Detectors are built once per configuration
/// and shared (their models are loaded up front, so concurrent use only reads them).
/// </summary>
internal sealed class LanguageIdentifier
{
    private static readonly ConcurrentDictionary<string, Lazy<LanguageDetector>> Detectors = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<TrigramLanguageDetector>> TrigramDetectors = new(StringComparer.Ordinal);

    private readonly Lazy<LanguageDetector>? _detector;
    private readonly Lazy<TrigramLanguageDetector>? _trigramDetector;
    private readonly LanguageCode[] _codes = [];
    private readonly int _prefix;
    private readonly LanguageCode _assumed;

    /// <summary>Initializes a new instance of the <see cref="LanguageIdentifier"/> class.</summary>
    /// <param name="options">The scorer's options (candidates, prefix, accuracy mode, assumed language).</param>
    /// <param name="useLingua">Run Lingua itself even in low-accuracy mode (the reference the fast detector is measured against).</param>
    public LanguageIdentifier(RuleBasedQualityScorerOptions options, bool useLingua = false)
    {
        _prefix = options.LanguageDetectionCharacters;
        if (options.AssumedLanguage is { } assumed)
        {
            _assumed = LanguageCode.Parse(assumed);
            Key = "assumed:" + _assumed;
            return;
        }

        var languages = options.Languages.Select(ToLingua).Distinct().Order().ToArray();
        var low = options.LowAccuracyLanguageDetection;
        var configuration = string.Join(',', languages.Select(l => LanguageInfo.IsoCode6391(l).ToString().ToLowerInvariant()))
            + ":prefix=" + _prefix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Key = (low ? "low:" : "high:") + configuration;
        if (low && !useLingua)
        {
            _codes = [.. languages.Select(l => LanguageCode.Parse(LanguageInfo.IsoCode6391(l).ToString()))];
            _trigramDetector = TrigramDetectors.GetOrAdd(configuration, _ => new Lazy<TrigramLanguageDetector>(
                () => new TrigramLanguageDetector(TrigramLanguageModel.Load(ModelsDirectory(), languages)),
                LazyThreadSafetyMode.ExecutionAndPublication));
            return;
        }

        _detector = Detectors.GetOrAdd(Key, _ => new Lazy<LanguageDetector>(
            () =>
            {
                _ = ModelsDirectory();
                var builder = LanguageDetectorBuilder.FromLanguages(languages).WithPreloadedLanguageModels();
                return (low ? builder.WithLowAccuracyMode() : builder).Build();
            },
            LazyThreadSafetyMode.ExecutionAndPublication));
    }

    /// <summary>Gets a string naming the configuration (for component identities).</summary>
    public string Key { get; }

    /// <summary>Loads the language models now (otherwise the first identification does).</summary>
    public void Preload()
    {
        _ = _trigramDetector?.Value;
        _ = _detector?.Value;
    }

    /// <summary>Identifies the language of a text (its first characters, cut at a word boundary).</summary>
    public LanguageCode Identify(ReadOnlySpan<char> text)
    {
        if (_detector is null && _trigramDetector is null)
        {
            return _assumed;
        }

        if (!TryPrefix(text, _prefix, out text))
        {
            return LanguageCode.Undetermined;
        }

        if (_trigramDetector is not null)
        {
            var index = _trigramDetector.Value.Detect(text);
            return index < 0 ? LanguageCode.Undetermined : _codes[index];
        }

        var language = _detector!.Value.DetectLanguageOf(text.ToString());
        return language == Language.Unknown ? LanguageCode.Undetermined : LanguageCode.Parse(LanguageInfo.IsoCode6391(language).ToString());
    }

    /// <summary>The part of a text identification reads: its first <paramref name="prefix"/> characters, cut at the last
    /// white space in their second half; <see langword="false"/> when they hold fewer than three letters.</summary>
    internal static bool TryPrefix(ReadOnlySpan<char> text, int prefix, out ReadOnlySpan<char> result)
    {
        result = text;
        var letters = 0;
        foreach (var c in text.Length > prefix ? text[..prefix] : text)
        {
            if (char.IsLetter(c) && ++letters >= 3)
            {
                break;
            }
        }

        if (letters < 3)
        {
            return false;
        }

        if (text.Length > prefix)
        {
            var cut = text[..prefix].LastIndexOfAny(' ', '\n', '\t');
            result = text[..(cut > prefix / 2 ? cut : prefix)];
        }

        return true;
    }

    /// <summary>Maps an ISO 639-1 code to Lingua's language.</summary>
    /// <exception cref="ArgumentException">Lingua does not support the code.</exception>
    internal static Language ToLingua(string code)
    {
        if (code is { Length: 2 } && Enum.TryParse<IsoCode6391>(code, ignoreCase: true, out var iso) && iso != IsoCode6391.None)
        {
            var language = LanguageInfo.GetByIsoCode6391(iso);
            if (language != Language.Unknown)
            {
                return language;
            }
        }

        throw new ArgumentException($"Language '{code}' is not an ISO 639-1 code that Lingua supports.", nameof(code));
    }

    /// <summary>Lingua's model folder beside the host application, where its build targets copy it.</summary>
    internal static string ModelsDirectory()
    {
        // A host that did not build against the package (a notebook kernel, a plug-in host) has none.
        string models = Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");
        if (!Directory.Exists(models))
        {
            throw new InvalidOperationException(
                $"Language identification needs Lingua's language models in {models}, which this host application does not have " +
                "(SearchPioneer.Lingua copies them there when an app that references it is built; a notebook kernel or another host does not). " +
                "Copy the package's contentFiles/any/any/Lingua folder there, or set RuleBasedQualityScorerOptions.AssumedLanguage when the corpus has one language.");
        }

        return models;
    }
}

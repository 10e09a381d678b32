using System.Collections.Concurrent;
using Lingua;

namespace Climb;

/// <summary>
/// Identifies a document's language with Lingua (SearchPioneer.Lingua) over a configurable set of candidate
/// languages, reading only a prefix of the text. Detectors are built once per configuration and shared (their
/// models are preloaded, so concurrent use only reads them).
/// </summary>
internal sealed class LanguageIdentifier
{
    private static readonly ConcurrentDictionary<string, Lazy<LanguageDetector>> Detectors = new(StringComparer.Ordinal);

    private readonly Lazy<LanguageDetector>? _detector;
    private readonly int _prefix;
    private readonly LanguageCode _assumed;

    public LanguageIdentifier(RuleBasedQualityScorerOptions options)
    {
        _prefix = options.LanguageDetectionCharacters;
        if (options.AssumedLanguage is { } assumed)
        {
            _assumed = LanguageCode.Parse(assumed);
            Key = "assumed:" + _assumed;
            return;
        }

        var languages = options.Languages.Select(ToLingua).Distinct().OrderBy(l => l).ToArray();
        Key = (options.LowAccuracyLanguageDetection ? "low:" : "high:") + string.Join(',', languages.Select(l => LanguageInfo.IsoCode6391(l).ToString().ToLowerInvariant()))
            + ":prefix=" + _prefix.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var low = options.LowAccuracyLanguageDetection;
        _detector = Detectors.GetOrAdd(Key, _ => new Lazy<LanguageDetector>(
            () =>
            {
                // Lingua reads its models from the host application's folder, where its build targets copy them; a host
                // that did not build against the package (a notebook kernel, a plug-in host) has none.
                string models = Path.Combine(AppContext.BaseDirectory, "Lingua", "LanguageModels");
                if (!Directory.Exists(models))
                {
                    throw new InvalidOperationException(
                        $"Language identification needs Lingua's language models in {models}, which this host application does not have " +
                        "(SearchPioneer.Lingua copies them there when an app that references it is built; a notebook kernel or another host does not). " +
                        "Copy the package's contentFiles/any/any/Lingua folder there, or set RuleBasedQualityScorerOptions.AssumedLanguage when the corpus has one language.");
                }

                var builder = LanguageDetectorBuilder.FromLanguages(languages).WithPreloadedLanguageModels();
                return (low ? builder.WithLowAccuracyMode() : builder).Build();
            },
            LazyThreadSafetyMode.ExecutionAndPublication));
    }

    /// <summary>Gets a string naming the configuration (for component identities).</summary>
    public string Key { get; }

    /// <summary>Identifies the language of a text (its first characters, cut at a word boundary).</summary>
    public LanguageCode Identify(ReadOnlySpan<char> text)
    {
        if (_detector is null)
        {
            return _assumed;
        }

        var letters = 0;
        foreach (var c in text.Length > _prefix ? text[.._prefix] : text)
        {
            if (char.IsLetter(c) && ++letters >= 3)
            {
                break;
            }
        }

        if (letters < 3)
        {
            return LanguageCode.Undetermined;
        }

        if (text.Length > _prefix)
        {
            var cut = text[.._prefix].LastIndexOfAny(' ', '\n', '\t');
            text = text[..(cut > _prefix / 2 ? cut : _prefix)];
        }

        var language = _detector.Value.DetectLanguageOf(text.ToString());
        return language == Language.Unknown ? LanguageCode.Undetermined : LanguageCode.Parse(LanguageInfo.IsoCode6391(language).ToString());
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
}

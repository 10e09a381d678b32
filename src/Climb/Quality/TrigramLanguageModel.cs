using System.Globalization;
using System.IO.Compression;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Lingua;

namespace Climb;

/// <summary>
/// Lingua's unigram, bigram and trigram language models (the files SearchPioneer.Lingua ships, read from the same
/// folder) for a set of languages, packed for fast scoring: for every trigram, the log-probability of each language
/// with Lingua's back-off (trigram, else its leading bigram, else its first letter) already applied.
/// </summary>
/// <remarks>
/// Lingua scores a text by summing, over its distinct trigrams and for each candidate language, the natural log of the
/// first of P(trigram), P(leading bigram), P(first letter) that the language's model has. Here the bigram and unigram
/// back-off values form dense rows (one float per language), and each trigram that some model knows stores its
/// back-off row plus a sparse correction for the languages that know it, so scoring one trigram is one hash lookup,
/// one vector add and a few scalar adds. Read-only after construction, so safe for concurrent use.
/// </remarks>
internal sealed class TrigramLanguageModel
{
    private const ulong Unigram = 1UL << 48;
    private const ulong Bigram = 2UL << 48;
    private const ulong Trigram = 3UL << 48;
    private const ulong KeyMask = (1UL << 48) - 1;

    private readonly float[] _rows;
    private readonly ulong[] _prefixKeys;
    private readonly int[] _prefixRows;
    private readonly int _prefixShift;
    private readonly TrigramSlot[] _trigrams;
    private readonly int _trigramShift;
    private readonly byte[] _sparseLanguages;
    private readonly float[] _sparseDeltas;

    private TrigramLanguageModel(IReadOnlyList<Language> languages, NgramModel[] models)
    {
        Languages = languages;
        var n = languages.Count;
        Stride = (n + 7) & ~7;

        // Dense rows: row 0 is all zeros (no model knows anything), then every unigram, then every bigram with its
        // back-off to the first letter already applied.
        var unigrams = models.SelectMany(m => m.Unigrams.Keys).Distinct().Order().ToArray();
        var bigrams = models.SelectMany(m => m.Bigrams.Keys).Distinct().Order().ToArray();
        _rows = new float[(1 + unigrams.Length + bigrams.Length) * Stride];
        var prefixRows = new Dictionary<ulong, int>(unigrams.Length + bigrams.Length);
        var row = 1;
        foreach (var key in unigrams)
        {
            for (var l = 0; l < n; l++)
            {
                _rows[(row * Stride) + l] = models[l].Unigrams.TryGetValue(key, out var p) ? (float)p : 0f;
            }

            prefixRows[key] = row++;
        }

        foreach (var key in bigrams)
        {
            var first = Unigram | ((key >> 16) & 0xFFFF);
            for (var l = 0; l < n; l++)
            {
                _rows[(row * Stride) + l] = models[l].Bigrams.TryGetValue(key, out var p) ? (float)p
                    : models[l].Unigrams.TryGetValue(first, out var q) ? (float)q : 0f;
            }

            prefixRows[key] = row++;
        }

        (_prefixKeys, _prefixRows, _prefixShift) = BuildTable(prefixRows);

        // Trigrams: each known one stores its back-off row and the corrections of the languages that know it.
        var all = new List<(ulong Key, byte Language, double LogP)>();
        for (var l = 0; l < n; l++)
        {
            foreach (var (key, logP) in models[l].Trigrams)
            {
                all.Add((key, (byte)l, logP));
            }
        }

        all.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : a.Language.CompareTo(b.Language));
        var slots = new List<TrigramSlot>();
        _sparseLanguages = new byte[all.Count];
        _sparseDeltas = new float[all.Count];
        for (var i = 0; i < all.Count; i++)
        {
            var (key, language, logP) = all[i];
            if (i == 0 || all[i - 1].Key != key)
            {
                slots.Add(new TrigramSlot(key & KeyMask, BackOffRow(key & KeyMask, prefixRows), i));
            }

            slots[^1] = slots[^1] with { Count = slots[^1].Count + 1 };
            _sparseLanguages[i] = language;
            _sparseDeltas[i] = (float)(logP - _rows[(slots[^1].Row * Stride) + language]);
        }

        // Open addressing at a load of at most 0.7; a slot (16 bytes) holds the key, the sparse count, the back-off
        // row and the first sparse entry, so a hit reads one cache line before the rows.
        var bits = Math.Max(4, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(slots.Count * 10 / 7)));
        _trigrams = new TrigramSlot[1 << bits];
        _trigramShift = 64 - bits;
        var mask = _trigrams.Length - 1;
        foreach (var slot in slots)
        {
            var at = (int)((slot.Key * 0x9E3779B97F4A7C15UL) >> _trigramShift);
            while (_trigrams[at].Packed != 0)
            {
                at = (at + 1) & mask;
            }

            _trigrams[at] = slot;
        }

        TrigramCount = slots.Count;
    }

    /// <summary>Gets the languages, in the order of the score vectors.</summary>
    public IReadOnlyList<Language> Languages { get; }

    /// <summary>Gets the length of a score vector (the language count rounded up to a multiple of 8).</summary>
    public int Stride { get; }

    /// <summary>Gets how many distinct trigrams the models know.</summary>
    public int TrigramCount { get; }

    /// <summary>Gets the approximate memory the packed tables take, in bytes.</summary>
    public long MemoryBytes =>
        (_rows.Length * 4L) + (_prefixKeys.Length * 12L) + (_trigrams.Length * 16L) + (_sparseDeltas.Length * 5L);

    /// <summary>Reads the models of the given languages from Lingua's model folder (<c>&lt;iso&gt;/unigrams.json.br</c>,
    /// <c>bigrams.json.br</c>, <c>trigrams.json.br</c>; a missing file is an empty model, as in Lingua).</summary>
    /// <param name="directory">The folder holding one sub-folder per ISO 639-1 code.</param>
    /// <param name="languages">The candidate languages (at most 255).</param>
    /// <returns>The packed models.</returns>
    public static TrigramLanguageModel Load(string directory, IReadOnlyList<Language> languages)
    {
        if (languages.Count is 0 or > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(languages), languages.Count, "Between 1 and 255 languages are supported.");
        }

        var models = new NgramModel[languages.Count];
        try
        {
            Parallel.For(0, languages.Count, l =>
            {
                var folder = Path.Combine(directory, LanguageInfo.IsoCode6391(languages[l]).ToString().ToLowerInvariant());
                models[l] = new NgramModel(
                    ReadModel(Path.Combine(folder, "unigrams.json.br"), 1),
                    ReadModel(Path.Combine(folder, "bigrams.json.br"), 2),
                    ReadModel(Path.Combine(folder, "trigrams.json.br"), 3));
            });
        }
        catch (AggregateException ex)
        {
            // Report the file at fault, not the parallel loop.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }

        return new TrigramLanguageModel(languages, models);
    }

    /// <summary>Adds the log-probabilities of one trigram (three letters) to a score vector of length <see cref="Stride"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddTrigram(ulong trigram, Span<float> scores)
    {
        var slots = _trigrams;
        var mask = slots.Length - 1;
        var at = (int)((trigram * 0x9E3779B97F4A7C15UL) >> _trigramShift);
        while (true)
        {
            ref readonly var slot = ref slots[at];
            if (slot.Key == trigram)
            {
                AddRow(slot.Row, scores);
                for (int i = slot.SparseStart, end = slot.SparseStart + slot.Count; i < end; i++)
                {
                    scores[_sparseLanguages[i]] += _sparseDeltas[i];
                }

                return;
            }

            if (slot.Packed == 0)
            {
                AddRow(BackOffRow(trigram, _prefixKeys, _prefixRows, _prefixShift), scores);
                return;
            }

            at = (at + 1) & mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AddRow(int row, Span<float> scores)
    {
        if (row > 0)
        {
            TensorPrimitives.Add(scores, _rows.AsSpan(row * Stride, Stride), scores);
        }
    }

    /// <summary>Packs three UTF-16 code units into a trigram key.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Pack(char a, char b, char c) => ((ulong)a << 32) | ((ulong)b << 16) | c;

    private static int BackOffRow(ulong trigram, Dictionary<ulong, int> prefixRows) =>
        prefixRows.TryGetValue(Bigram | (trigram >> 16), out var row) ? row
        : prefixRows.TryGetValue(Unigram | (trigram >> 32), out row) ? row : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int BackOffRow(ulong trigram, ulong[] keys, int[] rows, int shift)
    {
        var row = Find(keys, rows, shift, Bigram | (trigram >> 16));
        return row >= 0 ? row : Math.Max(0, Find(keys, rows, shift, Unigram | (trigram >> 32)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Find(ulong[] keys, int[] values, int shift, ulong key)
    {
        var mask = keys.Length - 1;
        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> shift);
        while (true)
        {
            var k = keys[slot];
            if (k == key)
            {
                return values[slot];
            }

            if (k == 0)
            {
                return -1;
            }

            slot = (slot + 1) & mask;
        }
    }

    private static (ulong[] Keys, int[] Values, int Shift) BuildTable(Dictionary<ulong, int> items)
    {
        var bits = Math.Max(4, 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)Math.Max(1, items.Count * 2) - 1));
        var keys = new ulong[1 << bits];
        var values = new int[1 << bits];
        var mask = keys.Length - 1;
        foreach (var (key, value) in items)
        {
            var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - bits));
            while (keys[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            keys[slot] = key;
            values[slot] = value;
        }

        return (keys, values, 64 - bits);
    }

    /// <summary>Reads one Lingua model file: JSON <c>{"language": …, "ngrams": {"&lt;numerator&gt;/&lt;denominator&gt;": "ngram ngram …"}}</c>,
    /// brotli-compressed, into natural-log probabilities keyed by packed n-gram (length tag in bits 48+).</summary>
    private static Dictionary<ulong, double> ReadModel(string path, int length)
    {
        var result = new Dictionary<ulong, double>();
        if (!File.Exists(path))
        {
            return result;
        }

        byte[] json;
        using (var file = File.OpenRead(path))
        using (var brotli = new BrotliStream(file, CompressionMode.Decompress))
        using (var buffer = new MemoryStream())
        {
            brotli.CopyTo(buffer);
            json = buffer.ToArray();
        }

        try
        {
            var reader = new Utf8JsonReader(json);
            var depth = 0;
            var inNgrams = false;
            double logP = 0;
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        depth++;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        inNgrams = false;
                        break;
                    case JsonTokenType.PropertyName when depth == 1:
                        inNgrams = reader.ValueTextEquals("ngrams"u8);
                        break;
                    case JsonTokenType.PropertyName when depth == 2 && inNgrams:
                        var fraction = reader.GetString()!;
                        var slash = fraction.IndexOf('/', StringComparison.Ordinal);
                        var numerator = double.Parse(fraction.AsSpan(0, slash), NumberStyles.Integer, CultureInfo.InvariantCulture);
                        var denominator = double.Parse(fraction.AsSpan(slash + 1), NumberStyles.Integer, CultureInfo.InvariantCulture);
                        logP = Math.Log(numerator / denominator);
                        break;
                    case JsonTokenType.String when depth == 2 && inNgrams:
                        var ngrams = reader.GetString().AsSpan();
                        foreach (var range in ngrams.Split(' '))
                        {
                            var ngram = ngrams[range];
                            if (ngram.Length == length)
                            {
                                result[PackAny(ngram)] = logP;
                            }
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentOutOfRangeException)
        {
            throw new InvalidDataException($"{path}: not a Lingua language model ({ex.Message}).", ex);
        }

        return result;
    }

    private static ulong PackAny(ReadOnlySpan<char> ngram) => ngram.Length switch
    {
        1 => Unigram | ngram[0],
        2 => Bigram | ((ulong)ngram[0] << 16) | ngram[1],
        _ => Trigram | Pack(ngram[0], ngram[1], ngram[2]),
    };

    /// <summary>One trigram of the open-addressing table: its key (48 bits) and sparse count (16 bits) packed in one
    /// word (0 = empty), its back-off row and where its sparse corrections start.</summary>
    private readonly record struct TrigramSlot(ulong Packed, int Row, int SparseStart)
    {
        public ulong Key => Packed & KeyMask;

        public int Count
        {
            get => (int)(Packed >> 48);
            init => Packed = Key | ((ulong)value << 48);
        }
    }

    private sealed record NgramModel(Dictionary<ulong, double> Unigrams, Dictionary<ulong, double> Bigrams, Dictionary<ulong, double> Trigrams);
}

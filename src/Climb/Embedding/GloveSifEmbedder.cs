using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// The default embedder: GloVe 6B 100-d word vectors (embedded in the package, no download) combined by
/// smooth inverse frequency (SIF, Arora, Liang &amp; Ma 2017): a weighted average of the word vectors with
/// weights <c>a / (a + p(w))</c>, minus the projection on the corpus's common component(s), then L2-normalized.
/// </summary>
/// <remarks>
/// <para>
/// Call <see cref="FitAsync(IAsyncEnumerable{Document}, CancellationToken)"/> (or the <see cref="IEnumerable{T}"/> overload)
/// once on the corpus to find the common component; the returned embedder carries it in its
/// <see cref="Options"/> and <see cref="EmbedderInfo.ModelId"/>, so every batch, run and resume embeds the same way.
/// An unfitted embedder removes nothing (and says so in its model identity).
/// </para>
/// <para>
/// A word outside the vocabulary contributes, by default (<see cref="GloveSifEmbedderOptions.UnknownWords"/>), a
/// vector of its hashed character n-grams, weighted by its frequency in the fitting sample: texts in scripts or
/// languages the English vocabulary lacks get distinct vectors instead of all becoming the zero vector. A text with
/// no word at all (only digits or punctuation) becomes the zero vector (never NaN).
/// </para>
/// <para>The instance is immutable and safe for concurrent use.</para>
/// </remarks>
public sealed partial class GloveSifEmbedder : ICorpusFittedEmbedder
{
    /// <summary>The GloVe 6B vocabulary size, the normalizer of the Zipf estimate.</summary>
    private const int GloveVocabularySize = 400_000;

    private readonly WordVectors _vectors;
    private readonly GloveSifEmbedderOptions _options;
    private readonly ILogger _logger;
    private readonly float[] _weights;
    private readonly HashedNgramVectors? _unknownVectors;
    private readonly Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> _unknownWeights;
    private readonly float[][] _components;
    private readonly string _modelPrefix;
    private int _warnedUnfitted;

    /// <summary>Initializes a new embedder over the embedded GloVe vectors.</summary>
    /// <param name="options">The options, or <see langword="null"/> for the defaults. They are validated and copied.</param>
    /// <param name="logger">A logger, or <see langword="null"/>.</param>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public GloveSifEmbedder(GloveSifEmbedderOptions? options = null, ILogger<GloveSifEmbedder>? logger = null)
        : this(WordVectors.Glove, GloveVocabularySize, "glove-6b-100d", options, logger)
    {
    }

    internal GloveSifEmbedder(WordVectors vectors, int sourceVocabularySize, string modelPrefix, GloveSifEmbedderOptions? options, ILogger? logger)
    {
        _vectors = vectors;
        _modelPrefix = modelPrefix;
        _options = OptionsValidation.Validate((options ?? new GloveSifEmbedderOptions()).Clone(), nameof(options));
        _logger = logger ?? NullLogger.Instance;
        _components = (_options.CommonComponents ?? []).Select((c, i) => c.Length == vectors.Dimension
            ? Unit(c)
            : throw new ArgumentException($"CommonComponents[{i}] has {c.Length} values; the embedding dimension is {vectors.Dimension}.", nameof(options))).ToArray();
        _weights = ComputeWeights(vectors, sourceVocabularySize, _options);
        if (_options.UnknownWords == UnknownWordHandling.HashedCharacterNgrams)
        {
            _unknownVectors = new HashedNgramVectors(vectors.Dimension, vectors.MeanNorm);
        }

        var unknownWeights = new Dictionary<string, float>(StringComparer.Ordinal);
        foreach (var (word, p) in _options.UnknownWordProbabilities ?? new Dictionary<string, double>())
        {
            unknownWeights[word] = (float)(_options.Smoothing / (_options.Smoothing + p));
        }

        _unknownWeights = unknownWeights.GetAlternateLookup<ReadOnlySpan<char>>();
        SourceVocabularySize = sourceVocabularySize;
        Info = new EmbedderInfo(BuildModelId(), vectors.Dimension);
    }

    /// <inheritdoc />
    public EmbedderInfo Info { get; }

    /// <summary>Gets a copy of the effective options, including the fitted <see cref="GloveSifEmbedderOptions.CommonComponents"/>; save it to recreate this embedder.</summary>
    public GloveSifEmbedderOptions Options => _options.Clone();

    /// <summary>Gets a value indicating whether common components are removed (fitted or given).</summary>
    public bool IsFitted => _components.Length > 0;

    /// <summary>Gets the number of words in the vocabulary.</summary>
    public int VocabularySize => _vectors.Count;

    private int SourceVocabularySize { get; }

    /// <inheritdoc />
    public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        CheckTexts(texts);
        if (!IsFitted && _options.ComponentsToRemove > 0 && Interlocked.Exchange(ref _warnedUnfitted, 1) == 0)
        {
            LogUnfitted();
        }

        return Task.Run(() => Compute(texts, finish: true, cancellationToken), cancellationToken);
    }

    /// <summary>Finds the common component(s) of a sample of the corpus and returns an embedder that removes them.</summary>
    /// <param name="sample">Texts representative of the corpus (a few thousand or more).</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A new embedder with the fitted components; this one is unchanged. With <see cref="GloveSifEmbedderOptions.ComponentsToRemove"/> 0, this embedder.</returns>
    /// <exception cref="ArgumentException">The sample has fewer texts with known words than components to find.</exception>
    public async Task<GloveSifEmbedder> FitAsync(IEnumerable<string> sample, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var texts = sample as IReadOnlyList<string> ?? sample.ToList();
        CheckTexts(texts);
        var census = await Task.Run(() => CountUnknownWords(texts, cancellationToken), cancellationToken).ConfigureAwait(false);
        GloveSifEmbedder basis = this;
        if (_options.UnknownWords == UnknownWordHandling.HashedCharacterNgrams)
        {
            if (_options.UnknownWordProbabilities is null)
            {
                var withTable = _options.Clone();
                withTable.UnknownWordProbabilities = UnknownWordTable(census, _options.Smoothing);
                basis = new GloveSifEmbedder(_vectors, SourceVocabularySize, _modelPrefix, withTable, _logger);
            }

            LogUnknownWordsHashed(census.ShareOfWords, census.TextsWithoutKnownWords, texts.Count, basis._options.UnknownWordProbabilities!.Count);
        }
        else if (census.TextsWithoutKnownWords > 0.01 * texts.Count)
        {
            LogUnknownWordsIgnored(census.TextsWithoutKnownWords, texts.Count, census.ShareOfWords);
        }

        int k = _options.ComponentsToRemove;
        if (k == 0)
        {
            return basis;
        }

        var x = await Task.Run(() => basis.Compute(texts, finish: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        var (components, explained, used) = await Task.Run(() => TopComponents(x, k, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (used < k)
        {
            throw new ArgumentException($"The fitting sample has {used} texts with words; at least {k} are needed.", nameof(sample));
        }

        var options = basis._options.Clone();
        options.CommonComponents = components;
        var fitted = new GloveSifEmbedder(_vectors, SourceVocabularySize, _modelPrefix, options, _logger);
        LogFitted(k, used, texts.Count, explained, fitted.Info.ModelId);
        return fitted;
    }

    /// <summary>Samples <see cref="GloveSifEmbedderOptions.FitSampleSize"/> documents uniformly from a corpus (seeded reservoir sampling) and fits on them.</summary>
    /// <param name="corpus">The corpus; read once, to the end.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A new embedder with the fitted components.</returns>
    public async Task<GloveSifEmbedder> FitAsync(IAsyncEnumerable<Document> corpus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        int size = _options.FitSampleSize;
        var rng = new Random(_options.Seed);
        var reservoir = new List<string>(Math.Min(size, 4096));
        long seen = 0;
        await foreach (var document in corpus.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            seen++;
            if (reservoir.Count < size)
            {
                reservoir.Add(document.Text);
            }
            else
            {
                long j = rng.NextInt64(seen);
                if (j < size)
                {
                    reservoir[(int)j] = document.Text;
                }
            }
        }

        if (reservoir.Count == 0)
        {
            throw new ArgumentException("The corpus is empty; nothing to fit on.", nameof(corpus));
        }

        return await FitAsync(reservoir, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    bool ICorpusFittedEmbedder.IsFitted =>
        (IsFitted || _options.ComponentsToRemove == 0)
        && (_options.UnknownWords == UnknownWordHandling.Ignore || _options.UnknownWordProbabilities is not null);

    /// <inheritdoc />
    async Task<ICorpusFittedEmbedder> ICorpusFittedEmbedder.FitAsync(IAsyncEnumerable<Document> corpus, CancellationToken cancellationToken) =>
        await FitAsync(corpus, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    void ICorpusFittedEmbedder.SaveFit(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        if (_options.UnknownWords == UnknownWordHandling.Ignore)
        {
            // The format of earlier versions: the components alone.
            System.Text.Json.JsonSerializer.Serialize(destination, _options.CommonComponents ?? []);
            return;
        }

        var fit = new SavedFit
        {
            CommonComponents = _options.CommonComponents?.ToArray() ?? [],
            UnknownWordProbabilities = new SortedDictionary<string, double>(_options.UnknownWordProbabilities ?? new Dictionary<string, double>(), StringComparer.Ordinal),
        };
        System.Text.Json.JsonSerializer.Serialize(destination, fit);
    }

    /// <inheritdoc />
    ICorpusFittedEmbedder ICorpusFittedEmbedder.LoadFit(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        float[][] components;
        IDictionary<string, double>? unknown = null;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(source);
            if (node is System.Text.Json.Nodes.JsonArray)
            {
                if (_options.UnknownWords != UnknownWordHandling.Ignore)
                {
                    throw new InvalidDataException("The saved SIF fit has no unknown-word probabilities (it was written with UnknownWords = Ignore or by an earlier version); delete it to fit again.");
                }

                components = System.Text.Json.JsonSerializer.Deserialize<float[][]>(node) ?? [];
            }
            else
            {
                var fit = System.Text.Json.JsonSerializer.Deserialize<SavedFit>(node) ?? throw new InvalidDataException("The saved SIF fit is empty.");
                components = fit.CommonComponents ?? [];
                unknown = fit.UnknownWordProbabilities ?? throw new InvalidDataException("The saved SIF fit has no unknown-word probabilities.");
                if (_options.UnknownWords == UnknownWordHandling.Ignore)
                {
                    throw new InvalidDataException("The saved SIF fit holds unknown-word probabilities, but this embedder ignores unknown words (UnknownWords = Ignore); delete it to fit again.");
                }
            }
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException("The saved SIF fit is not valid JSON: " + ex.Message, ex);
        }

        if (components.Length != _options.ComponentsToRemove || components.Any(c => c.Length != _vectors.Dimension))
        {
            throw new InvalidDataException($"The saved SIF fit has {components.Length} component(s); this embedder removes {_options.ComponentsToRemove} of dimension {_vectors.Dimension}.");
        }

        var options = _options.Clone();
        options.CommonComponents = components;
        if (unknown is not null)
        {
            options.UnknownWordProbabilities = new Dictionary<string, double>(unknown, StringComparer.Ordinal);
        }

        try
        {
            return new GloveSifEmbedder(_vectors, SourceVocabularySize, _modelPrefix, options, _logger);
        }
        catch (Exception ex) when (ex is System.ComponentModel.DataAnnotations.ValidationException or ArgumentException)
        {
            throw new InvalidDataException("The saved SIF fit is not valid: " + ex.Message, ex);
        }
    }

    private static void CheckTexts(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        for (int i = 0; i < texts.Count; i++)
        {
            if (texts[i] is null)
            {
                throw new ArgumentException($"texts[{i}] is null.", nameof(texts));
            }
        }
    }

    private EmbeddingMatrix Compute(IReadOnlyList<string> texts, bool finish, CancellationToken cancellationToken)
    {
        int dim = _vectors.Dimension;
        var result = new EmbeddingMatrix(texts.Count, dim);
        if (texts.Count == 0)
        {
            return result;
        }

        float[] data = result.Buffer;
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        int rangeSize = Math.Clamp(texts.Count / (Environment.ProcessorCount * 8), 1, 64);
        Parallel.ForEach(Partitioner.Create(0, texts.Count, rangeSize), parallel, () => new TextState(this), (range, _, state) =>
        {
            var ids = state.Ids;
            for (int i = range.Item1; i < range.Item2; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ids.Clear();
                Span<float> row = data.AsSpan(i * dim, dim);
                state.Begin();
                SifTokenizer.Tokenize(texts[i], _vectors.Lookup, ids, state.Unknown);
                int words = ids.Count + state.UnknownWords;
                if (words == 0)
                {
                    continue;
                }

                foreach (int id in CollectionsMarshal.AsSpan(ids))
                {
                    TensorPrimitives.MultiplyAdd(_vectors.Vector(id), _weights[id], row, row);
                }

                state.AddUnknownTo(row);
                TensorPrimitives.Multiply(row, 1f / words, row);
                if (finish)
                {
                    Finish(row);
                }
            }

            return state;
        }, _ => { });
        return result;
    }

    /// <summary>Counts, over a sample, the words outside the vocabulary and the texts with no vocabulary word.</summary>
    private UnknownWordCensus CountUnknownWords(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        var merged = new Dictionary<string, long>(StringComparer.Ordinal);
        long words = 0, unknownWords = 0;
        int withoutKnown = 0;
        var gate = new object();
        Parallel.ForEach(Partitioner.Create(0, texts.Count, Math.Clamp(texts.Count / (Environment.ProcessorCount * 8), 1, 256)), parallel,
            () => (Ids: new List<int>(512), Counter: new UnknownWordCounter(keepWords: _options.UnknownWords == UnknownWordHandling.HashedCharacterNgrams), Words: 0L, Without: 0),
            (range, _, local) =>
            {
                for (int i = range.Item1; i < range.Item2; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    local.Ids.Clear();
                    local.Words += SifTokenizer.Tokenize(texts[i], _vectors.Lookup, local.Ids, local.Counter);
                    if (local.Ids.Count == 0)
                    {
                        local.Without++;
                    }
                }

                return local;
            },
            local =>
            {
                lock (gate)
                {
                    words += local.Words;
                    withoutKnown += local.Without;
                    unknownWords += local.Counter.Total;
                    foreach (var (word, count) in local.Counter.Counts)
                    {
                        merged[word] = merged.GetValueOrDefault(word) + count;
                    }
                }
            });
        return new UnknownWordCensus(merged, words, unknownWords, withoutKnown);
    }

    /// <summary>The probabilities of the unknown words frequent enough to get a SIF weight below 0.99 (at most <see cref="MaxUnknownWordTable"/>).</summary>
    private static Dictionary<string, double> UnknownWordTable(UnknownWordCensus census, double smoothing)
    {
        var table = new Dictionary<string, double>(StringComparer.Ordinal);
        if (census.Words == 0)
        {
            return table;
        }

        double threshold = smoothing / 99;
        foreach (var (word, count) in census.Counts
            .Where(kv => (double)kv.Value / census.Words > threshold)
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxUnknownWordTable))
        {
            table[word] = (double)count / census.Words;
        }

        return table;
    }

    private void Finish(Span<float> row)
    {
        foreach (float[] u in _components)
        {
            float dot = TensorPrimitives.Dot(row, u);
            TensorPrimitives.MultiplyAdd(u, -dot, row, row);
        }

        if (_options.Normalize)
        {
            float norm = TensorPrimitives.Norm(row);
            if (norm > 1e-12f)
            {
                TensorPrimitives.Divide(row, norm, row);
            }
            else
            {
                row.Clear();
            }
        }
    }

    /// <summary>The top-<paramref name="k"/> right singular vectors of the (uncentered) rows, as SIF's TruncatedSVD finds them.</summary>
    private (List<float[]> Components, double Explained, int Used) TopComponents(EmbeddingMatrix x, int k, CancellationToken cancellationToken)
    {
        int dim = x.Dimension;
        const int Chunk = 512;
        int chunks = (x.Rows + Chunk - 1) / Chunk;
        var partial = new double[chunks][];
        var used = new int[chunks];
        var parallel = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism };
        Parallel.For(0, chunks, parallel, c =>
        {
            var gram = new double[dim * dim];
            var row = new double[dim];
            int end = Math.Min(x.Rows, (c + 1) * Chunk);
            for (int r = c * Chunk; r < end; r++)
            {
                ReadOnlySpan<float> src = x[r];
                if (TensorPrimitives.MaxMagnitude(src) == 0)
                {
                    continue;
                }

                used[c]++;
                for (int j = 0; j < dim; j++)
                {
                    row[j] = src[j];
                }

                for (int a = 0; a < dim; a++)
                {
                    TensorPrimitives.MultiplyAdd<double>(row, row[a], gram.AsSpan(a * dim, dim), gram.AsSpan(a * dim, dim));
                }
            }

            partial[c] = gram;
        });

        // Sum the chunks in a fixed order so the result is bit-for-bit reproducible.
        var total = new double[dim * dim];
        foreach (double[] p in partial)
        {
            TensorPrimitives.Add<double>(total, p, total);
        }

        var evd = Matrix<double>.Build.Dense(dim, dim, total).Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, dim).OrderByDescending(i => evd.EigenValues[i].Real).ThenBy(i => i).ToArray();
        double trace = Enumerable.Range(0, dim).Sum(i => Math.Max(0, evd.EigenValues[i].Real));
        var components = new List<float[]>(k);
        double explained = 0;
        for (int c = 0; c < k; c++)
        {
            int i = order[c];
            explained += Math.Max(0, evd.EigenValues[i].Real);
            var v = new float[dim];
            int argMax = 0;
            for (int j = 0; j < dim; j++)
            {
                v[j] = (float)evd.EigenVectors[j, i];
                if (Math.Abs(v[j]) > Math.Abs(v[argMax]))
                {
                    argMax = j;
                }
            }

            // A fixed sign (largest coordinate positive) keeps the model identity stable.
            if (v[argMax] < 0)
            {
                TensorPrimitives.Negate(v, v);
            }

            components.Add(Unit(v));
        }

        return (components, trace > 0 ? explained / trace : 0, used.Sum());
    }

    private static float[] Unit(float[] v)
    {
        var u = (float[])v.Clone();
        float norm = TensorPrimitives.Norm(u);
        TensorPrimitives.Divide(u, norm, u);
        return u;
    }

    private static float[] ComputeWeights(WordVectors vectors, int sourceVocabularySize, GloveSifEmbedderOptions options)
    {
        var p = new double[vectors.Count];
        double s = options.ZipfExponent;
        double harmonic = 0;
        for (int r = 1; r <= sourceVocabularySize; r++)
        {
            harmonic += Math.Pow(r, -s);
        }

        for (int i = 0; i < p.Length; i++)
        {
            p[i] = Math.Pow(vectors.Ranks[i], -s) / harmonic;
        }

        if (options.WordFrequencies is { } table)
        {
            double sum = table.Values.Sum();
            double min = table.Values.Where(v => v > 0).Min() / sum;
            for (int i = 0; i < p.Length; i++)
            {
                p[i] = table.TryGetValue(vectors.Words[i], out double count) && count > 0 ? count / sum : min;
            }
        }

        var weights = new float[p.Length];
        double a = options.Smoothing;
        for (int i = 0; i < p.Length; i++)
        {
            weights[i] = (float)(a / (a + p[i]));
        }

        return weights;
    }

    private string BuildModelId()
    {
        var sb = new StringBuilder();
        sb.Append(_modelPrefix).Append("-sif/v1")
          .Append(";vectors=").Append(_vectors.ContentHash)
          .Append(";words=").Append(_vectors.Count.ToString(CultureInfo.InvariantCulture))
          .Append(";a=").Append(_options.Smoothing.ToString("R", CultureInfo.InvariantCulture));
        if (_options.WordFrequencies is { } table)
        {
            var text = string.Join('\n', table.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\t" + kv.Value.ToString("R", CultureInfo.InvariantCulture)));
            sb.Append(";p=table:").Append(Hash(Encoding.UTF8.GetBytes(text)));
        }
        else
        {
            sb.Append(";p=zipf").Append(_options.ZipfExponent.ToString("R", CultureInfo.InvariantCulture));
        }

        if (_components.Length == 0)
        {
            sb.Append(";pc=none");
        }
        else
        {
            var bytes = _components.SelectMany(c => MemoryMarshal.AsBytes(c.AsSpan()).ToArray()).ToArray();
            sb.Append(";pc=").Append(_components.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(Hash(bytes));
        }

        sb.Append(";norm=").Append(_options.Normalize ? '1' : '0');
        if (_options.UnknownWords == UnknownWordHandling.HashedCharacterNgrams)
        {
            // Ignore adds nothing, so its identity is that of the versions before unknown words had vectors.
            sb.Append(";oov=").Append(HashedNgramVectors.Method).Append(':');
            if (_options.UnknownWordProbabilities is { } unknown)
            {
                var text = string.Join('\n', unknown.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "\t" + kv.Value.ToString("R", CultureInfo.InvariantCulture)));
                sb.Append(unknown.Count.ToString(CultureInfo.InvariantCulture)).Append(':').Append(Hash(Encoding.UTF8.GetBytes(text)));
            }
            else
            {
                sb.Append("unfitted");
            }
        }

        return sb.ToString();
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    [LoggerMessage(Level = LogLevel.Information, Message = "Fitted {Components} common component(s) of SIF on {Used} of {Sampled} sampled texts ({Explained:P1} of the energy); model {ModelId}")]
    private partial void LogFitted(int components, int used, int sampled, double explained, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "SIF: {Share:P1} of the sampled words are outside the vocabulary and {Without} of {Sampled} sampled texts have no vocabulary word; unknown words are embedded by their hashed character n-grams ({Table} frequent ones weighted by their frequency in the sample)")]
    private partial void LogUnknownWordsHashed(double share, int without, int sampled, int table);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SIF: {Without} of {Sampled} sampled texts have no vocabulary word ({Share:P1} of the words are unknown) and will embed to the zero vector, all in one cluster; set GloveSifEmbedderOptions.UnknownWords = HashedCharacterNgrams, or use an OnnxEmbedder with a model for the corpus's languages")]
    private partial void LogUnknownWordsIgnored(int without, int sampled, double share);

    [LoggerMessage(Level = LogLevel.Information, Message = "GloveSifEmbedder is not fitted: no common component is removed (call FitAsync on the corpus first for full SIF)")]
    private partial void LogUnfitted();

    /// <summary>The most unknown words whose probabilities a fit keeps.</summary>
    private const int MaxUnknownWordTable = 50_000;

    /// <summary>What <see cref="CountUnknownWords"/> found in a sample.</summary>
    private sealed record UnknownWordCensus(Dictionary<string, long> Counts, long Words, long UnknownWords, int TextsWithoutKnownWords)
    {
        public double ShareOfWords => Words == 0 ? 0 : (double)UnknownWords / Words;
    }

    /// <summary>The fit saved by <see cref="ICorpusFittedEmbedder.SaveFit"/> when unknown words get vectors.</summary>
    private sealed class SavedFit
    {
        public float[][]? CommonComponents { get; set; }

        public SortedDictionary<string, double>? UnknownWordProbabilities { get; set; }
    }

    /// <summary>Counts unknown words (one instance per thread).</summary>
    private sealed class UnknownWordCounter : UnknownWordSink
    {
        private readonly Dictionary<string, long>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private readonly bool _keepWords;

        /// <param name="keepWords">Whether each word is counted (for the probability table) or only their total (for the log).</param>
        public UnknownWordCounter(bool keepWords)
        {
            _keepWords = keepWords;
            Counts = new Dictionary<string, long>(StringComparer.Ordinal);
            _lookup = Counts.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public Dictionary<string, long> Counts { get; }

        public long Total { get; private set; }

        public override void Add(ReadOnlySpan<char> word)
        {
            Total++;
            if (_keepWords)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_lookup, word, out _)++;
            }
        }
    }

    /// <summary>One thread's working state while embedding: the known words' indices and the unknown words' vectors.</summary>
    private sealed class TextState
    {
        private readonly GloveSifEmbedder _owner;
        private readonly float[] _unknownSum;
        private readonly float[] _scratch;
        private readonly Sink? _sink;

        public TextState(GloveSifEmbedder owner)
        {
            _owner = owner;
            _unknownSum = new float[owner._vectors.Dimension];
            _scratch = new float[owner._vectors.Dimension];
            _sink = owner._unknownVectors is null ? null : new Sink(this);
        }

        public List<int> Ids { get; } = new(512);

        public UnknownWordSink? Unknown => _sink;

        /// <summary>Gets how many unknown words of the current text contributed a vector.</summary>
        public int UnknownWords { get; private set; }

        /// <summary>Starts a new text.</summary>
        public void Begin()
        {
            UnknownWords = 0;
            if (_sink is not null)
            {
                Array.Clear(_unknownSum);
            }
        }

        /// <summary>Adds the current text's unknown-word vectors to its row (after the known words, in a fixed order).</summary>
        public void AddUnknownTo(Span<float> row)
        {
            if (UnknownWords > 0)
            {
                TensorPrimitives.Add(row, _unknownSum, row);
            }
        }

        private void Add(ReadOnlySpan<char> word)
        {
            float weight = _owner._unknownWeights.TryGetValue(word, out float w) ? w : 1f;
            _owner._unknownVectors!.Add(word, weight, _unknownSum, _scratch);
            UnknownWords++;
        }

        private sealed class Sink(TextState state) : UnknownWordSink
        {
            public override void Add(ReadOnlySpan<char> word) => state.Add(word);
        }
    }
}

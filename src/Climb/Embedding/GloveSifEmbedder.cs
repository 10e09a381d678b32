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
/// <para>A text with no vocabulary word becomes the zero vector (never NaN).</para>
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
        int k = _options.ComponentsToRemove;
        if (k == 0)
        {
            return this;
        }

        var x = await Task.Run(() => Compute(texts, finish: false, cancellationToken), cancellationToken).ConfigureAwait(false);
        var (components, explained, used) = await Task.Run(() => TopComponents(x, k, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (used < k)
        {
            throw new ArgumentException($"The fitting sample has {used} texts with known words; at least {k} are needed.", nameof(sample));
        }

        var options = _options.Clone();
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
    bool ICorpusFittedEmbedder.IsFitted => IsFitted || _options.ComponentsToRemove == 0;

    /// <inheritdoc />
    async Task<ICorpusFittedEmbedder> ICorpusFittedEmbedder.FitAsync(IAsyncEnumerable<Document> corpus, CancellationToken cancellationToken) =>
        await FitAsync(corpus, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    void ICorpusFittedEmbedder.SaveFit(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        System.Text.Json.JsonSerializer.Serialize(destination, _options.CommonComponents ?? []);
    }

    /// <inheritdoc />
    ICorpusFittedEmbedder ICorpusFittedEmbedder.LoadFit(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        float[][] components;
        try
        {
            components = System.Text.Json.JsonSerializer.Deserialize<float[][]>(source) ?? [];
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
        return new GloveSifEmbedder(_vectors, SourceVocabularySize, _modelPrefix, options, _logger);
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
        Parallel.ForEach(Partitioner.Create(0, texts.Count, rangeSize), parallel, () => new List<int>(512), (range, _, ids) =>
        {
            for (int i = range.Item1; i < range.Item2; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                ids.Clear();
                SifTokenizer.Tokenize(texts[i], _vectors.Lookup, ids);
                Span<float> row = data.AsSpan(i * dim, dim);
                if (ids.Count == 0)
                {
                    continue;
                }

                foreach (int id in CollectionsMarshal.AsSpan(ids))
                {
                    TensorPrimitives.MultiplyAdd(_vectors.Vector(id), _weights[id], row, row);
                }

                TensorPrimitives.Multiply(row, 1f / ids.Count, row);
                if (finish)
                {
                    Finish(row);
                }
            }

            return ids;
        }, _ => { });
        return result;
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
        return sb.ToString();
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes))[..16];

    [LoggerMessage(Level = LogLevel.Information, Message = "Fitted {Components} common component(s) of SIF on {Used} of {Sampled} sampled texts ({Explained:P1} of the energy); model {ModelId}")]
    private partial void LogFitted(int components, int used, int sampled, double explained, string modelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "GloveSifEmbedder is not fitted: no common component is removed (call FitAsync on the corpus first for full SIF)")]
    private partial void LogUnfitted();
}

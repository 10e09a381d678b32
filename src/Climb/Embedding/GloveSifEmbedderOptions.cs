using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="GloveSifEmbedder"/>.</summary>
/// <remarks>
/// The options are plain data and serialize with System.Text.Json, so a fitted embedder
/// (<see cref="GloveSifEmbedder.Options"/>, which includes <see cref="CommonComponents"/>) can be saved and
/// recreated later with exactly the same <see cref="EmbedderInfo.ModelId"/>.
/// </remarks>
public sealed class GloveSifEmbedderOptions : IValidatableOptions
{
    /// <summary>Gets or sets the SIF smoothing parameter <c>a</c>: a word of probability <c>p</c> gets the weight <c>a / (a + p)</c>.</summary>
    /// <value>Default 1e-3 (the value Arora et al. 2017 recommend for English).</value>
    [Range(1e-8, 1.0)]
    public double Smoothing { get; set; } = 1e-3;

    /// <summary>Gets or sets the Zipf exponent <c>s</c> used to estimate word probabilities from frequency ranks, <c>p(r) ∝ r^-s</c>.</summary>
    /// <value>Default 1.0 (Zipf's law for English). Ignored for words listed in <see cref="WordFrequencies"/>.</value>
    [Range(0.5, 2.0)]
    public double ZipfExponent { get; set; } = 1.0;

    /// <summary>Gets or sets optional word counts (or probabilities) that replace the Zipf estimate.</summary>
    /// <value>
    /// Default <see langword="null"/>. Keys are lower-case words; values are non-negative counts, normalized to sum to 1.
    /// Vocabulary words absent from the table get the smallest probability present in it.
    /// </value>
    public IDictionary<string, double>? WordFrequencies { get; set; }

    /// <summary>Gets or sets what a word outside the vocabulary contributes to a text's vector.</summary>
    /// <value>
    /// Default <see cref="UnknownWordHandling.HashedCharacterNgrams"/>: a vector of the word's hashed character n-grams,
    /// so that texts in languages or scripts the English GloVe vocabulary lacks still get distinct vectors.
    /// <see cref="UnknownWordHandling.Ignore"/> is the plain SIF of earlier versions (same model identity).
    /// </value>
    public UnknownWordHandling UnknownWords { get; set; } = UnknownWordHandling.HashedCharacterNgrams;

    /// <summary>Gets or sets the probabilities of the frequent words outside the vocabulary, used for their SIF weights.</summary>
    /// <value>
    /// Default <see langword="null"/>: every unknown word gets the weight of a rare word (about 1).
    /// <see cref="GloveSifEmbedder.FitAsync(IEnumerable{string}, CancellationToken)"/> fills it with the unknown words of
    /// the fitting sample frequent enough to get a SIF weight below 0.99 (probability above <c>Smoothing / 99</c>, at most
    /// 50,000 words); keys are lower-case words, values probabilities among all the sample's words.
    /// Used only with <see cref="UnknownWordHandling.HashedCharacterNgrams"/>.
    /// </value>
    public IDictionary<string, double>? UnknownWordProbabilities { get; set; }

    /// <summary>Gets or sets how many common components (principal directions of the corpus) <see cref="GloveSifEmbedder.FitAsync(IEnumerable{string}, CancellationToken)"/> finds and removes.</summary>
    /// <value>Default 1, as in SIF. 0 disables the removal.</value>
    [Range(0, 20)]
    public int ComponentsToRemove { get; set; } = 1;

    /// <summary>Gets or sets the fitted common components (unit vectors of the embedding dimension) projected out of every vector.</summary>
    /// <value>
    /// Default <see langword="null"/>: not fitted, nothing is removed. <see cref="GloveSifEmbedder.FitAsync(IEnumerable{string}, CancellationToken)"/>
    /// fills it; set it yourself to restore a fitted embedder.
    /// </value>
    public IList<float[]>? CommonComponents { get; set; }

    /// <summary>Gets or sets a value indicating whether every vector is scaled to unit length.</summary>
    /// <value>Default <see langword="true"/>. A text with no known word stays the zero vector either way.</value>
    public bool Normalize { get; set; } = true;

    /// <summary>Gets or sets how many documents <see cref="GloveSifEmbedder.FitAsync(IAsyncEnumerable{Document}, CancellationToken)"/> samples (reservoir sampling over the whole stream).</summary>
    /// <value>Default 20,000.</value>
    [Range(1, 10_000_000)]
    public int FitSampleSize { get; set; } = 20_000;

    /// <summary>Gets or sets the seed of the fitting sample.</summary>
    /// <value>Default 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the maximum number of threads; -1 uses all cores.</summary>
    /// <value>Default -1.</value>
    [Range(-1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = -1;

    /// <summary>Creates a deep copy.</summary>
    /// <returns>The copy.</returns>
    public GloveSifEmbedderOptions Clone() => new()
    {
        Smoothing = Smoothing,
        ZipfExponent = ZipfExponent,
        WordFrequencies = WordFrequencies is null ? null : new Dictionary<string, double>(WordFrequencies, StringComparer.Ordinal),
        UnknownWords = UnknownWords,
        UnknownWordProbabilities = UnknownWordProbabilities is null ? null : new Dictionary<string, double>(UnknownWordProbabilities, StringComparer.Ordinal),
        ComponentsToRemove = ComponentsToRemove,
        CommonComponents = CommonComponents?.Select(c => (float[])c.Clone()).ToList(),
        Normalize = Normalize,
        FitSampleSize = FitSampleSize,
        Seed = Seed,
        MaxDegreeOfParallelism = MaxDegreeOfParallelism,
    };

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (MaxDegreeOfParallelism == 0)
        {
            yield return $"{nameof(MaxDegreeOfParallelism)} must be -1 (all cores) or positive.";
        }

        if (WordFrequencies is not null)
        {
            foreach (var (word, value) in WordFrequencies)
            {
                if (!double.IsFinite(value) || value < 0)
                {
                    yield return $"{nameof(WordFrequencies)}['{word}'] is {value}; counts must be finite and non-negative.";
                    break;
                }
            }

            if (!WordFrequencies.Values.Any(v => v > 0))
            {
                yield return $"{nameof(WordFrequencies)} has no positive count.";
            }
        }

        if (!Enum.IsDefined(UnknownWords))
        {
            yield return $"{nameof(UnknownWords)} is {(int)UnknownWords}; expected Ignore or HashedCharacterNgrams.";
        }

        if (UnknownWordProbabilities is not null)
        {
            foreach (var (word, value) in UnknownWordProbabilities)
            {
                if (!double.IsFinite(value) || value < 0 || value > 1)
                {
                    yield return $"{nameof(UnknownWordProbabilities)}['{word}'] is {value}; a probability must be between 0 and 1.";
                    break;
                }
            }
        }

        if (CommonComponents is not null)
        {
            for (int i = 0; i < CommonComponents.Count; i++)
            {
                float[]? c = CommonComponents[i];
                if (c is null || c.Any(v => !float.IsFinite(v)) || c.All(v => v == 0))
                {
                    yield return $"{nameof(CommonComponents)}[{i}] must be a finite, non-zero vector.";
                }
            }
        }
    }
}

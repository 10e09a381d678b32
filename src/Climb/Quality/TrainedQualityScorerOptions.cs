using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The learner used per criterion by <see cref="TrainedQualityScorer"/>.</summary>
public enum QualityModelAlgorithm
{
    /// <summary>LightGBM gradient-boosted regression trees.</summary>
    LightGbm,

    /// <summary>SDCA linear regression (closest to fastText's linear model over n-gram features).</summary>
    Sdca,
}

/// <summary>Options for training a <see cref="TrainedQualityScorer"/>.</summary>
public sealed class TrainedQualityScorerOptions : IValidatableOptions
{
    /// <summary>Gets the field names of the annotation file.</summary>
    public QualityAnnotationFields Fields { get; } = new();

    /// <summary>Gets or sets the learner.</summary>
    /// <value>The default is <see cref="QualityModelAlgorithm.Sdca"/>: a linear model over the sparse n-gram features,
    /// like fastText, and an order of magnitude faster to train than LightGBM on such wide vectors (see docs/quality.md).</value>
    public QualityModelAlgorithm Algorithm { get; set; } = QualityModelAlgorithm.Sdca;

    /// <summary>Gets or sets the seed of the <c>MLContext</c>, the hold-out split and the learners.</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the fraction of annotations held out to measure accuracy and mean absolute error.</summary>
    /// <value>The default is 0.2. Zero trains on everything and reports no held-out metrics.</value>
    [Range(0.0, 0.9)]
    public double HoldOutFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the longest word n-gram (all lengths from 1 are used).</summary>
    /// <value>The default is 2.</value>
    [Range(1, 4)]
    public int WordNgramLength { get; set; } = 2;

    /// <summary>Gets or sets the shortest character n-gram.</summary>
    /// <value>The default is 3.</value>
    [Range(1, 8)]
    public int CharNgramMinLength { get; set; } = 3;

    /// <summary>Gets or sets the longest character n-gram.</summary>
    /// <value>The default is 5.</value>
    [Range(1, 8)]
    public int CharNgramMaxLength { get; set; } = 5;

    /// <summary>Gets or sets the number of hash bits per character n-gram length (2^bits buckets, as fastText's bucket hashing).</summary>
    /// <value>The default is 16.</value>
    [Range(8, 24)]
    public int CharNgramHashBits { get; set; } = 16;

    /// <summary>Gets or sets the number of training documents a feature (n-gram) must occur in to be kept; rarer
    /// features are dropped before learning, which keeps LightGBM fast on sparse n-gram vectors.</summary>
    /// <value>The default is 5.</value>
    [Range(1, 1_000_000)]
    public int MinFeatureDocumentCount { get; set; } = 5;

    /// <summary>Gets or sets how many leading characters of each text are featurised.</summary>
    /// <value>The default is 4000.</value>
    [Range(64, 1_000_000)]
    public int MaxTextCharacters { get; set; } = 4000;

    /// <summary>Gets or sets the number of boosting iterations (LightGBM).</summary>
    /// <value>The default is 100.</value>
    [Range(1, 100_000)]
    public int NumberOfIterations { get; set; } = 100;

    /// <summary>Gets or sets the maximum number of passes over the data (SDCA).</summary>
    /// <value>The default is 30.</value>
    [Range(1, 100_000)]
    public int SdcaMaximumIterations { get; set; } = 30;

    /// <summary>Gets or sets the number of leaves per tree (LightGBM).</summary>
    /// <value>The default is 31.</value>
    [Range(2, 131_072)]
    public int NumberOfLeaves { get; set; } = 31;

    /// <summary>Gets or sets the learning rate (LightGBM).</summary>
    /// <value>The default is 0.1.</value>
    [Range(1e-6, 1.0)]
    public double LearningRate { get; set; } = 0.1;

    /// <summary>Gets or sets the minimum number of examples per leaf (LightGBM).</summary>
    /// <value>The default is 5.</value>
    [Range(1, 1_000_000)]
    public int MinimumExampleCountPerLeaf { get; set; } = 5;

    /// <summary>Gets or sets the number of threads of the learners; <see langword="null"/> lets them choose.</summary>
    /// <value>The default is <see langword="null"/>.</value>
    [Range(1, 4096)]
    public int? NumberOfThreads { get; set; }

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (CharNgramMinLength > CharNgramMaxLength)
        {
            yield return $"CharNgramMinLength ({CharNgramMinLength}) must not exceed CharNgramMaxLength ({CharNgramMaxLength}).";
        }

        foreach (var error in Fields.Validate())
        {
            yield return error;
        }
    }
}

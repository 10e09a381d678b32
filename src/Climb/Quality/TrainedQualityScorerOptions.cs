using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The learner used per criterion by <see cref="TrainedQualityScorer"/>.</summary>
public enum QualityModelAlgorithm
{
    /// <summary>A linear regression over hashed word and character n-grams trained with AdaGrad (fastText's model
    /// without the low-rank embedding), one per criterion.</summary>
    HashedLinear,
}

/// <summary>Options for training a <see cref="TrainedQualityScorer"/>.</summary>
public sealed class TrainedQualityScorerOptions : IValidatableOptions
{
    /// <summary>Gets the field names of the annotation file.</summary>
    public QualityAnnotationFields Fields { get; } = new();

    /// <summary>Gets or sets the seed of the hold-out split and of the training order.</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the fraction of annotations held out to measure accuracy and mean absolute error.</summary>
    /// <value>The default is 0.2. Zero trains on everything and reports no held-out metrics.</value>
    [Range(0.0, 0.9)]
    public double HoldOutFraction { get; set; } = 0.2;

    /// <summary>Gets or sets the longest word n-gram (all lengths from 1 are used), as fastText's <c>-wordNgrams</c>.</summary>
    /// <value>The default is 2.</value>
    [Range(1, 4)]
    public int WordNgramLength { get; set; } = 2;

    /// <summary>Gets or sets the shortest character n-gram of a word (with boundary markers), as fastText's <c>-minn</c>.</summary>
    /// <value>The default is 3.</value>
    [Range(1, 8)]
    public int CharNgramMinLength { get; set; } = 3;

    /// <summary>Gets or sets the longest character n-gram of a word, as fastText's <c>-maxn</c>.</summary>
    /// <value>The default is 5.</value>
    [Range(1, 8)]
    public int CharNgramMaxLength { get; set; } = 5;

    /// <summary>Gets or sets the number of hash bits: all features share 2^bits buckets (fastText's <c>-bucket</c>).</summary>
    /// <value>The default is 18 (262,144 buckets, 4 MB of weights for the four models, which stay in cache while scoring).</value>
    [Range(8, 26)]
    public int HashBits { get; set; } = 18;

    /// <summary>Gets or sets the number of passes over the training data.</summary>
    /// <value>The default is 8.</value>
    [Range(1, 1000)]
    public int Epochs { get; set; } = 8;

    /// <summary>Gets or sets the AdaGrad learning rate.</summary>
    /// <value>The default is 0.2.</value>
    [Range(1e-6, 10.0)]
    public double LearningRate { get; set; } = 0.2;

    /// <summary>Gets or sets the L2 penalty on the weights.</summary>
    /// <value>The default is 1e-6.</value>
    [Range(0.0, 1.0)]
    public double L2 { get; set; } = 1e-6;

    /// <summary>Gets or sets how many leading characters of each text are featurised.</summary>
    /// <value>The default is 4000.</value>
    [Range(64, 1_000_000)]
    public int MaxTextCharacters { get; set; } = 4000;

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

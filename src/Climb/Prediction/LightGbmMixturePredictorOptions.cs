using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="LightGbmMixturePredictor"/>; the defaults are the CLIMB paper's LightGBM settings.</summary>
public sealed class LightGbmMixturePredictorOptions
{
    /// <summary>Gets or sets the boosting learning rate.</summary>
    /// <value>0.01.</value>
    [Range(1e-6, 1.0)]
    public double LearningRate { get; set; } = 0.01;

    /// <summary>Gets or sets the largest number of boosting rounds.</summary>
    /// <value>1000.</value>
    [Range(1, 100_000)]
    public int MaximumIterations { get; set; } = 1000;

    /// <summary>Gets or sets the largest tree depth.</summary>
    /// <value>4 (so at most 16 leaves).</value>
    [Range(1, 30)]
    public int MaximumTreeDepth { get; set; } = 4;

    /// <summary>Gets or sets the smallest number of training mixtures in a leaf.</summary>
    /// <value>5.</value>
    [Range(1, 1_000_000)]
    public int MinimumExamplesPerLeaf { get; set; } = 5;

    /// <summary>Gets or sets the L1 regularisation of leaf values.</summary>
    /// <value>1.</value>
    [Range(0.0, 1e6)]
    public double L1Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets the L2 regularisation of leaf values.</summary>
    /// <value>1.</value>
    [Range(0.0, 1e6)]
    public double L2Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets after how many rounds without improvement on the validation split boosting stops; 0 disables early stopping.</summary>
    /// <value>20.</value>
    [Range(0, 100_000)]
    public int EarlyStoppingRounds { get; set; } = 20;

    /// <summary>Gets or sets the fraction of the training mixtures held out as the early-stopping validation split.</summary>
    /// <value>0.2.</value>
    [Range(0.01, 0.9)]
    public double ValidationFraction { get; set; } = 0.2;

    /// <summary>
    /// Gets or sets whether, once early stopping has chosen the number of rounds, the model is retrained with that many
    /// rounds on all the mixtures (validation split included), so no proxy result is wasted.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool RefitOnAllData { get; set; } = true;

    /// <summary>Gets or sets the number of cross-validation folds behind the reported held-out Spearman correlation.</summary>
    /// <value>5.</value>
    [Range(2, 100)]
    public int CrossValidationFolds { get; set; } = 5;

    /// <summary>Gets or sets LightGBM's thread count; 1 keeps fits bit-for-bit reproducible (the data sets are tiny anyway).</summary>
    /// <value>1.</value>
    [Range(1, 1024)]
    public int NumberOfThreads { get; set; } = 1;

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"lightgbm(lr={LearningRate:R},it={MaximumIterations},depth={MaximumTreeDepth},leaf={MinimumExamplesPerLeaf},l1={L1Regularization:R},l2={L2Regularization:R},es={EarlyStoppingRounds},val={ValidationFraction:R},refit={RefitOnAllData},cv={CrossValidationFolds},threads={NumberOfThreads})");
}

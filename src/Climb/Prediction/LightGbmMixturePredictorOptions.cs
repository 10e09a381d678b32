using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>
/// Options of <see cref="LightGbmMixturePredictor"/>. The defaults are plain small-sample boosting (200 trees of depth 3 at
/// learning rate 0.05, no early stopping, standardised targets), which ranks well from a few dozen proxy results;
/// <see cref="Paper"/> gives the CLIMB paper's settings.
/// </summary>
/// <remarks>
/// LightGBM's L1/L2 penalties act on sums of gradients, which for squared error are residuals in the target's own units.
/// Proxy losses of one search differ by a few hundredths of a nat, so an L1 penalty of 1 on raw targets zeroes every leaf and
/// every split gain: the booster keeps no tree and predicts the mean. <see cref="StandardizeTargets"/> (on by default, also
/// in the paper preset) makes the penalties scale-free.
/// </remarks>
public sealed class LightGbmMixturePredictorOptions : IValidatableOptions
{
    /// <summary>Gets or sets the boosting learning rate.</summary>
    /// <value>0.05.</value>
    [Range(1e-6, 1.0)]
    public double LearningRate { get; set; } = 0.05;

    /// <summary>Gets or sets the largest number of boosting rounds (the number of rounds when early stopping is off).</summary>
    /// <value>200.</value>
    [Range(1, 100_000)]
    public int MaximumIterations { get; set; } = 200;

    /// <summary>Gets or sets the largest tree depth; 0 sets no limit (then <see cref="MaximumLeaves"/> must be set).</summary>
    /// <value>3 (so at most 8 leaves).</value>
    [Range(0, 30)]
    public int MaximumTreeDepth { get; set; } = 3;

    /// <summary>Gets or sets the largest number of leaves per tree; <see langword="null"/> allows 2^<see cref="MaximumTreeDepth"/>.</summary>
    /// <value><see langword="null"/>.</value>
    [Range(2, 131_072)]
    public int? MaximumLeaves { get; set; }

    /// <summary>Gets or sets the smallest number of training mixtures in a leaf.</summary>
    /// <value>2.</value>
    [Range(1, 1_000_000)]
    public int MinimumExamplesPerLeaf { get; set; } = 2;

    /// <summary>Gets or sets the L1 regularisation of leaf values (on standardised targets when <see cref="StandardizeTargets"/> is on).</summary>
    /// <value>0.</value>
    [Range(0.0, 1e6)]
    public double L1Regularization { get; set; }

    /// <summary>Gets or sets the L2 regularisation of leaf values (on standardised targets when <see cref="StandardizeTargets"/> is on).</summary>
    /// <value>1.</value>
    [Range(0.0, 1e6)]
    public double L2Regularization { get; set; } = 1.0;

    /// <summary>Gets or sets whether the targets are standardised (zero mean, unit spread) before boosting and the predictions mapped back, so the penalties do not depend on the objective's units.</summary>
    /// <value><see langword="true"/>.</value>
    public bool StandardizeTargets { get; set; } = true;

    /// <summary>Gets or sets after how many rounds without improvement on the validation split boosting stops; 0 disables early stopping.</summary>
    /// <value>0 (with a few dozen points the validation split holds about six, too few to choose a round count).</value>
    [Range(0, 100_000)]
    public int EarlyStoppingRounds { get; set; }

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

    /// <summary>Gets the CLIMB paper's settings (§4.1): learning rate 0.01, depth 4, at least 5 mixtures per leaf, L1 and L2 of 1, early stopping after 20 rounds on a 20% validation split; targets standardised.</summary>
    /// <returns>New options.</returns>
    public static LightGbmMixturePredictorOptions Paper() => new()
    {
        LearningRate = 0.01,
        MaximumIterations = 1000,
        MaximumTreeDepth = 4,
        MinimumExamplesPerLeaf = 5,
        L1Regularization = 1.0,
        L2Regularization = 1.0,
        EarlyStoppingRounds = 20,
        ValidationFraction = 0.2,
    };

    /// <summary>
    /// Gets RegMix's settings (its <c>regression.ipynb</c>: LightGBM's defaults of 31 leaves, no depth limit and 20 mixtures
    /// per leaf, learning rate 0.01, up to 1000 rounds, raw targets, no penalties) with early stopping after 3 rounds. RegMix
    /// stopped on its test mixtures; here the rounds are chosen on a 20% validation split of the training mixtures and the
    /// model is refitted on all of them, so no test result is seen.
    /// </summary>
    /// <returns>New options.</returns>
    public static LightGbmMixturePredictorOptions RegMix() => new()
    {
        LearningRate = 0.01,
        MaximumIterations = 1000,
        MaximumTreeDepth = 0,
        MaximumLeaves = 31,
        MinimumExamplesPerLeaf = 20,
        L1Regularization = 0,
        L2Regularization = 0,
        StandardizeTargets = false,
        EarlyStoppingRounds = 3,
        ValidationFraction = 0.2,
    };

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (MaximumTreeDepth == 0 && MaximumLeaves is null)
        {
            yield return "MaximumTreeDepth is 0 (no limit), so MaximumLeaves must be set.";
        }
    }

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"lightgbm(lr={LearningRate:R},it={MaximumIterations},depth={MaximumTreeDepth},{(MaximumLeaves is { } leaves ? $"leaves={leaves}," : string.Empty)}leaf={MinimumExamplesPerLeaf},l1={L1Regularization:R},l2={L2Regularization:R},std={StandardizeTargets},es={EarlyStoppingRounds},val={ValidationFraction:R},refit={RefitOnAllData},cv={CrossValidationFolds},threads={NumberOfThreads})");
}

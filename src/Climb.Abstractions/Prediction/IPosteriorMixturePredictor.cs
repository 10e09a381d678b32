namespace Climb;

/// <summary>
/// A fitted predictor with a posterior over the function it learnt (a Gaussian process): predictive means and variances,
/// and joint draws for Thompson sampling. Search strategies use it for acquisition rules and confidence bounds; predictors
/// without one (trees, ridge) give means only.
/// </summary>
public interface IPosteriorMixturePredictor : IFittedMixturePredictor
{
    /// <summary>Predicts the posterior mean and the variance of the learnt function (not of a new measurement) of many mixtures.</summary>
    /// <param name="mixtures">The mixtures.</param>
    /// <param name="mean">Receives one posterior mean per mixture (the same values as <see cref="IFittedMixturePredictor.Predict"/>).</param>
    /// <param name="variance">Receives one posterior variance per mixture, in the target's squared units.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    void PredictDistribution(IReadOnlyList<MixtureWeights> mixtures, Span<double> mean, Span<double> variance, CancellationToken cancellationToken = default);

    /// <summary>Draws functions from the joint posterior at the given mixtures (what Thompson sampling maximises).</summary>
    /// <param name="mixtures">The mixtures.</param>
    /// <param name="draws">How many joint draws.</param>
    /// <param name="seed">The random seed; the same seed gives the same draws.</param>
    /// <param name="cancellationToken">Cancels the sampling.</param>
    /// <returns><paramref name="draws"/> arrays, each with one value per mixture.</returns>
    double[][] SampleJoint(IReadOnlyList<MixtureWeights> mixtures, int draws, int seed, CancellationToken cancellationToken = default);
}

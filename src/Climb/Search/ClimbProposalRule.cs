namespace Climb;

/// <summary>How <see cref="ClimbSearchStrategy"/> chooses a later round's mixtures from the ranked candidates.</summary>
public enum ClimbProposalRule
{
    /// <summary>The paper's rule: the round's n mixtures drawn uniformly at random from the top max(n², floor) candidates by predicted value.</summary>
    TopOfPool = 0,

    /// <summary>
    /// Thompson sampling: each mixture is the best candidate under one joint draw from the predictor's posterior (a Gaussian
    /// process), so a round explores where the model is unsure and exploits where it is confident. Needs a predictor whose fit
    /// is an <see cref="IPosteriorMixturePredictor"/>; with any other the round takes the top candidates by predicted value.
    /// </summary>
    ThompsonSampling = 1,
}

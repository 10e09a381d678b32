namespace Climb;

/// <summary>Where <see cref="ClimbSearchStrategy"/> draws the candidates it ranks for a round's proposals and its answer.</summary>
public enum ClimbCandidateRegion
{
    /// <summary>The paper's rule: fresh draws from the sampler (the prior over the whole simplex).</summary>
    Prior = 0,

    /// <summary>
    /// A trust region around the measured mixtures the predictor rates best: Dirichlet draws centred on them whose
    /// concentration doubles after a round that improved the best measurement and halves after one that did not
    /// (TuRBO-style), plus a share of draws from the sampler. The predictor is only asked where it has data.
    /// </summary>
    TrustRegion = 1,
}

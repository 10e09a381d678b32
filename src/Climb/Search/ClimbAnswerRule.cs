namespace Climb;

/// <summary>Which mixture <see cref="ClimbSearchStrategy"/> proposes as its answer (and puts first among the mixtures it confirms).</summary>
public enum ClimbAnswerRule
{
    /// <summary>The paper's rule: the candidate with the best predicted value (the predictor's argmax).</summary>
    PredictedBest = 0,

    /// <summary>The candidate with the best lower confidence bound (posterior mean minus <see cref="ClimbSearchStrategyOptions.ConfidenceBoundWidth"/> standard deviations): a mixture the model is sure is good, not one it merely hopes is. Needs an <see cref="IPosteriorMixturePredictor"/>; otherwise the predicted best.</summary>
    LowerConfidenceBound = 1,

    /// <summary>The normalised mean of the <see cref="ClimbSearchStrategyOptions.AnswerTopK"/> candidates with the best predicted values (RegMix's rule).</summary>
    TopKMean = 2,
}

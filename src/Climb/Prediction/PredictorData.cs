namespace Climb;

/// <summary>A predictor's training data: the features of every mixture and the targets, in training order.</summary>
/// <param name="Weights">The number of weights per mixture.</param>
/// <param name="X">The features of each mixture.</param>
/// <param name="Y">The targets.</param>
internal sealed record PredictorData(int Weights, double[][] X, double[] Y);

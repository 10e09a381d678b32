namespace Climb;

/// <summary>A measured run of a swarm, as <see cref="SwarmFitResult"/> reports it beside the answer.</summary>
/// <param name="Run">The run's id.</param>
/// <param name="Distance">The L1 distance of its mixture from the answer (0 to 2).</param>
/// <param name="Measured">Its measured objective, in the metric's units.</param>
/// <param name="PredictedOutOfFold">The objective the predictor gave it in cross-validation, by a model that never saw it; <see langword="null"/> when there was too little data for folds.</param>
internal sealed record SwarmNeighbor(string Run, double Distance, double Measured, double? PredictedOutOfFold);

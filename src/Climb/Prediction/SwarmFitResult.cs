namespace Climb;

/// <summary>What <see cref="SwarmFitter.Fit"/> found: the proposed mixture, what the predictor expects of it, and how far to trust it.</summary>
internal sealed class SwarmFitResult
{
    /// <summary>Gets the objective fitted: a metric column's name, or "mean of N metrics".</summary>
    public required string Objective { get; init; }

    /// <summary>Gets whether smaller or larger values of the objective are better.</summary>
    public required ObjectiveGoal Goal { get; init; }

    /// <summary>Gets where <see cref="Goal"/> came from: "given", or the metric names it was inferred from.</summary>
    public required string GoalSource { get; init; }

    /// <summary>Gets the component names, in the order of the weights.</summary>
    public required IReadOnlyList<string> Components { get; init; }

    /// <summary>Gets the proposed mixture.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets, when the answer is one of the given candidates, that candidate's run id; otherwise <see langword="null"/>.</summary>
    public string? CandidateRun { get; init; }

    /// <summary>Gets the predictor's value of the objective for <see cref="Mixture"/>, in the metric's units.</summary>
    public required double PredictedValue { get; init; }

    /// <summary>Gets how the answer was chosen, in words.</summary>
    public required string Method { get; init; }

    /// <summary>Gets the predictor's fit report: the chosen predictor and its cross-validated Spearman correlation.</summary>
    public required MixturePredictorReport Predictor { get; init; }

    /// <summary>Gets the number of runs the predictor was fitted on.</summary>
    public required int RunsUsed { get; init; }

    /// <summary>Gets the number of runs left out because they lack the objective (no metrics row, or an empty cell).</summary>
    public required int RunsWithoutObjective { get; init; }

    /// <summary>Gets the measured run with the best objective.</summary>
    public required SwarmNeighbor BestMeasured { get; init; }

    /// <summary>Gets the measured runs nearest the answer, nearest first.</summary>
    public required IReadOnlyList<SwarmNeighbor> Nearest { get; init; }

    /// <summary>Gets how many candidates were ranked.</summary>
    public required int CandidatesConsidered { get; init; }

    /// <summary>Gets how many candidates were dropped because the data cannot supply them (<see cref="SwarmFitOptions.TargetTokens"/>).</summary>
    public int CandidatesInfeasible { get; init; }

    /// <summary>Gets each component's largest feasible weight, or <see langword="null"/> when no feasibility bound applies.</summary>
    public IReadOnlyList<double>? MaximumWeights { get; init; }

    /// <summary>Gets the wall-clock time of the fit, the ranking included.</summary>
    public TimeSpan Elapsed { get; init; }
}

namespace Climb;

/// <summary>Held-out metrics of one criterion after training a <see cref="TrainedQualityScorer"/>.</summary>
/// <param name="Criterion">The criterion name (Quality, Advertisement, InformationalValue, EducationalValue).</param>
/// <param name="MeanAbsoluteError">The mean absolute error on held-out annotations.</param>
/// <param name="Accuracy">The fraction of held-out annotations whose rounded prediction equals the rounded label.</param>
public sealed record QualityCriterionMetrics(string Criterion, double MeanAbsoluteError, double Accuracy);

/// <summary>What training a <see cref="TrainedQualityScorer"/> produced.</summary>
public sealed class QualityTrainingReport
{
    /// <summary>Gets the number of annotations trained on.</summary>
    public required int TrainCount { get; init; }

    /// <summary>Gets the number of held-out annotations (0 when <see cref="TrainedQualityScorerOptions.HoldOutFraction"/> is 0).</summary>
    public required int TestCount { get; init; }

    /// <summary>Gets the learner used.</summary>
    public required QualityModelAlgorithm Algorithm { get; init; }

    /// <summary>Gets the held-out metrics per criterion (empty when nothing was held out).</summary>
    public required IReadOnlyList<QualityCriterionMetrics> Metrics { get; init; }

    /// <summary>Gets the wall-clock training time.</summary>
    public required TimeSpan Elapsed { get; init; }
}

/// <summary>A trained scorer together with its training report.</summary>
/// <param name="Scorer">The trained scorer (fitted on the training part).</param>
/// <param name="Report">Held-out metrics and counts.</param>
public sealed record QualityTrainingResult(TrainedQualityScorer Scorer, QualityTrainingReport Report);

namespace Climb;

/// <summary>Tokenises targets once per store and computes metrics and the composite objective from a scorer.</summary>
internal sealed class TargetEvaluator
{
    private readonly List<PreparedTarget> _targets;
    private readonly ProxyObjectiveOptions _objective;

    public TargetEvaluator(ITokenizedClusters store, IReadOnlyList<EvaluationTarget> targets, int maxSequenceLength, ProxyObjectiveOptions objective)
    {
        _objective = objective;
        int eot = store.ModelEndOfTextId;

        // Targets without an accuracy (texts) first, then the others, each kind in the caller's order: the objective sums in this order.
        _targets = targets.Select(t => t.Prepare(store, maxSequenceLength, eot)).OrderBy(p => p.HasAccuracy).ToList();
        Kind = objective.Kind switch
        {
            ProxyObjectiveKind.Auto => _targets.All(p => p.HasAccuracy) ? ProxyObjectiveKind.WeightedAccuracy : ProxyObjectiveKind.WeightedLoss,
            var k => k,
        };
        double weight = _targets.Where(p => Counts(p)).Sum(p => p.Target.Weight);
        if (!(weight > 0))
        {
            throw new ArgumentException(Kind == ProxyObjectiveKind.WeightedAccuracy
                ? "A WeightedAccuracy objective needs at least one multiple-choice target with a positive weight."
                : "The objective needs at least one target with a positive weight.", nameof(targets));
        }
    }

    public ProxyObjectiveKind Kind { get; }

    public ObjectiveGoal Goal => Kind == ProxyObjectiveKind.WeightedAccuracy ? ObjectiveGoal.Maximize : ObjectiveGoal.Minimize;

    public (Dictionary<string, double> Metrics, double Objective) Evaluate(ITokenScorer scorer, CancellationToken ct)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        double num = 0, den = 0;
        foreach (var t in _targets)
        {
            var (loss, accuracy) = t.Score(scorer.SumLogProbabilities(t.Requests, ct), metrics, _objective.MultipleChoiceMetric);
            if (Counts(t))
            {
                num += t.Target.Weight * (Kind == ProxyObjectiveKind.WeightedAccuracy ? accuracy!.Value : loss);
                den += t.Target.Weight;
            }
        }

        return (metrics, num / den);
    }

    /// <summary>Whether a target is a term of the objective: every target of a weighted loss, those with an accuracy of a weighted accuracy.</summary>
    private bool Counts(PreparedTarget t) => Kind != ProxyObjectiveKind.WeightedAccuracy || t.HasAccuracy;
}

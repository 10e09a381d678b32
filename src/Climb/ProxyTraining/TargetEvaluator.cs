using System.Text;

namespace Climb;

/// <summary>A sequence to score: the sum of log p(tokens[i] | tokens[..i]) for i from <see cref="ScoredFrom"/> to the end.</summary>
/// <param name="Tokens">Model ids.</param>
/// <param name="ScoredFrom">The first scored position (at least 1).</param>
internal readonly record struct ScoringRequest(int[] Tokens, int ScoredFrom);

/// <summary>A language model that can score token sequences (the TorchSharp transformer, the n-gram model).</summary>
internal interface ITokenScorer
{
    /// <summary>Gets the longest sequence (tokens) that can be scored at once.</summary>
    int MaxSequenceLength { get; }

    /// <summary>Returns the summed natural-log probability of the scored positions of each request.</summary>
    double[] SumLogProbabilities(IReadOnlyList<ScoringRequest> requests, CancellationToken cancellationToken);
}

/// <summary>Tokenises targets once per store and computes metrics and the composite objective from a scorer.</summary>
internal sealed class TargetEvaluator
{
    private readonly List<PreparedText> _texts = [];
    private readonly List<PreparedChoices> _choices = [];
    private readonly ProxyObjectiveOptions _objective;

    public TargetEvaluator(ITokenizedClusters store, IReadOnlyList<EvaluationTarget> targets, int maxSequenceLength, ProxyObjectiveOptions objective)
    {
        _objective = objective;
        int eot = store.ModelEndOfTextId;
        foreach (var target in targets)
        {
            switch (target)
            {
                case TextTarget t:
                    _texts.Add(PrepareText(store, t, maxSequenceLength, eot));
                    break;
                case MultipleChoiceTarget m:
                    _choices.Add(PrepareChoices(store, m, maxSequenceLength, eot));
                    break;
                default:
                    throw new ArgumentException($"Unsupported target type {target.GetType().Name} ('{target.Name}').", nameof(targets));
            }
        }

        Kind = objective.Kind switch
        {
            ProxyObjectiveKind.Auto => _texts.Count == 0 ? ProxyObjectiveKind.WeightedAccuracy : ProxyObjectiveKind.WeightedLoss,
            var k => k,
        };
        double weight = Kind == ProxyObjectiveKind.WeightedAccuracy
            ? _choices.Sum(c => c.Target.Weight)
            : targets.Sum(t => t.Weight);
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
        foreach (var t in _texts)
        {
            double[] lp = scorer.SumLogProbabilities(t.Requests, ct);
            double nll = -lp.Sum();
            double loss = nll / t.ScoredTokens;
            string p = "target:" + t.Target.Name;
            metrics[p + "/loss"] = loss;
            metrics[p + "/ppl"] = Math.Exp(loss);
            metrics[p + "/bpb"] = nll / Math.Log(2) / t.Bytes;
            metrics[p + "/tokens"] = t.ScoredTokens;
            if (Kind == ProxyObjectiveKind.WeightedLoss)
            {
                num += t.Target.Weight * loss;
                den += t.Target.Weight;
            }
        }

        foreach (var c in _choices)
        {
            double[] lp = scorer.SumLogProbabilities(c.Requests, ct);
            int correct = 0, correctNorm = 0;
            double goldNll = 0;
            long goldTokens = 0;
            int r = 0;
            for (int i = 0; i < c.Target.Items.Count; i++)
            {
                var item = c.Target.Items[i];
                int best = 0, bestNorm = 0;
                double bestLl = double.NegativeInfinity, bestNormLl = double.NegativeInfinity;
                for (int k = 0; k < item.Choices.Count; k++, r++)
                {
                    double ll = lp[r];
                    double norm = ll / c.ChoiceBytes[r];
                    if (ll > bestLl)
                    {
                        bestLl = ll;
                        best = k;
                    }

                    if (norm > bestNormLl)
                    {
                        bestNormLl = norm;
                        bestNorm = k;
                    }

                    if (k == item.Label)
                    {
                        goldNll -= ll;
                        goldTokens += c.Requests[r].Tokens.Length - c.Requests[r].ScoredFrom;
                    }
                }

                correct += best == item.Label ? 1 : 0;
                correctNorm += bestNorm == item.Label ? 1 : 0;
            }

            int n = c.Target.Items.Count;
            string p = "mc:" + c.Target.Name;
            double acc = (double)correct / n, accNorm = (double)correctNorm / n, gold = goldNll / Math.Max(1, goldTokens);
            metrics[p + "/acc"] = acc;
            metrics[p + "/acc_norm"] = accNorm;
            metrics[p + "/gold_loss"] = gold;
            metrics[p + "/items"] = n;
            if (Kind == ProxyObjectiveKind.WeightedAccuracy)
            {
                num += c.Target.Weight * (_objective.MultipleChoiceMetric == MultipleChoiceMetric.Acc ? acc : accNorm);
                den += c.Target.Weight;
            }
            else
            {
                num += c.Target.Weight * gold;
                den += c.Target.Weight;
            }
        }

        return (metrics, num / den);
    }

    private static PreparedText PrepareText(ITokenizedClusters store, TextTarget target, int maxLen, int eot)
    {
        var stream = new List<int>();
        long bytes = 0;
        foreach (string text in target.Texts)
        {
            stream.Add(eot);
            store.EncodeForModel(text ?? string.Empty, stream);
            bytes += Encoding.UTF8.GetByteCount(text ?? string.Empty) + 1;
        }

        stream.Add(eot);
        // Windows of maxLen tokens overlapping by one: every token after the first is predicted exactly once.
        var requests = new List<ScoringRequest>();
        int step = maxLen - 1;
        for (int start = 0; start < stream.Count - 1; start += step)
        {
            int len = Math.Min(maxLen, stream.Count - start);
            requests.Add(new ScoringRequest(stream.GetRange(start, len).ToArray(), 1));
        }

        return new PreparedText(target, requests, stream.Count - 1, bytes);
    }

    private static PreparedChoices PrepareChoices(ITokenizedClusters store, MultipleChoiceTarget target, int maxLen, int eot)
    {
        var requests = new List<ScoringRequest>();
        var bytes = new List<double>();
        var ctx = new List<int>();
        var whole = new List<int>();
        foreach (var item in target.Items)
        {
            ctx.Clear();
            ctx.Add(eot);
            store.EncodeForModel(item.Context, ctx);
            foreach (string choice in item.Choices)
            {
                string continuation = " " + choice;
                whole.Clear();
                whole.Add(eot);
                store.EncodeForModel(item.Context + continuation, whole);
                // As lm-eval-harness: the continuation is what the whole encoding adds after the context's encoding.
                int contLen = Math.Max(1, whole.Count - ctx.Count);

                // As lm-eval-harness, the window keeps the last maxLen tokens; a continuation longer than the window
                // loses its first tokens (they are neither context nor scored), which only happens with tiny contexts.
                int start = Math.Max(0, whole.Count - maxLen);
                int[] tokens = whole.GetRange(start, whole.Count - start).ToArray();
                requests.Add(new ScoringRequest(tokens, Math.Max(1, tokens.Length - contLen)));
                bytes.Add(Math.Max(1, Encoding.UTF8.GetByteCount(continuation)));
            }
        }

        return new PreparedChoices(target, requests, bytes.ToArray());
    }

    private sealed record PreparedText(TextTarget Target, List<ScoringRequest> Requests, long ScoredTokens, long Bytes);

    private sealed record PreparedChoices(MultipleChoiceTarget Target, List<ScoringRequest> Requests, double[] ChoiceBytes);
}

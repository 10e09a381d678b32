using System.Text;

namespace Climb;

/// <summary>A <see cref="MultipleChoiceTarget"/> as one scored sequence per choice, as lm-evaluation-harness does. Metrics:
/// acc, acc_norm (log-likelihood per UTF-8 byte of the continuation), gold_loss (nats per token of the correct
/// continuation), items; its loss term is the gold loss.</summary>
internal sealed class PreparedChoices : PreparedTarget
{
    private readonly MultipleChoiceTarget _target;
    private readonly List<ScoringRequest> _requests = [];
    private readonly List<double> _choiceBytes = [];

    public PreparedChoices(MultipleChoiceTarget target, ITokenizedClusters store, int maxLen, int eot)
        : base(target)
    {
        _target = target;
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
                _requests.Add(new ScoringRequest(tokens, Math.Max(1, tokens.Length - contLen)));
                _choiceBytes.Add(Math.Max(1, Encoding.UTF8.GetByteCount(continuation)));
            }
        }
    }

    public override IReadOnlyList<ScoringRequest> Requests => _requests;

    public override bool HasAccuracy => true;

    public override (double Loss, double? Accuracy) Score(double[] logProbabilities, IDictionary<string, double> metrics, MultipleChoiceMetric metric)
    {
        int correct = 0, correctNorm = 0;
        double goldNll = 0;
        long goldTokens = 0;
        int r = 0;
        var items = _target.Items;
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            int best = 0, bestNorm = 0;
            double bestLl = double.NegativeInfinity, bestNormLl = double.NegativeInfinity;
            for (int k = 0; k < item.Choices.Count; k++, r++)
            {
                double ll = logProbabilities[r];
                double norm = ll / _choiceBytes[r];
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
                    goldTokens += _requests[r].Tokens.Length - _requests[r].ScoredFrom;
                }
            }

            correct += best == item.Label ? 1 : 0;
            correctNorm += bestNorm == item.Label ? 1 : 0;
        }

        int n = items.Count;
        string p = "mc:" + Target.Name;
        double acc = (double)correct / n, accNorm = (double)correctNorm / n, gold = goldNll / Math.Max(1, goldTokens);
        metrics[p + "/acc"] = acc;
        metrics[p + "/acc_norm"] = accNorm;
        metrics[p + "/gold_loss"] = gold;
        metrics[p + "/items"] = n;
        return (gold, metric == MultipleChoiceMetric.Acc ? acc : accNorm);
    }
}

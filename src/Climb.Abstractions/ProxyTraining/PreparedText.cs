using System.Text;

namespace Climb;

/// <summary>A <see cref="TextTarget"/> as one end-of-text-separated token stream cut into windows that overlap by one
/// token, so that every token after the first is predicted exactly once. Metrics: loss (nats per token), ppl, bpb, tokens.</summary>
internal sealed class PreparedText : PreparedTarget
{
    private readonly List<ScoringRequest> _requests = [];
    private readonly long _scoredTokens;
    private readonly long _bytes;

    public PreparedText(TextTarget target, ITokenizedClusters store, int maxLen, int eot)
        : base(target)
    {
        var stream = new List<int>();
        foreach (string text in target.Texts)
        {
            stream.Add(eot);
            store.EncodeForModel(text ?? string.Empty, stream);
            _bytes += Encoding.UTF8.GetByteCount(text ?? string.Empty) + 1;
        }

        stream.Add(eot);
        int step = maxLen - 1;
        for (int start = 0; start < stream.Count - 1; start += step)
        {
            int len = Math.Min(maxLen, stream.Count - start);
            _requests.Add(new ScoringRequest(stream.GetRange(start, len).ToArray(), 1));
        }

        _scoredTokens = stream.Count - 1;
    }

    public override IReadOnlyList<ScoringRequest> Requests => _requests;

    public override bool HasAccuracy => false;

    public override (double Loss, double? Accuracy) Score(double[] logProbabilities, IDictionary<string, double> metrics, MultipleChoiceMetric metric)
    {
        double nll = -logProbabilities.Sum();
        double loss = nll / _scoredTokens;
        string p = "target:" + Target.Name;
        metrics[p + "/loss"] = loss;
        metrics[p + "/ppl"] = Math.Exp(loss);
        metrics[p + "/bpb"] = nll / Math.Log(2) / _bytes;
        metrics[p + "/tokens"] = _scoredTokens;
        return (loss, null);
    }
}

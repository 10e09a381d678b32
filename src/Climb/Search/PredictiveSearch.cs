using System.Globalization;

namespace Climb;

/// <summary>The predictor-driven steps CLIMB and RegMix share: fit on results, rank a candidate pool, pick.</summary>
internal static class PredictiveSearch
{
    public static IFittedMixturePredictor Fit(IMixturePredictor predictor, IReadOnlyList<ProxyResult> results, int seed, CancellationToken cancellationToken)
    {
        var data = results.Select(r => (r.Mixture, r.Utility)).ToArray();
        return predictor.Fit(data, seed, cancellationToken);
    }

    /// <summary>Indices of the pool sorted by descending prediction (ties by index, so the order is reproducible).</summary>
    public static int[] RankDescending(double[] predictions)
    {
        var order = new int[predictions.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = predictions[b].CompareTo(predictions[a]);
            return c != 0 ? c : a.CompareTo(b);
        });
        return order;
    }

    public static double L1(MixtureWeights a, MixtureWeights b)
    {
        var x = a.AsSpan();
        var y = b.AsSpan();
        double d = 0;
        for (int i = 0; i < x.Length; i++)
        {
            d += Math.Abs(x[i] - y[i]);
        }

        return d;
    }

    /// <summary>The normalised mean of the top-k ranked mixtures (k = 1 returns the best one itself).</summary>
    public static MixtureWeights MeanOfTop(IReadOnlyList<MixtureWeights> pool, int[] ranked, int k)
    {
        k = Math.Min(k, ranked.Length);
        if (k == 1)
        {
            return pool[ranked[0]];
        }

        var mean = new double[pool[0].Count];
        for (int t = 0; t < k; t++)
        {
            var w = pool[ranked[t]].AsSpan();
            for (int j = 0; j < mean.Length; j++)
            {
                mean[j] += w[j];
            }
        }

        return MixtureWeights.Normalize(mean);
    }

    /// <summary>
    /// The answer rule. Fits the predictor on every result; when its held-out Spearman is below
    /// <paramref name="minimumSpearman"/> (or could not be measured) the answer is the best measured mixture, with the reason.
    /// Otherwise ranks a fresh candidate pool by the fitted model and, when <paramref name="includeEvaluated"/>, the evaluated
    /// mixtures by their out-of-fold predictions (each made by a model that never saw that mixture, so a measured mixture
    /// does not win on an in-sample fit); the answer is the top one (the paper's argmax), the mean of the top
    /// <paramref name="topK"/>, or with <paramref name="averageTies"/> the mean of the candidates tied at the top.
    /// </summary>
    public static MixtureSearchAnswer PredictedAnswer(
        MixtureSearchContext context,
        IMixtureSampler sampler,
        IMixturePredictor predictor,
        int poolSize,
        int topK,
        bool includeEvaluated,
        bool averageTies,
        double? minimumSpearman,
        CancellationToken cancellationToken)
    {
        var fitted = Fit(predictor, context.Results, SeedMixer.Derive(context.Seed, 0xA45, 1), cancellationToken);
        double rho = fitted.Report.HeldOutSpearman;
        if (minimumSpearman is { } min && !(rho >= min))
        {
            return FallbackAnswer(context.Results, fitted.Report, min);
        }

        var pool = new List<MixtureWeights>(sampler.Sample(context.Prior, poolSize, SeedMixer.Derive(context.Seed, 0xA45, 2), cancellationToken));
        int sampled = pool.Count;
        var predictions = new double[sampled + (includeEvaluated ? context.Results.Count : 0)];
        fitted.Predict(pool, predictions.AsSpan(0, sampled), cancellationToken);
        if (includeEvaluated)
        {
            pool.AddRange(context.Results.Select(r => r.Mixture));
            var oof = fitted.Report.OutOfFoldPredictions;
            if (oof is { } o && o.Count == context.Results.Count)
            {
                for (int i = 0; i < o.Count; i++)
                {
                    predictions[sampled + i] = o[i];
                }
            }
            else
            {
                fitted.Predict(pool.Skip(sampled).ToArray(), predictions.AsSpan(sampled), cancellationToken);
            }
        }

        var ranked = RankDescending(predictions);
        int ties = 1;
        while (ties < ranked.Length && predictions[ranked[ties]] >= predictions[ranked[0]])
        {
            ties++;
        }

        int k = topK > 1 ? topK : averageTies ? ties : 1;
        var answer = MeanOfTop(pool, ranked, k);
        double predicted;
        if (k == 1)
        {
            predicted = predictions[ranked[0]];
        }
        else
        {
            var one = new double[1];
            fitted.Predict([answer], one, cancellationToken);
            predicted = one[0];
        }

        bool evaluatedWon = k == 1 && ranked[0] >= sampled;
        return new MixtureSearchAnswer
        {
            Mixture = answer,
            Method = k <= 1 ? (evaluatedWon ? $"predicted best of {pool.Count} (an evaluated mixture, by its out-of-fold prediction)" : $"predicted best of {pool.Count}")
                : topK <= 1 ? $"mean of the {k} tied predicted best of {pool.Count}"
                : $"mean of the predicted top {Math.Min(topK, pool.Count)} of {pool.Count}",
            Source = AnswerSource.Predicted,
            PredictedUtility = predicted,
            Predictor = fitted.Report,
            CandidatesConsidered = pool.Count,
        };
    }

    /// <summary>
    /// <paramref name="count"/> distinct data seeds derived from the search seed that no result or failure of
    /// <paramref name="context"/> used: checked against them, not left to hash luck.
    /// </summary>
    public static IReadOnlyList<int> FreshSeeds(MixtureSearchContext context, int count)
    {
        var used = new HashSet<int>(context.Results.Select(r => r.Seed).Concat(context.Failures.Select(f => f.Seed)));
        var seeds = new List<int>(count);
        for (long j = 0; seeds.Count < count; j++)
        {
            int s = SeedMixer.Derive(context.Seed, 0xC0F1, j);
            if (used.Add(s))
            {
                seeds.Add(s);
            }
        }

        return seeds;
    }

    /// <summary>The answer when the predictor's held-out Spearman is below <paramref name="minimumSpearman"/> (or could not be
    /// measured): the best measured mixture, with the reason.</summary>
    public static MixtureSearchAnswer FallbackAnswer(IReadOnlyList<ProxyResult> results, MixturePredictorReport report, double minimumSpearman)
    {
        double rho = report.HeldOutSpearman;
        return new MixtureSearchAnswer
        {
            Mixture = BestMeasured(results).Mixture,
            Method = $"best measured of {results.Count} (predictor fallback)",
            Source = AnswerSource.BestMeasured,
            Reason = double.IsNaN(rho)
                ? string.Create(CultureInfo.InvariantCulture, $"the predictor's held-out Spearman could not be measured on {results.Count} results, so it cannot be trusted to rank; the best measured mixture is the answer")
                : string.Create(CultureInfo.InvariantCulture, $"the predictor's held-out Spearman {rho:F3} is below the threshold {minimumSpearman:G3}, so its ranking is not trusted; the best measured mixture is the answer"),
            Predictor = report,
            CandidatesConsidered = results.Count,
        };
    }

    /// <summary>The result with the largest utility (the first on ties).</summary>
    public static ProxyResult BestMeasured(IReadOnlyList<ProxyResult> results) =>
        results.Select((r, i) => (r, i)).OrderByDescending(p => p.r.Utility).ThenBy(p => p.i).First().r;
}

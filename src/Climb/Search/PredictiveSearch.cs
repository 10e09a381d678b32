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

    /// <summary>Fits on all results, ranks a fresh pool (plus the evaluated mixtures) and returns the mean of the top k.</summary>
    public static MixtureSearchAnswer PredictedAnswer(
        MixtureSearchContext context,
        IMixtureSampler sampler,
        IMixturePredictor predictor,
        int poolSize,
        int topK,
        bool includeEvaluated,
        CancellationToken cancellationToken)
    {
        var fitted = Fit(predictor, context.Results, SeedMixer.Derive(context.Seed, 0xA45, 1), cancellationToken);
        var pool = new List<MixtureWeights>(sampler.Sample(context.Prior, poolSize, SeedMixer.Derive(context.Seed, 0xA45, 2), cancellationToken));
        if (includeEvaluated)
        {
            pool.AddRange(context.Results.Select(r => r.Mixture));
        }

        var predictions = new double[pool.Count];
        fitted.Predict(pool, predictions, cancellationToken);
        var ranked = RankDescending(predictions);

        // Tree ensembles are piecewise constant: many candidates can tie at the top. Rather than letting the pool order pick
        // one of them, a best-of answer averages the tied set (points sharing every tree's leaf form an axis-aligned box,
        // so their mean keeps the predicted value).
        int ties = 1;
        while (ties < ranked.Length && predictions[ranked[ties]] >= predictions[ranked[0]])
        {
            ties++;
        }

        int k = topK <= 1 ? ties : topK;
        var answer = MeanOfTop(pool, ranked, k);
        var one = new double[1];
        fitted.Predict([answer], one, cancellationToken);
        return new MixtureSearchAnswer
        {
            Mixture = answer,
            Method = k <= 1 ? $"predicted best of {pool.Count}"
                : topK <= 1 ? $"mean of the {k} tied predicted best of {pool.Count}"
                : $"mean of the predicted top {Math.Min(topK, pool.Count)} of {pool.Count}",
            PredictedUtility = one[0],
            Predictor = fitted.Report,
            CandidatesConsidered = pool.Count,
        };
    }
}

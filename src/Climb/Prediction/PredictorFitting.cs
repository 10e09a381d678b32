namespace Climb;

/// <summary>Shared plumbing of the predictors: checks, features, folds, cross-validated Spearman.</summary>
internal static class PredictorFitting
{
    public static int Validate(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int minimum)
    {
        ArgumentNullException.ThrowIfNull(observations);
        if (observations.Count < minimum)
        {
            throw new ArgumentException($"At least {minimum} observations are needed to fit the predictor; {observations.Count} were given.", nameof(observations));
        }

        int k = observations[0].Mixture?.Count ?? throw new ArgumentException("Observation 0 has no mixture.", nameof(observations));
        for (int i = 0; i < observations.Count; i++)
        {
            var (m, t) = observations[i];
            if (m is null || m.Count != k)
            {
                throw new ArgumentException($"Observation {i} has {m?.Count ?? 0} weights; observation 0 has {k}.", nameof(observations));
            }

            if (!double.IsFinite(t))
            {
                throw new ArgumentException($"Observation {i} has a non-finite target ({t}).", nameof(observations));
            }
        }

        return k;
    }

    public static void CheckBatch(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, int k)
    {
        ArgumentNullException.ThrowIfNull(mixtures);
        if (destination.Length < mixtures.Count)
        {
            throw new ArgumentException($"The destination holds {destination.Length} values for {mixtures.Count} mixtures.", nameof(destination));
        }

        for (int i = 0; i < mixtures.Count; i++)
        {
            if (mixtures[i] is null || mixtures[i].Count != k)
            {
                throw new ArgumentException($"Mixture {i} has {mixtures[i]?.Count ?? 0} weights; the predictor was fitted on {k}.", nameof(mixtures));
            }
        }
    }

    /// <summary>The mean and (population) standard deviation of the targets; a zero spread becomes 1 so scaling is a no-op.</summary>
    public static (double Mean, double Scale) Standardization(ReadOnlySpan<double> y, int[] rows)
    {
        double m = 0;
        foreach (int i in rows)
        {
            m += y[i];
        }

        m /= rows.Length;
        double v = 0;
        foreach (int i in rows)
        {
            v += (y[i] - m) * (y[i] - m);
        }

        double sd = Math.Sqrt(v / rows.Length);
        return (m, sd > 0 && double.IsFinite(sd) ? sd : 1.0);
    }

    /// <summary>A seeded permutation of 0..n-1 (Fisher–Yates).</summary>
    public static int[] Permutation(int n, int seed)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++)
        {
            p[i] = i;
        }

        var r = new Random(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = r.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }

        return p;
    }

    /// <summary>
    /// K-fold cross-validation: fits on k-1 folds, predicts the held-out fold, pools the out-of-fold predictions and returns
    /// their Spearman correlation with the targets, and the out-of-fold predictions themselves. Returns NaN (and 0 folds) when there are fewer than 2 folds' worth of data.
    /// </summary>
    public static (double Spearman, int Folds, double[]? OutOfFold) CrossValidate(
        int n,
        int requestedFolds,
        int seed,
        ReadOnlySpan<double> targets,
        Func<int[], int[], int, double[]> fitAndPredict,
        CancellationToken cancellationToken)
    {
        int folds = Math.Min(requestedFolds, n);
        if (folds < 2)
        {
            return (double.NaN, 0, null);
        }

        var perm = Permutation(n, SeedMixer.Derive(seed, 0xF01D));
        var oof = new double[n];

        // Folds are independent (own seed, own data), so running them in parallel does not change the result.
        try
        {
            Parallel.For(0, folds, new ParallelOptions { CancellationToken = cancellationToken }, f =>
            {
                var test = new List<int>();
                var train = new List<int>();
                for (int i = 0; i < n; i++)
                {
                    (i % folds == f ? test : train).Add(perm[i]);
                }

                var testArr = test.ToArray();
                var preds = fitAndPredict(train.ToArray(), testArr, SeedMixer.Derive(seed, 0xF01D, f + 1));
                for (int i = 0; i < testArr.Length; i++)
                {
                    oof[testArr[i]] = preds[i];
                }
            });
        }
        catch (AggregateException ae) when (ae.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
            throw;
        }

        return (RankStatistics.Spearman(oof, targets), folds, oof);
    }
}

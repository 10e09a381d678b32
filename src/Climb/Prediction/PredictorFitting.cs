using System.Diagnostics;

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

    /// <summary>
    /// The fit every predictor shares: validates the observations, computes each mixture's features, cross-validates
    /// (<see cref="CrossValidate"/>) while the final model trains on every pair, and writes the report.
    /// </summary>
    /// <typeparam name="TModel">The trained model.</typeparam>
    /// <param name="identity">The predictor's identity, for the report.</param>
    /// <param name="observations">The training pairs.</param>
    /// <param name="requestedFolds">The number of cross-validation folds.</param>
    /// <param name="seed">The fit's seed (folds, and each fold's training seed).</param>
    /// <param name="features">The features of one mixture's weights.</param>
    /// <param name="train">Trains a model on the given rows of the features and targets, with a seed.</param>
    /// <param name="predict">Predicts one row of features.</param>
    /// <param name="iterations">The model's boosting rounds for the report; 0 when <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The final model, the number of weights per mixture, and the report.</returns>
    public static (TModel Model, int Weights, MixturePredictorReport Report) FitWithCrossValidation<TModel>(
        string identity,
        IReadOnlyList<(MixtureWeights Mixture, double Target)> observations,
        int requestedFolds,
        int seed,
        Func<ReadOnlySpan<double>, double[]> features,
        Func<PredictorData, int[], int, TModel> train,
        Func<TModel, double[], double> predict,
        Func<TModel, int>? iterations,
        CancellationToken cancellationToken)
    {
        int k = Validate(observations, 2);
        var started = Stopwatch.GetTimestamp();
        int n = observations.Count;
        var data = new PredictorData(k, new double[n][], new double[n]);
        for (int i = 0; i < n; i++)
        {
            data.X[i] = features(observations[i].Mixture.AsSpan());
            data.Y[i] = observations[i].Target;
        }

        var all = Enumerable.Range(0, n).ToArray();
        var finalTask = Task.Run(() => train(data, all, seed), cancellationToken);
        var (spearman, folds, oof) = CrossValidate(
            n,
            requestedFolds,
            seed,
            data.Y,
            (trainRows, test, foldSeed) =>
            {
                var m = train(data, trainRows, foldSeed);
                return test.Select(i => predict(m, data.X[i])).ToArray();
            },
            cancellationToken);
        var model = finalTask.GetAwaiter().GetResult();
        var report = new MixturePredictorReport
        {
            Predictor = identity,
            TrainingCount = n,
            HeldOutSpearman = spearman,
            Folds = folds,
            OutOfFoldPredictions = oof,
            Iterations = iterations?.Invoke(model) ?? 0,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
        return (model, k, report);
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

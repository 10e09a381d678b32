namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IMixturePredictor"/>: derive in an xunit test project and implement <see cref="CreatePredictor"/>.
/// </summary>
/// <remarks>
/// Facts on a smooth synthetic objective of six-component mixtures: predictions for held-out mixtures rank them far
/// better than chance (Spearman above <see cref="MinimumSpearman"/>), one finite prediction per mixture; equal seeds give equal predictions; the
/// report counts the observations; a destination of the wrong length and empty observations are rejected;
/// cancellation honoured; a stable identity that changes with the options.
/// </remarks>
public abstract class MixturePredictorConformanceTests
{
    /// <summary>Creates the predictor under test; called more than once, each call must build it the same way.</summary>
    /// <returns>The predictor.</returns>
    protected abstract IMixturePredictor CreatePredictor();

    /// <summary>Creates the predictor with an option that changes its fits, or returns <see langword="null"/>.</summary>
    /// <returns>The differently configured predictor, or <see langword="null"/>.</returns>
    protected virtual IMixturePredictor? CreatePredictorWithOtherOptions() => null;

    /// <summary>Gets the held-out Spearman correlation the predictions must exceed.</summary>
    /// <value>
    /// Default 0.5 (chance is 0): a predictor that cannot rank held-out mixtures of a smooth objective this well from
    /// <see cref="TrainingCount"/> observations cannot guide a search.
    /// </value>
    protected virtual double MinimumSpearman => 0.5;

    /// <summary>Gets the number of observations the predictor is fitted on.</summary>
    protected virtual int TrainingCount => 96;

    /// <summary>The synthetic objective: a smooth, non-linear function of the weights (higher is better).</summary>
    /// <param name="m">A mixture.</param>
    /// <returns>Its objective.</returns>
    protected static double Objective(MixtureWeights m)
    {
        ArgumentNullException.ThrowIfNull(m);
        double[] best = [0.3, 0.25, 0.2, 0.1, 0.1, 0.05];
        double d = 0;
        for (int i = 0; i < m.Count; i++)
        {
            d += (m[i] - best[i]) * (m[i] - best[i]);
        }

        return -Math.Sqrt(d) + (0.2 * m[0] * m[1]);
    }

    /// <summary>Draws <paramref name="count"/> mixtures uniformly from the six-component simplex.</summary>
    /// <param name="count">How many.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The mixtures.</returns>
    protected static List<MixtureWeights> Mixtures(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => MixtureWeights.Normalize(Enumerable.Range(0, 6).Select(_ => -Math.Log(1 - rng.NextDouble()))))];
    }

    private List<(MixtureWeights Mixture, double Target)> Observations() => [.. Mixtures(TrainingCount, 1).Select(m => (m, Objective(m)))];

    /// <summary>Held-out mixtures are ranked far better than chance, with one finite prediction each.</summary>
    [Fact]
    public void Predictions_rank_held_out_mixtures()
    {
        var fitted = CreatePredictor().Fit(Observations(), seed: 5);
        var test = Mixtures(200, 2);
        var predicted = new double[test.Count];
        fitted.Predict(test, predicted);
        Assert.All(predicted, p => Assert.True(double.IsFinite(p), $"prediction {p}"));
        double rho = Spearman(predicted, [.. test.Select(Objective)]);
        Assert.True(rho > MinimumSpearman, $"held-out Spearman {rho:F3} is not above {MinimumSpearman} (chance is 0)");
        Assert.Equal(TrainingCount, fitted.Report.TrainingCount);
    }

    /// <summary>Equal seeds give equal predictions, also from another instance.</summary>
    [Fact]
    public void Is_deterministic_for_equal_seeds()
    {
        var test = Mixtures(50, 3);
        var a = new double[test.Count];
        var b = new double[test.Count];
        CreatePredictor().Fit(Observations(), seed: 9).Predict(test, a);
        CreatePredictor().Fit(Observations(), seed: 9).Predict(test, b);
        Assert.Equal(a, b);
    }

    /// <summary>A destination of the wrong length and an empty training set are rejected.</summary>
    [Fact]
    public void Rejects_bad_arguments()
    {
        var fitted = CreatePredictor().Fit(Observations(), seed: 1);
        Assert.ThrowsAny<ArgumentException>(() => fitted.Predict(Mixtures(5, 4), new double[4]));
        Assert.ThrowsAny<ArgumentException>(() => CreatePredictor().Fit([], seed: 1));
    }

    /// <summary>A cancelled token stops the fit with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.ThrowsAny<OperationCanceledException>(() => CreatePredictor().Fit(Observations(), seed: 1, cts.Token));
    }

    /// <summary>The identity is stable for instances built alike and changes with the options.</summary>
    [Fact]
    public void Identity_is_stable_and_changes_with_the_options() =>
        ComponentIdentity.AssertStableAndOptionSensitive(CreatePredictor(), CreatePredictor(), CreatePredictorWithOtherOptions());

    /// <summary>Spearman's rank correlation: Pearson's on the ranks, ties given their mean rank (what MathNet's
    /// <c>Correlation.Spearman</c> computes; written out so that this package depends on Climb.Abstractions alone).</summary>
    private static double Spearman(double[] x, double[] y)
    {
        double[] rx = Ranks(x), ry = Ranks(y);
        double mx = rx.Average(), my = ry.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }

        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(double[] values)
    {
        int[] order = [.. Enumerable.Range(0, values.Length).OrderBy(i => values[i])];
        var ranks = new double[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            for (int k = start; k <= end; k++)
            {
                ranks[order[k]] = (start + end) / 2.0 + 1;
            }

            start = end + 1;
        }

        return ranks;
    }
}

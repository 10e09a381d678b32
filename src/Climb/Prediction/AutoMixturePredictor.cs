using System.Diagnostics;

namespace Climb;

/// <summary>
/// The default predictor: fits every candidate (by default ridge on √w and log-ratios, a Gaussian process on √w, and
/// small-sample LightGBM) on the same cross-validation folds and keeps, for this fit, the one with the best held-out
/// Spearman correlation. Its report names the chosen candidate and lists every candidate's figure.
/// </summary>
/// <remarks>
/// Choosing the best of a few cross-validated figures makes the chosen one slightly optimistic; the search's prospective
/// Spearman (predictions for a round's proposals against their measured results) is the unbiased check.
/// </remarks>
internal sealed class AutoMixturePredictor : IMixturePredictor
{
    private readonly IReadOnlyList<IMixturePredictor> _candidates;

    /// <summary>Initializes the predictor.</summary>
    /// <param name="candidates">The candidates, in order of preference on ties; the three defaults when <see langword="null"/> or empty.</param>
    public AutoMixturePredictor(IEnumerable<IMixturePredictor>? candidates = null)
    {
        var list = candidates?.ToList() ?? [];
        if (list.Any(c => c is null))
        {
            throw new ArgumentException("A candidate predictor is null.", nameof(candidates));
        }

        _candidates = list.Count > 0
            ? list
            : [new RidgeMixturePredictor(), new GaussianProcessMixturePredictor(), new LightGbmMixturePredictor()];
    }

    /// <summary>Gets the candidates.</summary>
    public IReadOnlyList<IMixturePredictor> Candidates => _candidates;

    /// <inheritdoc />
    public string Identity => "auto[" + string.Join(";", _candidates.Select(c => c.Identity)) + "]";

    /// <inheritdoc />
    public IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default)
    {
        PredictorFitting.Validate(observations, 2);
        var started = Stopwatch.GetTimestamp();
        var fits = new IFittedMixturePredictor[_candidates.Count];
        for (int c = 0; c < _candidates.Count; c++)
        {
            fits[c] = _candidates[c].Fit(observations, seed, cancellationToken);
        }

        int chosen = 0;
        for (int c = 1; c < fits.Length; c++)
        {
            if (Score(fits[c]) > Score(fits[chosen]))
            {
                chosen = c;
            }
        }

        var r = fits[chosen].Report;
        var report = new MixturePredictorReport
        {
            Predictor = r.Predictor,
            TrainingCount = r.TrainingCount,
            HeldOutSpearman = r.HeldOutSpearman,
            Folds = r.Folds,
            Iterations = r.Iterations,
            OutOfFoldPredictions = r.OutOfFoldPredictions,
            Elapsed = Stopwatch.GetElapsedTime(started),
            Candidates = fits.Select((f, i) => new MixturePredictorCandidate(f.Report.Predictor, f.Report.HeldOutSpearman, i == chosen)).ToArray(),
        };
        return fits[chosen] is IPosteriorMixturePredictor posterior ? new PosteriorFitted(posterior, report) : new Fitted(fits[chosen], report);
    }

    private static double Score(IFittedMixturePredictor f) =>
        double.IsNaN(f.Report.HeldOutSpearman) ? double.NegativeInfinity : f.Report.HeldOutSpearman;

    private sealed class Fitted(IFittedMixturePredictor inner, MixturePredictorReport report) : IFittedMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default) =>
            inner.Predict(mixtures, destination, cancellationToken);
    }

    /// <summary>The chosen candidate's fit when it has a posterior (the Gaussian process), which acquisition rules use.</summary>
    private sealed class PosteriorFitted(IPosteriorMixturePredictor inner, MixturePredictorReport report) : IPosteriorMixturePredictor
    {
        public MixturePredictorReport Report => report;

        public void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default) =>
            inner.Predict(mixtures, destination, cancellationToken);

        public void PredictDistribution(IReadOnlyList<MixtureWeights> mixtures, Span<double> mean, Span<double> variance, CancellationToken cancellationToken = default) =>
            inner.PredictDistribution(mixtures, mean, variance, cancellationToken);

        public double[][] SampleJoint(IReadOnlyList<MixtureWeights> mixtures, int draws, int seed, CancellationToken cancellationToken = default) =>
            inner.SampleJoint(mixtures, draws, seed, cancellationToken);
    }
}

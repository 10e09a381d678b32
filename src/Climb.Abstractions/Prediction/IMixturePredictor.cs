namespace Climb;

/// <summary>Learns the map from mixture weights to a score (larger is better) from proxy results, to rank unseen mixtures.</summary>
public interface IMixturePredictor
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    string Identity { get; }

    /// <summary>
    /// Fits the predictor on (mixture, target) pairs and measures its held-out rank correlation. The same data and seed give
    /// the same model.
    /// </summary>
    /// <param name="observations">The training pairs; every mixture has the same number of weights.</param>
    /// <param name="seed">The random seed (fold assignment, validation split, trainer seed).</param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The fitted model.</returns>
    IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/> that this component is or holds: a capability the
    /// caller looks for (such as the <c>AutoMixturePredictor</c> inside a wrapper), or a component a wrapper delegates to.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; the default implementation answers only unkeyed requests.</param>
    /// <returns>The object, or <see langword="null"/>. The default returns this component when it is a
    /// <paramref name="serviceType"/>; <see cref="DelegatingMixturePredictor"/> asks its inner component next, so capabilities survive wrapping.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}

/// <summary>A fitted mixture predictor.</summary>
public interface IFittedMixturePredictor
{
    /// <summary>Gets how the fit went, with the held-out Spearman correlation.</summary>
    MixturePredictorReport Report { get; }

    /// <summary>Predicts the target of many mixtures at once (parallel over the cores).</summary>
    /// <param name="mixtures">The mixtures.</param>
    /// <param name="destination">Receives one prediction per mixture.</param>
    /// <param name="cancellationToken">Cancels the prediction.</param>
    void Predict(IReadOnlyList<MixtureWeights> mixtures, Span<double> destination, CancellationToken cancellationToken = default);
}

/// <summary>What a predictor fit reports.</summary>
public sealed class MixturePredictorReport
{
    /// <summary>Gets the identity of the predictor that made this fit (for <c>AutoMixturePredictor</c>, the chosen candidate's).</summary>
    public required string Predictor { get; init; }

    /// <summary>Gets the number of training pairs.</summary>
    public required int TrainingCount { get; init; }

    /// <summary>
    /// Gets the Spearman rank correlation between held-out predictions and targets: out-of-fold predictions of a
    /// <see cref="Folds"/>-fold cross-validation, pooled; NaN when too few pairs or no variance.
    /// </summary>
    public required double HeldOutSpearman { get; init; }

    /// <summary>Gets the number of cross-validation folds behind <see cref="HeldOutSpearman"/>.</summary>
    public required int Folds { get; init; }

    /// <summary>Gets the number of boosting rounds kept (early stopping), or 0 for non-iterative predictors.</summary>
    public int Iterations { get; init; }

    /// <summary>Gets the wall-clock time of the fit, cross-validation included.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>
    /// Gets the out-of-fold prediction of every training pair (in training order): each one made by a model that never saw
    /// that pair. The answer rule ranks the evaluated mixtures by these, not by in-sample predictions. <see langword="null"/>
    /// when too few pairs were given for cross-validation.
    /// </summary>
    public IReadOnlyList<double>? OutOfFoldPredictions { get; init; }

    /// <summary>Gets, for <c>AutoMixturePredictor</c>, every candidate it compared with its held-out Spearman; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<MixturePredictorCandidate>? Candidates { get; init; }
}

/// <summary>One candidate predictor compared by <c>AutoMixturePredictor</c>.</summary>
/// <param name="Predictor">The candidate's identity.</param>
/// <param name="HeldOutSpearman">Its cross-validated Spearman on the same folds.</param>
/// <param name="Chosen">Whether it was chosen.</param>
public sealed record MixturePredictorCandidate(string Predictor, double HeldOutSpearman, bool Chosen);

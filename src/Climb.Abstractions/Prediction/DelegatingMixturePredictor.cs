namespace Climb;

/// <summary>
/// A mixture predictor that passes every call to an inner predictor: the base of middleware such as logging or timing of
/// the fits. Override the members whose behaviour changes; the rest delegate.
/// </summary>
/// <remarks><see cref="Identity"/> is the inner predictor's; override it when the predictions change.
/// <see cref="GetService"/> answers for this wrapper first, then asks the inner predictor.</remarks>
public class DelegatingMixturePredictor : IMixturePredictor
{
    /// <summary>Initializes the wrapper.</summary>
    /// <param name="innerPredictor">The predictor every call goes to.</param>
    protected DelegatingMixturePredictor(IMixturePredictor innerPredictor)
    {
        ArgumentNullException.ThrowIfNull(innerPredictor);
        InnerPredictor = innerPredictor;
    }

    /// <summary>Gets the predictor every call goes to.</summary>
    protected IMixturePredictor InnerPredictor { get; }

    /// <inheritdoc />
    public virtual string Identity => InnerPredictor.Identity;

    /// <inheritdoc />
    public virtual IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default) =>
        InnerPredictor.Fit(observations, seed, cancellationToken);

    /// <inheritdoc />
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : InnerPredictor.GetService(serviceType, serviceKey);
    }
}

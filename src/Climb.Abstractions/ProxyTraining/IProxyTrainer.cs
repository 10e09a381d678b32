namespace Climb;

/// <summary>Trains a proxy language model on a mixture of tokenised clusters and scores it on the targets.</summary>
public interface IProxyTrainer
{
    /// <summary>Gets a stable identity of this component: its kind, every option that changes its output,
    /// and a hash of any learned state. Two instances with equal identities produce equal outputs; the
    /// pipeline fingerprints artifacts with it, so a retrained or reconfigured component never reuses
    /// stale results.</summary>
    string Identity { get; }

    /// <summary>Trains one proxy and evaluates it.</summary>
    /// <param name="request">The mixture, seed, data and targets.</param>
    /// <param name="progress">Receives training progress.</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>The scores of the proxy.</returns>
    Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Asks for an object of type <paramref name="serviceType"/> that this component is or holds: a capability the
    /// pipeline looks for (such as a trainer that prepares shared state before the first proxy run), or a component a wrapper delegates to.</summary>
    /// <param name="serviceType">The type asked for.</param>
    /// <param name="serviceKey">An optional key; the default implementation answers only unkeyed requests.</param>
    /// <returns>The object, or <see langword="null"/>. The default returns this component when it is a
    /// <paramref name="serviceType"/>; <see cref="DelegatingProxyTrainer"/> asks its inner component next, so capabilities survive wrapping.</returns>
    object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}

/// <summary>One proxy run: what to train on and what to score.</summary>
public sealed class ProxyTrainingRequest
{
    /// <summary>Gets the mixture: one weight per cluster of <see cref="Data"/>, in cluster order.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the seed (initialisation and data order).</summary>
    public required int Seed { get; init; }

    /// <summary>Gets the tokenised clusters.</summary>
    public required ITokenizedClusters Data { get; init; }

    /// <summary>Gets the targets (text sets and/or multiple-choice sets), each with a name and an objective weight.</summary>
    public required IReadOnlyList<EvaluationTarget> Targets { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Mixture, nameof(Mixture));
        ArgumentNullException.ThrowIfNull(Data, nameof(Data));
        ArgumentNullException.ThrowIfNull(Targets, nameof(Targets));
        if (Mixture.Count != Data.ClusterCount)
        {
            throw new ArgumentException($"The mixture has {Mixture.Count} weights but the data has {Data.ClusterCount} clusters.", nameof(Mixture));
        }

        if (Targets.Count == 0)
        {
            throw new ArgumentException("At least one evaluation target is needed.", nameof(Targets));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in Targets)
        {
            if (t is null || !names.Add(t.Name))
            {
                throw new ArgumentException($"Target names must be unique and non-null ('{t?.Name}').", nameof(Targets));
            }
        }
    }
}

/// <summary>Progress of a proxy run.</summary>
/// <param name="Phase">"train" or "evaluate".</param>
/// <param name="Step">Optimiser steps done.</param>
/// <param name="TotalSteps">Optimiser steps planned.</param>
/// <param name="Loss">The training loss of the last step (NaN when not applicable).</param>
/// <param name="TokensTrained">Training tokens consumed so far.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record ProxyTrainingProgress(string Phase, int Step, int TotalSteps, double Loss, long TokensTrained, TimeSpan Elapsed)
{
    /// <summary>Gets the training throughput so far (tokens per second; 0 before the first step).</summary>
    public double TokensPerSecond => Elapsed.TotalSeconds > 0 ? TokensTrained / Elapsed.TotalSeconds : 0;

    /// <summary>Gets the estimated time to the last step at the throughput so far, or <see langword="null"/> when unknown.</summary>
    public TimeSpan? EstimatedRemaining => Step > 0 && TotalSteps >= Step
        ? TimeSpan.FromSeconds(Elapsed.TotalSeconds * (TotalSteps - Step) / Step)
        : null;
}

namespace Climb;

/// <summary>One journaled step of DoReMi's Group DRO training.</summary>
/// <param name="Step">The step (1-based: the weights after the step's update).</param>
/// <param name="Weights">The cluster weights αₜ used for this step's loss.</param>
/// <param name="ExcessLoss">Each cluster's per-token excess loss λₜ (proxy minus reference, clipped at 0, averaged over the cluster's tokens in the batch); 0 for clusters without tokens.</param>
/// <param name="Loss">The DRO-weighted training loss of the step.</param>
internal sealed record DoReMiStep(int Step, IReadOnlyList<double> Weights, IReadOnlyList<double> ExcessLoss, double Loss);

/// <summary>The outcome of a DoReMi run: the averaged weights, the trajectory and the compute.</summary>
internal sealed class DoReMiResult
{
    /// <summary>Gets the answer: the cluster weights averaged over every DRO step.</summary>
    public required MixtureWeights Weights { get; init; }

    /// <summary>Gets the weights after the last step.</summary>
    public required MixtureWeights FinalWeights { get; init; }

    /// <summary>Gets the journaled weight trajectory (every <see cref="DoReMiSearchStrategyOptions.TrajectoryInterval"/> steps and the last one).</summary>
    public required IReadOnlyList<DoReMiStep> Trajectory { get; init; }

    /// <summary>Gets the optimiser steps of the reference training.</summary>
    public required int ReferenceSteps { get; init; }

    /// <summary>Gets the optimiser steps of the DRO proxy training.</summary>
    public required int DroSteps { get; init; }

    /// <summary>Gets the tokens the reference model was trained on.</summary>
    public required long ReferenceTokens { get; init; }

    /// <summary>Gets the tokens the DRO proxy was trained on (the reference also scores them, forward only).</summary>
    public required long DroTokens { get; init; }

    /// <summary>Gets the tokens trained in all (reference plus DRO proxy): DoReMi's cost in the unit of the proxy searches.</summary>
    public long TokensTrained => ReferenceTokens + DroTokens;

    /// <summary>Gets the reference's mean training loss over the last tenth of its steps.</summary>
    public double ReferenceFinalLoss { get; init; } = double.NaN;

    /// <summary>Gets the checkpointed step the run resumed from, in the phase it was in when stopped (0 when it started afresh; -1 when the finished result was reloaded).</summary>
    public int ResumedFromStep { get; init; }

    /// <summary>Gets the device the run used ("cpu" or "cuda:0").</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Gets the wall-clock time of this call.</summary>
    public TimeSpan Elapsed { get; init; }
}

namespace Climb;

/// <summary>The learning-rate schedule.</summary>
public enum LearningRateSchedule
{
    /// <summary>Linear warmup, constant plateau, then linear decay to the minimum over the last <see cref="TorchSharpProxyTrainerOptions.DecayFraction"/> of the steps.</summary>
    WarmupStableDecay = 0,

    /// <summary>Linear warmup, then cosine decay to the minimum.</summary>
    Cosine = 1,

    /// <summary>Linear warmup, then constant.</summary>
    Constant = 2,
}

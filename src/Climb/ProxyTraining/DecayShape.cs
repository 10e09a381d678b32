namespace Climb;

/// <summary>The shape of the learning-rate decay a proxy runs from a stable-stage base checkpoint.</summary>
public enum DecayShape
{
    /// <summary>Linear from the base's learning rate to the final one.</summary>
    Linear = 0,

    /// <summary>Half a cosine from the base's learning rate to the final one.</summary>
    Cosine = 1,

    /// <summary>1 − √(progress) (MiniCPM's warmup-stable-decay "1-sqrt" cooldown): fast at first, then gentle.</summary>
    OneMinusSqrt = 2,
}

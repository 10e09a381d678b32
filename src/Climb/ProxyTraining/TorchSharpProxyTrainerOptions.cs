using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="TorchSharpProxyTrainer"/>.</summary>
public sealed class TorchSharpProxyTrainerOptions : IValidatableOptions
{
    /// <summary>Gets or sets the model shape.</summary>
    /// <value>Default: the <see cref="ProxyModelSize.Tiny"/> preset.</value>
    public ProxyModelOptions Model { get; set; } = ProxyModelOptions.FromPreset(ProxyModelSize.Tiny);

    /// <summary>Gets or sets the training tokens per proxy (steps = ceiling(budget / (batch × context))).</summary>
    /// <value>Default 1,000,000.</value>
    [Range(1L, long.MaxValue)]
    public long TokenBudget { get; set; } = 1_000_000;

    /// <summary>Gets or sets the sequences per optimiser step.</summary>
    /// <value>Default 16.</value>
    [Range(1, 1 << 16)]
    public int BatchSize { get; set; } = 16;

    /// <summary>Gets or sets the peak learning rate.</summary>
    /// <value>Default 3e-3 (small models tolerate a high rate; use about 6e-4 for the paper sizes).</value>
    [Range(1e-8, 10.0)]
    public double LearningRate { get; set; } = 3e-3;

    /// <summary>Gets or sets the final learning rate as a fraction of the peak (for a proxy continued from a base: of the base's stable-stage rate).</summary>
    /// <value>Default 0.1.</value>
    [Range(0.0, 1.0)]
    public double MinLearningRateRatio { get; set; } = 0.1;

    /// <summary>
    /// Gets or sets the decay shape of a proxy continued from a base checkpoint. Such a proxy runs only the decay stage of
    /// warmup-stable-decay: no warmup, from the base's stable-stage learning rate (saved with the checkpoint) down to
    /// <see cref="MinLearningRateRatio"/> of it over all its steps.
    /// </summary>
    /// <value>Default <see cref="DecayShape.Linear"/>.</value>
    public DecayShape DecayShape { get; set; } = DecayShape.Linear;

    /// <summary>Gets or sets the schedule.</summary>
    /// <value>Default <see cref="LearningRateSchedule.WarmupStableDecay"/>.</value>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.WarmupStableDecay;

    /// <summary>Gets or sets the fraction of steps spent warming up linearly from zero.</summary>
    /// <value>Default 0.05. Set 0 for proxies continued from a base checkpoint.</value>
    [Range(0.0, 1.0)]
    public double WarmupFraction { get; set; } = 0.05;

    /// <summary>Gets or sets the fraction of steps of the final linear decay (warmup-stable-decay only).</summary>
    /// <value>Default 0.2. Set 1 (with no warmup) for the paper's proxies, which run the decay phase from a shared base.</value>
    [Range(0.0, 1.0)]
    public double DecayFraction { get; set; } = 0.2;

    /// <summary>Gets or sets AdamW's decoupled weight decay (applied to matrices, not to biases, norms or position embeddings).</summary>
    /// <value>Default 0.1.</value>
    [Range(0.0, 10.0)]
    public double WeightDecay { get; set; } = 0.1;

    /// <summary>Gets or sets AdamW's β1.</summary>
    /// <value>Default 0.9.</value>
    [Range(0.0, 0.999999)]
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Gets or sets AdamW's β2.</summary>
    /// <value>Default 0.95.</value>
    [Range(0.0, 0.999999)]
    public double Beta2 { get; set; } = 0.95;

    /// <summary>Gets or sets the global gradient-norm clip (0 = none).</summary>
    /// <value>Default 1.0.</value>
    [Range(0.0, 1e6)]
    public double GradientClip { get; set; } = 1.0;

    /// <summary>Gets or sets a base checkpoint (from <see cref="TorchSharpProxyTrainer.PretrainBaseAsync"/>) every proxy starts from; <see langword="null"/> starts from a seeded random initialisation.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? BaseCheckpointPath { get; set; }

    /// <summary>Gets or sets a folder where every trained proxy is saved (proxy-&lt;mixture hash&gt;-seed&lt;seed&gt;.pt + .json); <see langword="null"/> keeps none.</summary>
    /// <value>Default <see langword="null"/>.</value>
    public string? ProxyCheckpointDirectory { get; set; }

    /// <summary>Gets or sets where training runs.</summary>
    /// <value>Default <see cref="ComputeDevice.Auto"/> (CUDA when torch sees a GPU).</value>
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Gets or sets the intra-op CPU threads of libtorch (0 = leave libtorch's default, one per core). Process-wide.</summary>
    /// <value>Default 0.</value>
    [Range(0, 4096)]
    public int Threads { get; set; }

    /// <summary>Gets or sets whether matrix products run in bfloat16 on CUDA (fp32 master weights).</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool BFloat16OnCuda { get; set; } = true;

    /// <summary>Gets or sets the sequences per forward pass when scoring targets.</summary>
    /// <value>Default 32.</value>
    [Range(1, 1 << 16)]
    public int EvaluationBatchSize { get; set; } = 32;

    /// <summary>Gets or sets how the target metrics combine into the objective.</summary>
    /// <value>Default <see cref="ProxyObjectiveKind.Auto"/>.</value>
    public ProxyObjectiveOptions Objective { get; set; } = new();

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (Model is null)
        {
            yield return "Model must not be null.";
        }
        else
        {
            foreach (string e in OptionsValidation.GetErrors(Model))
            {
                yield return "Model: " + e;
            }
        }

        if (Objective is null)
        {
            yield return "Objective must not be null.";
        }

        if (Schedule == LearningRateSchedule.WarmupStableDecay && WarmupFraction + DecayFraction > 1.0 + 1e-12)
        {
            yield return $"WarmupFraction ({WarmupFraction}) + DecayFraction ({DecayFraction}) must not exceed 1.";
        }

        if (BaseCheckpointPath is { } p && !File.Exists(p))
        {
            yield return $"BaseCheckpointPath '{p}' does not exist.";
        }
    }

    /// <summary>The base's schedule: warmup, then the stable stage at the peak until the end (no decay: proxies run it).</summary>
    internal double StableLearningRateAt(int step, int totalSteps)
    {
        int warmup = (int)Math.Round(WarmupFraction * totalSteps);
        return step < warmup ? LearningRate * (step + 1) / warmup : LearningRate;
    }

    /// <summary>A proxy continued from a stable-stage base: the decay stage only, from <paramref name="startRate"/> to <see cref="MinLearningRateRatio"/> of it.</summary>
    internal double DecayLearningRateAt(int step, int totalSteps, double startRate)
    {
        double end = startRate * MinLearningRateRatio;
        double progress = (double)(step + 1) / Math.Max(1, totalSteps);
        double f = DecayShape switch
        {
            DecayShape.Cosine => 0.5 * (1 + Math.Cos(Math.PI * progress)),
            DecayShape.OneMinusSqrt => 1 - Math.Sqrt(progress),
            _ => 1 - progress,
        };
        return end + ((startRate - end) * f);
    }

    internal double LearningRateAt(int step, int totalSteps)
    {
        double peak = LearningRate, min = LearningRate * MinLearningRateRatio;
        int warmup = (int)Math.Round(WarmupFraction * totalSteps);
        if (step < warmup)
        {
            return peak * (step + 1) / warmup;
        }

        switch (Schedule)
        {
            case LearningRateSchedule.Constant:
                return peak;
            case LearningRateSchedule.Cosine:
                {
                    double progress = (double)(step - warmup) / Math.Max(1, totalSteps - warmup);
                    return min + (0.5 * (peak - min) * (1 + Math.Cos(Math.PI * progress)));
                }

            default:
                {
                    int decay = (int)Math.Round(DecayFraction * totalSteps);
                    int decayStart = totalSteps - decay;
                    if (step < decayStart)
                    {
                        return peak;
                    }

                    double progress = (double)(step - decayStart + 1) / Math.Max(1, decay);
                    return peak + ((min - peak) * progress);
                }
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Size presets of the proxy transformer.</summary>
public enum ProxyModelSize
{
    /// <summary>About 0.37M parameters with a byte vocabulary: 3 layers, width 96, context 128. For a CPU: about 12k tokens per CPU-second, so a 1M-token proxy takes about 40-80 s on two cores.</summary>
    Tiny = 0,

    /// <summary>About 4.9M parameters with a byte vocabulary: 6 layers, width 256, context 256. About 1k tokens per CPU-second on a CPU (a 1M-token proxy takes about 8 minutes on two cores); better suited to a GPU.</summary>
    Small = 1,

    /// <summary>The paper's 62M proxy shape: 32 layers ("deep and narrow"), width 384, 6 heads, context 2048. A GPU model.</summary>
    Paper62M = 2,

    /// <summary>The paper's 350M proxy shape: 32 layers, width 960, 15 heads, context 2048. A GPU model.</summary>
    Paper350M = 3,
}

/// <summary>How the transformer encodes positions.</summary>
public enum PositionEncoding
{
    /// <summary>A learned position embedding added to the token embedding.</summary>
    Learned = 0,

    /// <summary>Rotary position embeddings (rotate-half form) on queries and keys.</summary>
    Rotary = 1,
}

/// <summary>The learning-rate schedule.</summary>
public enum LearningRateSchedule
{
    /// <summary>Linear warmup, constant plateau, then linear decay to the minimum over the last <see cref="ProxyTrainerOptions.DecayFraction"/> of the steps.</summary>
    WarmupStableDecay = 0,

    /// <summary>Linear warmup, then cosine decay to the minimum.</summary>
    Cosine = 1,

    /// <summary>Linear warmup, then constant.</summary>
    Constant = 2,
}

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

/// <summary>The shape of the proxy transformer.</summary>
public sealed class ProxyModelOptions : IValidatableOptions
{
    /// <summary>Gets or sets the number of transformer blocks.</summary>
    /// <value>Default 3 (the <see cref="ProxyModelSize.Tiny"/> preset).</value>
    [Range(1, 256)]
    public int Layers { get; set; } = 3;

    /// <summary>Gets or sets the model (residual stream) width.</summary>
    /// <value>Default 96.</value>
    [Range(8, 65536)]
    public int ModelDimension { get; set; } = 96;

    /// <summary>Gets or sets the number of attention heads (must divide <see cref="ModelDimension"/>, even head width).</summary>
    /// <value>Default 4.</value>
    [Range(1, 1024)]
    public int Heads { get; set; } = 4;

    /// <summary>Gets or sets the MLP expansion ratio.</summary>
    /// <value>Default 4.</value>
    [Range(1, 64)]
    public int MlpRatio { get; set; } = 4;

    /// <summary>Gets or sets the context length (tokens per training sequence).</summary>
    /// <value>Default 128.</value>
    [Range(2, 1 << 20)]
    public int ContextLength { get; set; } = 128;

    /// <summary>Gets or sets the position encoding.</summary>
    /// <value>Default <see cref="PositionEncoding.Learned"/>.</value>
    public PositionEncoding Positions { get; set; } = PositionEncoding.Learned;

    /// <summary>Gets the width of one head.</summary>
    public int HeadDimension => ModelDimension / Heads;

    /// <summary>Creates the options of a preset.</summary>
    /// <param name="size">The preset.</param>
    /// <returns>New options.</returns>
    public static ProxyModelOptions FromPreset(ProxyModelSize size) => size switch
    {
        ProxyModelSize.Tiny => new ProxyModelOptions { Layers = 3, ModelDimension = 96, Heads = 4, ContextLength = 128 },
        ProxyModelSize.Small => new ProxyModelOptions { Layers = 6, ModelDimension = 256, Heads = 4, ContextLength = 256 },
        ProxyModelSize.Paper62M => new ProxyModelOptions { Layers = 32, ModelDimension = 384, Heads = 6, ContextLength = 2048, Positions = PositionEncoding.Rotary },
        ProxyModelSize.Paper350M => new ProxyModelOptions { Layers = 32, ModelDimension = 960, Heads = 15, ContextLength = 2048, Positions = PositionEncoding.Rotary },
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    /// <summary>Gets the number of parameters for a vocabulary (embeddings counted once: they are tied).</summary>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <returns>The parameter count.</returns>
    public long ParameterCount(int vocabularySize)
    {
        long d = ModelDimension, f = (long)MlpRatio * ModelDimension;
        long block = (2 * 2 * d) + (d * 3 * d) + (3 * d) + (d * d) + d + (d * f) + f + (f * d) + d;
        return (vocabularySize * d) + (Positions == PositionEncoding.Learned ? ContextLength * d : 0) + (Layers * block) + (2 * d);
    }

    internal string Describe() => $"L{Layers} d{ModelDimension} h{Heads} ctx{ContextLength} {Positions.ToString().ToLowerInvariant()}";

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (ModelDimension % Heads != 0)
        {
            yield return $"Heads ({Heads}) must divide ModelDimension ({ModelDimension}).";
        }
        else if (Positions == PositionEncoding.Rotary && HeadDimension % 2 != 0)
        {
            yield return $"Rotary positions need an even head width, not {HeadDimension}.";
        }
    }
}

/// <summary>Options of <see cref="TorchSharpProxyTrainer"/>.</summary>
public sealed class ProxyTrainerOptions : IValidatableOptions
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

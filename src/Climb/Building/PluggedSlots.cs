namespace Climb;

/// <summary>Which component slots of the builder the caller filled (the others get Climb's defaults).</summary>
internal sealed record PluggedSlots(bool Clusterer, bool ProxyTrainer, bool Tokenizer, bool Predictor, bool Sampler, bool Executor, bool Strategy);

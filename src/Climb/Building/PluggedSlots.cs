namespace Climb;

/// <summary>Which component slots of the builder the caller filled (the others get Climb's defaults), and which of the
/// built-in strategies' slots have <c>Use*</c> wrappers.</summary>
internal sealed record PluggedSlots(
    bool Clusterer, bool ProxyTrainer, bool Tokenizer, bool Predictor, bool Sampler, bool Executor, bool Strategy, bool PredictorWrapped, bool SamplerWrapped);

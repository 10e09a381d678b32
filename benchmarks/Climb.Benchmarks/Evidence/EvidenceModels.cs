using System.Diagnostics;
using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// The transformer models both evidence experiments train: a base pre-trained once on the uniform mixture (which every
/// proxy or target model continues), and a target model trained on a strategy's answer. Each is written atomically
/// beside its facts, so a rerun reuses it.
/// </summary>
internal static class EvidenceModels
{
    /// <summary>Pre-trains (or reuses) a base model on the uniform mixture.</summary>
    public static async Task<BaseFacts> EnsureBaseAsync(
        string folder, ProxyModelOptions model, long tokens, TokenizedClusterStore store, TextTarget target, int threads, int batchSize, double learningRate, Action<string> say, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "base.ckpt");
        string facts = Path.Combine(folder, "base.json");
        if (File.Exists(facts) && File.Exists(path) && JsonSerializer.Deserialize<BaseFacts>(await File.ReadAllTextAsync(facts, ct), EvidenceExperiment.Json) is { } saved)
        {
            say($"base {model.Describe()}: reused ({saved.Path})");
            return saved;
        }

        say($"base {model.Describe()}: pre-training on the uniform mixture for {tokens:N0} tokens");
        var trainer = new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions { Model = model, TokenBudget = tokens, Threads = threads, Device = ComputeDevice.Cpu, BatchSize = batchSize, LearningRate = learningRate });
        var clock = Stopwatch.StartNew();
        var checkpoint = await trainer.PretrainBaseAsync(store, path, tokens, 0, null, [target], null, ct);
        var result = new BaseFacts
        {
            Path = path,
            Model = model.Describe(),
            Tokens = checkpoint.TokensTrained,
            Seconds = clock.Elapsed.TotalSeconds,
            TargetLoss = checkpoint.Metrics.GetValueOrDefault("target:" + target.Name + "/loss", double.NaN),
            TrainingLoss = checkpoint.FinalTrainingLoss,
        };
        await File.WriteAllTextAsync(facts, JsonSerializer.Serialize(result, EvidenceExperiment.Json), ct);
        say($"base {model.Describe()}: {result.Seconds:F0} s, target loss {result.TargetLoss:F4}");
        return result;
    }

    /// <summary>Trains (or reuses) a target model on a mixture and scores it on the target (and PIQA when given).</summary>
    public static async Task<TargetOutcome> EnsureTargetModelAsync(
        string path, TorchSharpProxyTrainer trainer, MixtureWeights mixture, int seed, TokenizedClusterStore store, TextTarget target, MultipleChoiceTarget? piqa, CancellationToken ct)
    {
        if (File.Exists(path) && JsonSerializer.Deserialize<TargetOutcome>(await File.ReadAllTextAsync(path, ct), EvidenceExperiment.Json) is { } saved && saved.Mixture.SequenceEqual(mixture.ToArray()))
        {
            return saved;
        }

        EvaluationTarget[] targets = piqa is null ? [target] : [target, piqa];
        var r = await trainer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = store, Targets = targets }, null, ct);
        var outcome = new TargetOutcome
        {
            Mixture = mixture.ToArray(),
            Loss = r.Metrics["target:" + target.Name + "/loss"],
            PiqaAcc = piqa is null ? null : r.Metrics["mc:piqa/acc"],
            PiqaAccNorm = piqa is null ? null : r.Metrics["mc:piqa/acc_norm"],
            Seconds = r.Elapsed.TotalSeconds,
            TokensPerSecond = r.Metrics.GetValueOrDefault("train/tokens_per_second"),
            Tokens = r.TokensTrained,
        };
        string tmp = path + ".tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(outcome, EvidenceExperiment.Json), ct);
        File.Move(tmp, path, overwrite: true);
        return outcome;
    }
}

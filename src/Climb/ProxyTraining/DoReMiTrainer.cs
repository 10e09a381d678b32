using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Climb;

/// <summary>
/// DoReMi (Xie et al. 2023, arXiv 2305.10429) on the tokenised clusters with the proxy transformer: a reference model
/// trained on the prior mixture, then a proxy trained with Group DRO over the clusters, whose weights follow each
/// cluster's excess loss over the reference by exponentiated gradient; the answer is their average over the steps.
/// Both trainings start from <see cref="TorchSharpProxyTrainerOptions.BaseCheckpointPath"/> when it is set (the shared base), and
/// run on CUDA or the CPU as <see cref="TorchSharpProxyTrainerOptions.Device"/> says. With a work directory the weight trajectory is
/// journaled and both models are checkpointed, so a killed run resumes where its last checkpoint left it.
/// </summary>
internal sealed partial class DoReMiTrainer
{
    private readonly DoReMiSearchStrategyOptions _options;
    private readonly TorchSharpProxyTrainerOptions _proxy;
    private readonly ILogger _logger;

    /// <summary>Initializes the trainer.</summary>
    /// <param name="options">DoReMi's options; defaults when <see langword="null"/>.</param>
    /// <param name="proxy">The proxy transformer's options (model, batch, optimiser, base checkpoint, device); defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public DoReMiTrainer(DoReMiSearchStrategyOptions? options = null, TorchSharpProxyTrainerOptions? proxy = null, ILogger<DoReMiTrainer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new DoReMiSearchStrategyOptions(), nameof(options));
        _proxy = OptionsValidation.Validate(proxy ?? new TorchSharpProxyTrainerOptions(), nameof(proxy));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the identity of the run's configuration: DoReMi's options, the proxy's options and a hash of the base checkpoint.</summary>
    public string Identity => ComponentIdentity.Of("doremi", _options.Describe()) + ";" + ComponentIdentity.Of("proxy", _proxy) +
        (_proxy.BaseCheckpointPath is { } b ? ";base=" + (File.Exists(b) ? Fingerprint.OfFile(b) : "absent") : string.Empty);

    /// <summary>Runs DoReMi (or resumes it from <paramref name="workDirectory"/>).</summary>
    /// <param name="data">The tokenised clusters.</param>
    /// <param name="prior">The reference model's mixture (the clusters' token shares).</param>
    /// <param name="seed">The seed (initialisation and data order).</param>
    /// <param name="workDirectory">Where the trajectory journal and checkpoints go; <see langword="null"/> keeps none (no resume).</param>
    /// <param name="progress">Receives training progress (phases "doremi-reference" and "doremi-dro").</param>
    /// <param name="cancellationToken">Stops the run; the last checkpoint stays.</param>
    /// <returns>The averaged weights, the trajectory and the tokens trained.</returns>
    public Task<DoReMiResult> RunAsync(
        ITokenizedClusters data,
        MixtureWeights prior,
        int seed = 0,
        string? workDirectory = null,
        IProgress<ProxyTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(prior);
        if (prior.Count != data.ClusterCount)
        {
            throw new ArgumentException($"The prior has {prior.Count} weights but the data has {data.ClusterCount} clusters.", nameof(prior));
        }

        var active = Enumerable.Range(0, data.ClusterCount).Where(c => data.TokenCounts[c] > 0).ToArray();
        if (active.Length < 2)
        {
            throw new ArgumentException($"DoReMi needs at least two clusters with tokens; the data has {active.Length}.", nameof(data));
        }

        string fingerprint = Fingerprint.Of("doremi/v2", Identity, seed, prior.ToArray(), data.Tokenizer.Identity, data.TokenCounts.ToArray(), data.ModelVocabularySize);
        return Task.Run(() => Run(data, prior, active, seed, workDirectory, fingerprint, progress, cancellationToken), cancellationToken);
    }

    private DoReMiResult Run(
        ITokenizedClusters data, MixtureWeights prior, int[] active, int seed, string? workDirectory, string fingerprint, IProgress<ProxyTrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var journal = workDirectory is null ? null : DoReMiJournal.Open(workDirectory, fingerprint, data.ClusterCount);
        if (journal?.Result is { } finished)
        {
            return finished;
        }

        var device = TorchSharpProxyTrainer.ResolveDevice(_proxy, 0);
        // Both phases follow the proxies' protocol: from a stable-stage base (a checkpoint with its description), the
        // decay stage only (no re-warm); from scratch or from a bare initialisation (weights only), the full schedule.
        var schedule = TorchSharpProxyTrainer.ProxySchedule(
            _proxy, _proxy.BaseCheckpointPath is { } b && File.Exists(b + ".json") ? TorchSharpProxyTrainer.ReadConfig(b, data) : null);
        int ctx = _proxy.Model.ContextLength;
        int perCluster = _options.SequencesPerCluster ?? Math.Max(1, (int)Math.Round((double)_proxy.BatchSize / active.Length));
        var (referenceTokens, droTokens) = _options.TrainingTokens(_proxy.TokenBudget);
        int referenceSteps = StepsFor(referenceTokens, _proxy.BatchSize, ctx);
        int droSteps = StepsFor(droTokens, perCluster * active.Length, ctx);
        int resumedFrom = journal?.State.Step ?? 0;

        // Phase 1: the reference model on the prior mixture.
        using var reference = TorchSharpProxyTrainer.CreateModel(_proxy, data, SeedMixer.Derive(seed, 0xD0E, 1), _proxy.BaseCheckpointPath, device);
        double referenceLoss;
        if (journal is not null && journal.State.Phase != DoReMiJournal.ReferencePhase)
        {
            reference.load(journal.ReferencePath);
            referenceLoss = journal.State.ReferenceFinalLoss;
        }
        else
        {
            LogPhase("reference", referenceSteps, (long)referenceSteps * _proxy.BatchSize * ctx, device.ToString());
            referenceLoss = TrainReference(reference, data, prior, seed, referenceSteps, schedule, device, journal, progress, clock, ct);
        }

        reference.eval();

        // Phase 2: the Group DRO proxy.
        using var proxy = TorchSharpProxyTrainer.CreateModel(_proxy, data, SeedMixer.Derive(seed, 0xD0E, 2), _proxy.BaseCheckpointPath, device);
        LogPhase("dro", droSteps, (long)droSteps * perCluster * active.Length * ctx, device.ToString());
        var (average, final, trajectory) = TrainDro(proxy, reference, data, active, perCluster, seed, droSteps, referenceLoss, schedule, device, journal, progress, clock, ct);
        var result = new DoReMiResult
        {
            Weights = average,
            FinalWeights = final,
            Trajectory = trajectory,
            ReferenceSteps = referenceSteps,
            DroSteps = droSteps,
            ReferenceTokens = (long)referenceSteps * _proxy.BatchSize * ctx,
            DroTokens = (long)droSteps * perCluster * active.Length * ctx,
            ReferenceFinalLoss = referenceLoss,
            ResumedFromStep = resumedFrom,
            Device = device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, device.index)}" : "cpu",
            Elapsed = clock.Elapsed,
        };
        journal?.Finish(result);
        LogFinished(average.ToString(), result.TokensTrained, clock.Elapsed.TotalSeconds);
        return result;
    }

    private double TrainReference(
        ProxyTransformer model, ITokenizedClusters data, MixtureWeights prior, int seed, int steps, Func<int, int, double> schedule, Device device,
        DoReMiJournal? journal, IProgress<ProxyTrainingProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        int ctx = _proxy.Model.ContextLength, batch = _proxy.BatchSize, vocab = data.ModelVocabularySize;
        using var optimizer = ProxyTrainingStep.CreateOptimizer(model, _proxy);
        int start = 0;
        var last = new Queue<double>();
        if (journal is { State.Phase: DoReMiJournal.ReferencePhase, State.Step: > 0 })
        {
            model.load(journal.CheckpointPath);
            optimizer.load_state_dict(journal.OptimizerPath);
            start = journal.State.Step;
            foreach (double l in journal.State.RecentLosses)
            {
                last.Enqueue(l);
            }
        }

        int keep = Math.Max(1, steps / 10);
        var ids = new int[batch * (ctx + 1)];
        var longs = new long[ids.Length];
        model.train();
        for (int step = start; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            new MixtureSequenceSampler(data, prior, ctx + 1, SeedMixer.Derive(seed, 0xD0F, 1, step)).NextBatch(ids);
            for (int i = 0; i < ids.Length; i++)
            {
                longs[i] = ids[i];
            }

            double lossValue;
            using (torch.NewDisposeScope())
            {
                var loss = ProxyTrainingStep.NextTokenLoss(model, longs, batch, ctx, vocab, device);
                lossValue = ProxyTrainingStep.Run(model, optimizer, loss, schedule(step, steps), _proxy);
            }

            EnsureFinite(lossValue, "reference", step);
            last.Enqueue(lossValue);
            if (last.Count > keep)
            {
                last.Dequeue();
            }

            progress?.Report(new ProxyTrainingProgress("doremi-reference", step + 1, steps, lossValue, (long)(step + 1) * batch * ctx, clock.Elapsed));
            if (journal is not null && (step + 1) % _options.CheckpointInterval == 0 && step + 1 < steps)
            {
                journal.Checkpoint(model, optimizer, new DoReMiJournal.RunState { Phase = DoReMiJournal.ReferencePhase, Step = step + 1, RecentLosses = [.. last] });
            }
        }

        double final = last.Count > 0 ? last.Average() : double.NaN;
        if (journal is not null)
        {
            model.save(journal.ReferencePath);
            journal.Commit(new DoReMiJournal.RunState { Phase = DoReMiJournal.DroPhase, Step = 0, ReferenceFinalLoss = final });
        }

        return final;
    }

    private (MixtureWeights Average, MixtureWeights Final, IReadOnlyList<DoReMiStep> Trajectory) TrainDro(
        ProxyTransformer model, ProxyTransformer reference, ITokenizedClusters data, int[] active, int perCluster, int seed, int steps, double referenceLoss,
        Func<int, int, double> schedule, Device device, DoReMiJournal? journal, IProgress<ProxyTrainingProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        int ctx = _proxy.Model.ContextLength, vocab = data.ModelVocabularySize, k = active.Length, batch = k * perCluster;
        int clusters = data.ClusterCount;
        using var optimizer = ProxyTrainingStep.CreateOptimizer(model, _proxy);

        // α over the active clusters, updated in log space: log α' = log α + η λ, then normalised and smoothed.
        var alpha = Enumerable.Repeat(1.0 / k, k).ToArray();
        var alphaSum = new double[k];
        int start = 0;
        if (journal is { State.Phase: DoReMiJournal.DroPhase, State.Step: > 0 })
        {
            model.load(journal.CheckpointPath);
            optimizer.load_state_dict(journal.OptimizerPath);
            start = journal.State.Step;
            alpha = [.. journal.State.Alpha];
            alphaSum = [.. journal.State.AlphaSum];
        }

        var ids = new int[batch * (ctx + 1)];
        var longs = new long[ids.Length];
        var slice = new int[perCluster * (ctx + 1)];
        var lambda = new double[k];
        var logits = new double[k];
        model.train();
        for (int step = start; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();

            // A minibatch uniform over the clusters: rows [j·m, (j+1)·m) come from active cluster j.
            for (int j = 0; j < k; j++)
            {
                new MixtureSequenceSampler(data, OneHot(clusters, active[j]), ctx + 1, SeedMixer.Derive(seed, 0xD0F, 2 + active[j], step)).NextBatch(slice);
                slice.CopyTo(ids.AsSpan(j * slice.Length));
            }

            for (int i = 0; i < ids.Length; i++)
            {
                longs[i] = ids[i];
            }

            double lossValue;
            using (torch.NewDisposeScope())
            {
                var all = torch.tensor(longs, [batch, ctx + 1], dtype: ScalarType.Int64).to(device);
                var x = all.narrow(1, 0, ctx);
                var y = all.narrow(1, 1, ctx).reshape(-1);
                Tensor referenceTokenLoss;
                using (torch.no_grad())
                {
                    referenceTokenLoss = nn.functional.cross_entropy(reference.forward(x).view(-1, vocab), y, reduction: nn.Reduction.None).view(k, perCluster * ctx);
                }

                var tokenLoss = nn.functional.cross_entropy(model.forward(x).view(-1, vocab), y, reduction: nn.Reduction.None).view(k, perCluster * ctx);

                // λ: each cluster's per-token excess loss, clipped at 0, averaged over its tokens in the batch.
                var excess = (tokenLoss.detach() - referenceTokenLoss).clamp_min(HeldScalars.Zero).mean([1]).to(ScalarType.Float64).cpu();
                excess.data<double>().CopyTo(lambda);
                UpdateWeights(alpha, lambda, logits);
                for (int j = 0; j < k; j++)
                {
                    alphaSum[j] += alpha[j];
                }

                var weights = torch.tensor(alpha, dtype: ScalarType.Float32).to(device);
                var loss = (tokenLoss.mean([1]) * weights).sum();
                lossValue = ProxyTrainingStep.Run(model, optimizer, loss, schedule(step, steps), _proxy);
            }

            EnsureFinite(lossValue, "DRO proxy", step);
            if (journal is not null && ((step + 1) % _options.TrajectoryInterval == 0 || step + 1 == steps))
            {
                journal.AppendStep(new DoReMiStep(step + 1, Expand(alpha, active, clusters), Expand(lambda, active, clusters), lossValue));
            }

            progress?.Report(new ProxyTrainingProgress("doremi-dro", step + 1, steps, lossValue, (long)(step + 1) * batch * ctx, clock.Elapsed));
            if (journal is not null && (step + 1) % _options.CheckpointInterval == 0 && step + 1 < steps)
            {
                journal.Checkpoint(model, optimizer, new DoReMiJournal.RunState
                {
                    Phase = DoReMiJournal.DroPhase, Step = step + 1, ReferenceFinalLoss = referenceLoss, Alpha = [.. alpha], AlphaSum = [.. alphaSum],
                });
            }
        }

        if (journal is not null)
        {
            model.save(journal.DroPath);
        }

        var average = MixtureWeights.Normalize(Expand(alphaSum.Select(s => s / steps).ToArray(), active, clusters));
        var final = MixtureWeights.Normalize(Expand(alpha, active, clusters));
        return (average, final, journal?.Trajectory ?? []);
    }

    /// <summary>αₜ ∝ αₜ₋₁ ⊙ exp(η λₜ), then αₜ = (1 − c) αₜ + c / k (computed in log space).</summary>
    private void UpdateWeights(double[] alpha, double[] lambda, double[] scratch)
    {
        int k = alpha.Length;
        double max = double.NegativeInfinity;
        for (int j = 0; j < k; j++)
        {
            scratch[j] = Math.Log(alpha[j]) + (_options.StepSize * lambda[j]);
            max = Math.Max(max, scratch[j]);
        }

        double sum = 0;
        for (int j = 0; j < k; j++)
        {
            scratch[j] = Math.Exp(scratch[j] - max);
            sum += scratch[j];
        }

        for (int j = 0; j < k; j++)
        {
            alpha[j] = ((1 - _options.Smoothing) * scratch[j] / sum) + (_options.Smoothing / k);
        }
    }

    private static int StepsFor(long tokens, int sequences, int ctx) => (int)Math.Max(1, (tokens + ((long)sequences * ctx) - 1) / ((long)sequences * ctx));

    private static MixtureWeights OneHot(int count, int index)
    {
        var w = new double[count];
        w[index] = 1;
        return new MixtureWeights(w);
    }

    private static double[] Expand(double[] values, int[] active, int count)
    {
        var full = new double[count];
        for (int j = 0; j < active.Length; j++)
        {
            full[active[j]] = values[j];
        }

        return full;
    }

    private static void EnsureFinite(double loss, string what, int step)
    {
        if (!double.IsFinite(loss))
        {
            throw new InvalidOperationException($"DoReMi's {what} training diverged at step {step} (loss {loss}); lower TorchSharpProxyTrainerOptions.LearningRate.");
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DoReMi {Phase}: {Steps} steps, {Tokens} tokens on {Device}")]
    private partial void LogPhase(string phase, int steps, long tokens, string device);

    [LoggerMessage(Level = LogLevel.Information, Message = "DoReMi weights {Weights} ({Tokens} tokens trained in {Seconds:F1} s)")]
    private partial void LogFinished(string weights, long tokens, double seconds);
}

using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Climb;

/// <summary>A saved proxy or base model: the weights file, its JSON description beside it (<c>&lt;path&gt;.json</c>), and its evaluation when targets were given.</summary>
/// <param name="Path">The weights file (TorchSharp format).</param>
/// <param name="Model">The model shape.</param>
/// <param name="VocabularySize">The model vocabulary size.</param>
/// <param name="Tokenizer">The tokenizer identity.</param>
/// <param name="TokensTrained">Training tokens.</param>
/// <param name="FinalTrainingLoss">Mean training loss over the last tenth of the steps.</param>
/// <param name="Metrics">Target metrics of the model as saved (empty when no targets were given).</param>
public sealed record ProxyCheckpoint(string Path, ProxyModelOptions Model, int VocabularySize, string Tokenizer, long TokensTrained, double FinalTrainingLoss, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// The default proxy trainer: a decoder-only transformer trained with TorchSharp (libtorch) on sequences drawn
/// from the mixture, then scored on the targets. CUDA when available (bf16 matrix products), CPU otherwise;
/// on the CPU the same mixture and seed give bitwise the same result.
/// </summary>
public sealed partial class TorchSharpProxyTrainer : IProxyTrainer
{
    private readonly TorchSharpProxyTrainerOptions _options;
    private readonly ILogger _logger;
    private readonly Lazy<string> _identity;

    /// <summary>Initializes the trainer.</summary>
    /// <param name="options">Options (validated here).</param>
    /// <param name="logger">Logger.</param>
    public TorchSharpProxyTrainer(TorchSharpProxyTrainerOptions? options = null, ILogger<TorchSharpProxyTrainer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new TorchSharpProxyTrainerOptions(), nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _identity = new Lazy<string>(ComputeIdentity);
    }

    /// <inheritdoc />
    public string Identity => _identity.Value;

    /// <inheritdoc />
    public async Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        int window = _options.Model.ContextLength + 1;
        var evaluator = new TargetEvaluator(request.Data, request.Targets, window, _options.Objective);
        var baseInfo = _options.BaseCheckpointPath is { } b ? ReadConfig(b, request.Data) : null;
        if (baseInfo is not null)
        {
            EnsureSameShape(baseInfo, _options.BaseCheckpointPath!);
        }

        var lease = await DevicePlacement.Torch(ResolveDevice(0).type == DeviceType.CUDA).AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Run(request, evaluator, baseInfo, progress, lease.Index, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Dispose();
        }
    }

    /// <summary>
    /// Pre-trains the shared base model (the paper's phase 1) on a mixture (uniform over clusters by default) and
    /// saves it; point <see cref="TorchSharpProxyTrainerOptions.BaseCheckpointPath"/> at it so every proxy continues from it.
    /// The base runs warmup and the stable stage only (no decay) and is saved at the end of the stable stage with its
    /// learning rate; every proxy then runs just the decay stage from it (the paper's protocol). Uses this trainer's model
    /// and optimiser options; ignores its base checkpoint.
    /// </summary>
    /// <param name="data">The tokenised clusters.</param>
    /// <param name="checkpointPath">Where to save the weights (a .json description is written beside them).</param>
    /// <param name="tokenBudget">Training tokens.</param>
    /// <param name="seed">The seed.</param>
    /// <param name="mixture">The mixture (default uniform over clusters).</param>
    /// <param name="targets">Targets to evaluate the base on before saving (optional).</param>
    /// <param name="progress">Receives progress.</param>
    /// <param name="cancellationToken">Cancels the run (nothing is saved).</param>
    /// <returns>The checkpoint.</returns>
    public async Task<ProxyCheckpoint> PretrainBaseAsync(
        ITokenizedClusters data,
        string checkpointPath,
        long tokenBudget,
        int seed = 0,
        MixtureWeights? mixture = null,
        IReadOnlyList<EvaluationTarget>? targets = null,
        IProgress<ProxyTrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrWhiteSpace(checkpointPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokenBudget);
        mixture ??= MixtureWeights.Uniform(data.ClusterCount);
        var evaluator = targets is { Count: > 0 } ? new TargetEvaluator(data, targets, _options.Model.ContextLength + 1, _options.Objective) : null;
        var lease = await DevicePlacement.Torch(ResolveDevice(0).type == DeviceType.CUDA).AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    var device = ResolveDevice(lease.Index);
                    var clock = Stopwatch.StartNew();
                    using var model = CreateModel(data, seed, null, device);
                    var (tokens, finalLoss, _) = TrainModel(model, data, mixture, seed, tokenBudget, _options.StableLearningRateAt, "base", device, progress, clock, cancellationToken);
                    var metrics = evaluator is null ? new Dictionary<string, double>() : Evaluate(model, evaluator, device, cancellationToken).Metrics;
                    return Save(model, checkpointPath, data, tokens, finalLoss, metrics, stableLearningRate: _options.LearningRate);
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Dispose();
        }
    }

    /// <summary>Loads a checkpoint and scores it on targets (for example to check a base model or a saved proxy).</summary>
    /// <param name="checkpointPath">The weights file.</param>
    /// <param name="data">The store whose tokenizer and vocabulary the checkpoint was trained with.</param>
    /// <param name="targets">The targets.</param>
    /// <param name="cancellationToken">Cancels the evaluation.</param>
    /// <returns>The metrics and the objective.</returns>
    public async Task<(IReadOnlyDictionary<string, double> Metrics, double Objective, ObjectiveGoal Goal)> EvaluateCheckpointAsync(
        string checkpointPath, ITokenizedClusters data, IReadOnlyList<EvaluationTarget> targets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(targets);
        var info = ReadConfig(checkpointPath, data);
        var evaluator = new TargetEvaluator(data, targets, info.Model.ContextLength + 1, _options.Objective);
        var lease = await DevicePlacement.Torch(ResolveDevice(0).type == DeviceType.CUDA).AcquireAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(
                () =>
                {
                    var device = ResolveDevice(lease.Index);
                    ProxyTransformer created;
                    lock (DevicePlacement.SeedLock)
                    {
                        created = new ProxyTransformer(info.Model, data.ModelVocabularySize); // initialising draws from torch's global generator
                    }

                    using var model = created;
                    model.load(checkpointPath);
                    model.to(device);
                    model.LowPrecision = device.type == DeviceType.CUDA && _options.BFloat16OnCuda;
                    var (m, o) = Evaluate(model, evaluator, device, cancellationToken);
                    return ((IReadOnlyDictionary<string, double>)m, o, evaluator.Goal);
                },
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lease.Dispose();
        }
    }

    private ProxyResult Run(ProxyTrainingRequest request, TargetEvaluator evaluator, CheckpointConfig? baseInfo, IProgress<ProxyTrainingProgress>? progress, int deviceIndex, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var device = ResolveDevice(deviceIndex);
        using var model = CreateModel(request.Data, request.Seed, baseInfo is null ? null : _options.BaseCheckpointPath, device);
        var schedule = ProxySchedule(_options, baseInfo);
        double startRate = baseInfo?.StableLearningRate ?? _options.LearningRate;
        var (tokens, finalLoss, firstLoss) = TrainModel(model, request.Data, request.Mixture, request.Seed, _options.TokenBudget, schedule, "proxy", device, progress, clock, ct);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        progress?.Report(new ProxyTrainingProgress("evaluate", 0, 0, finalLoss, tokens, clock.Elapsed));
        var (metrics, objective) = Evaluate(model, evaluator, device, ct);
        metrics["train/loss_first"] = firstLoss;
        metrics["train/loss_final"] = finalLoss;
        metrics["train/tokens_per_second"] = tokens / Math.Max(1e-9, trainSeconds);
        metrics["model/parameters"] = model.ParameterCount;
        if (_options.ProxyCheckpointDirectory is { } dir)
        {
            Directory.CreateDirectory(dir);
            Save(model, Path.Combine(dir, CheckpointFileName(request.Mixture, request.Seed)), request.Data, tokens, finalLoss, metrics, stableLearningRate: null);
        }

        LogTrained(request.Seed, tokens, objective, clock.Elapsed.TotalSeconds, device.ToString());
        return new ProxyResult
        {
            Mixture = request.Mixture,
            Seed = request.Seed,
            Objective = objective,
            Goal = evaluator.Goal,
            Metrics = metrics,
            TokensTrained = tokens,
            Elapsed = clock.Elapsed,
            Device = device.type == DeviceType.CUDA ? $"cuda:{Math.Max(0, device.index)}" : "cpu",
            ProxyConfiguration = baseInfo is null
                    ? string.Create(CultureInfo.InvariantCulture, $"transformer {_options.Model.Describe()} params={model.ParameterCount} tokens={tokens} batch={_options.BatchSize} lr={_options.LearningRate} {_options.Schedule} objective={evaluator.Kind}")
                    : string.Create(CultureInfo.InvariantCulture, $"transformer {_options.Model.Describe()} params={model.ParameterCount} tokens={tokens} batch={_options.BatchSize} decay {_options.DecayShape} {startRate}->{startRate * _options.MinLearningRateRatio} from-base objective={evaluator.Kind}"),
        };
    }

    /// <summary>The file name a proxy is saved under in <see cref="TorchSharpProxyTrainerOptions.ProxyCheckpointDirectory"/>.</summary>
    /// <param name="mixture">The mixture.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The file name.</returns>
    public static string CheckpointFileName(MixtureWeights mixture, int seed)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        var bytes = new byte[mixture.Count * 8];
        for (int i = 0; i < mixture.Count; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), mixture[i]);
        }

        string hash = Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
        return $"proxy-{hash}-seed{seed}.pt";
    }

    /// <summary>Every option (checkpoint output folder excluded) and, with a base checkpoint, a hash of its weights.</summary>
    private string ComputeIdentity()
    {
        var snapshot = OptionsCopy.Clone(_options);
        snapshot.ProxyCheckpointDirectory = null;
        snapshot.BaseCheckpointPath = null;
        string options = JsonSerializer.Serialize(snapshot);
        if (_options.BaseCheckpointPath is not { } basePath)
        {
            return "torchsharp " + options;
        }

        using var stream = File.OpenRead(basePath);
        return "torchsharp " + options + " base=sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
    }

    private Device ResolveDevice(int index) => ResolveDevice(_options, index);

    /// <summary>Sets the thread count and picks the device the options ask for (CUDA device <paramref name="index"/> when CUDA is used).</summary>
    internal static Device ResolveDevice(TorchSharpProxyTrainerOptions options, int index)
    {
        if (options.Threads > 0)
        {
            torch.set_num_threads(options.Threads);
        }

        bool cuda = options.Device switch
        {
            ComputeDevice.Cpu => false,
            ComputeDevice.Cuda => torch.cuda.is_available() ? true : throw new InvalidOperationException("ComputeDevice.Cuda was requested but torch sees no CUDA device (is the libtorch-cuda runtime referenced?)."),
            _ => torch.cuda.is_available(),
        };
        return cuda ? torch.device(DeviceType.CUDA, index) : torch.CPU;
    }

    private ProxyTransformer CreateModel(ITokenizedClusters data, int seed, string? basePath, Device device) => CreateModel(_options, data, seed, basePath, device);

    /// <summary>Creates a seeded model (from <paramref name="basePath"/> when given) on <paramref name="device"/>.</summary>
    internal static ProxyTransformer CreateModel(TorchSharpProxyTrainerOptions options, ITokenizedClusters data, int seed, string? basePath, Device device)
    {
        ProxyTransformer model;
        lock (DevicePlacement.SeedLock)
        {
            torch.manual_seed(seed); // the global generator: runs on other devices must not interleave here
            model = new ProxyTransformer(options.Model, data.ModelVocabularySize);
        }

        if (basePath is not null)
        {
            model.load(basePath);
        }

        model.to(device);
        model.LowPrecision = device.type == DeviceType.CUDA && options.BFloat16OnCuda;
        return model;
    }

    /// <summary>
    /// The learning-rate schedule of a proxy (or of any model trained like one, such as DoReMi's): continued from a
    /// stable-stage base, the decay stage only, starting at the base's stable-stage rate; from scratch, the full schedule.
    /// </summary>
    internal static Func<int, int, double> ProxySchedule(TorchSharpProxyTrainerOptions options, CheckpointConfig? baseInfo)
    {
        if (baseInfo is null)
        {
            return options.LearningRateAt;
        }

        double startRate = baseInfo.StableLearningRate ?? options.LearningRate;
        return (step, steps) => options.DecayLearningRateAt(step, steps, startRate);
    }

    private (long Tokens, double FinalLoss, double FirstLoss) TrainModel(
        ProxyTransformer model, ITokenizedClusters data, MixtureWeights mixture, int seed, long tokenBudget, Func<int, int, double> schedule, string what, Device device,
        IProgress<ProxyTrainingProgress>? progress, Stopwatch clock, CancellationToken ct)
    {
        int ctx = _options.Model.ContextLength, batch = _options.BatchSize, vocab = data.ModelVocabularySize;
        int steps = (int)Math.Max(1, (tokenBudget + ((long)batch * ctx) - 1) / ((long)batch * ctx));
        var sampler = new MixtureSequenceSampler(data, mixture, ctx + 1, seed);
        using var optimizer = ProxyTrainingStep.CreateOptimizer(model, _options);
        var ids = new int[batch * (ctx + 1)];
        var longs = new long[ids.Length];
        var lastLosses = new Queue<double>();
        int keep = Math.Max(1, steps / 10);
        double first = double.NaN;
        int reportEvery = Math.Max(1, steps / 100);
        int logEvery = Math.Max(1, steps / 10);
        model.train();
        for (int step = 0; step < steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            sampler.NextBatch(ids);
            for (int i = 0; i < ids.Length; i++)
            {
                longs[i] = ids[i];
            }

            double lossValue;
            using (torch.NewDisposeScope())
            {
                var loss = ProxyTrainingStep.NextTokenLoss(model, longs, batch, ctx, vocab, device);
                lossValue = ProxyTrainingStep.Run(model, optimizer, loss, schedule(step, steps), _options);
            }

            if (!double.IsFinite(lossValue))
            {
                throw new InvalidOperationException($"Training diverged at step {step} (loss {lossValue}); lower the learning rate.");
            }

            if (step == 0)
            {
                first = lossValue;
            }

            lastLosses.Enqueue(lossValue);
            if (lastLosses.Count > keep)
            {
                lastLosses.Dequeue();
            }

            if ((step + 1) % reportEvery == 0 || step == steps - 1)
            {
                var update = new ProxyTrainingProgress("train", step + 1, steps, lossValue, (long)(step + 1) * batch * ctx, clock.Elapsed);
                progress?.Report(update);
                if ((step + 1) % logEvery == 0 || step == steps - 1)
                {
                    LogProgress(what, step + 1, steps, update.TokensTrained, update.TokensPerSecond, update.EstimatedRemaining?.TotalSeconds ?? 0, lossValue);
                }
            }
        }

        return ((long)steps * batch * ctx, lastLosses.Average(), first);
    }

    private (Dictionary<string, double> Metrics, double Objective) Evaluate(ProxyTransformer model, TargetEvaluator evaluator, Device device, CancellationToken ct)
    {
        model.eval();
        try
        {
            return evaluator.Evaluate(new TorchScorer(model, device, _options.EvaluationBatchSize, _options.Model.ContextLength + 1), ct);
        }
        finally
        {
            model.train();
        }
    }

    private ProxyCheckpoint Save(ProxyTransformer model, string path, ITokenizedClusters data, long tokens, double finalLoss, IReadOnlyDictionary<string, double> metrics, double? stableLearningRate)
    {
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string tmp = full + ".tmp";
        model.save(tmp);
        var config = new CheckpointConfig
        {
            Model = _options.Model,
            VocabularySize = data.ModelVocabularySize,
            Tokenizer = data.Tokenizer.Identity,
            VocabularyHash = VocabularyHash(data),
            TokensTrained = tokens,
            FinalTrainingLoss = finalLoss,
            StableLearningRate = stableLearningRate,
            Metrics = new Dictionary<string, double>(metrics),
        };
        File.Move(tmp, full, overwrite: true);
        TokenizedClusterStore.WriteBytesAtomic(full + ".json", JsonSerializer.SerializeToUtf8Bytes(config, CheckpointJson.Options));
        return new ProxyCheckpoint(full, _options.Model, data.ModelVocabularySize, data.Tokenizer.Identity, tokens, finalLoss, metrics);
    }

    internal static CheckpointConfig ReadConfig(string path, ITokenizedClusters data)
    {
        string json = path + ".json";
        if (!File.Exists(path) || !File.Exists(json))
        {
            throw new FileNotFoundException($"{path}: checkpoint (and its .json description) not found.", path);
        }

        CheckpointConfig config;
        try
        {
            config = JsonSerializer.Deserialize<CheckpointConfig>(File.ReadAllText(json), CheckpointJson.Options)
                ?? throw new InvalidDataException($"{json}: empty checkpoint description.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{json}: corrupt checkpoint description ({ex.Message}).", ex);
        }

        if (config.Tokenizer != data.Tokenizer.Identity || config.VocabularySize != data.ModelVocabularySize || config.VocabularyHash != VocabularyHash(data))
        {
            throw new InvalidDataException($"{json}: the checkpoint was trained with tokenizer '{config.Tokenizer}' and a vocabulary of {config.VocabularySize} (hash {config.VocabularyHash}); the data has '{data.Tokenizer.Identity}', {data.ModelVocabularySize} ({VocabularyHash(data)}).");
        }

        return config;
    }

    private void EnsureSameShape(CheckpointConfig config, string path)
    {
        var a = config.Model;
        var b = _options.Model;
        if (a.Layers != b.Layers || a.ModelDimension != b.ModelDimension || a.Heads != b.Heads || a.MlpRatio != b.MlpRatio || a.ContextLength != b.ContextLength || a.Positions != b.Positions)
        {
            throw new InvalidDataException($"{path}: the base model is {a.Describe()} but the options ask for {b.Describe()}.");
        }
    }

    private static string VocabularyHash(ITokenizedClusters data)
    {
        if (data.Compaction is null)
        {
            return "identity";
        }

        var raw = data.Compaction.DenseToRaw;
        var bytes = new byte[raw.Length * 4];
        Buffer.BlockCopy(raw.ToArray(), 0, bytes, 0, bytes.Length);
        return Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Training {What}: step {Step}/{Steps}, {Tokens} tokens, {TokensPerSecond:F0} tokens/s, ETA {EtaSeconds:F0} s, loss {Loss:F4}")]
    private partial void LogProgress(string what, int step, int steps, long tokens, double tokensPerSecond, double etaSeconds, double loss);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy seed {Seed}: {Tokens} tokens, objective {Objective:G6} in {Seconds:F1} s on {Device}")]
    private partial void LogTrained(int seed, long tokens, double objective, double seconds, string device);

    internal sealed class CheckpointConfig
    {
        public ProxyModelOptions Model { get; set; } = new();

        public int VocabularySize { get; set; }

        public string Tokenizer { get; set; } = string.Empty;

        public string VocabularyHash { get; set; } = string.Empty;

        public long TokensTrained { get; set; }

        public double FinalTrainingLoss { get; set; }

        /// <summary>The learning rate at the end of the base's stable stage, where every proxy's decay starts; null for proxies (and older checkpoints, which fall back to the trainer's peak rate).</summary>
        public double? StableLearningRate { get; set; }

        public Dictionary<string, double> Metrics { get; set; } = [];
    }

    private static class CheckpointJson
    {
        public static readonly JsonSerializerOptions Options = new()
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
            NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        };
    }

    /// <summary>Scores requests with the transformer: batches of similar length, right-padded, log-softmax in fp32.</summary>
    private sealed class TorchScorer(ProxyTransformer model, Device device, int batchSize, int maxLength) : ITokenScorer
    {
        public int MaxSequenceLength => maxLength;

        public double[] SumLogProbabilities(IReadOnlyList<ScoringRequest> requests, CancellationToken cancellationToken)
        {
            var result = new double[requests.Count];
            int[] order = Enumerable.Range(0, requests.Count).OrderBy(i => requests[i].Tokens.Length).ToArray();
            using var noGrad = torch.no_grad();
            for (int start = 0; start < order.Length; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int n = Math.Min(batchSize, order.Length - start);
                int len = 0;
                for (int j = 0; j < n; j++)
                {
                    len = Math.Max(len, requests[order[start + j]].Tokens.Length);
                }

                int t = len - 1;
                var input = new long[n * t];
                var target = new long[n * t];
                for (int j = 0; j < n; j++)
                {
                    int[] tok = requests[order[start + j]].Tokens;
                    for (int i = 0; i < tok.Length - 1; i++)
                    {
                        input[(j * t) + i] = tok[i];
                        target[(j * t) + i] = tok[i + 1];
                    }
                }

                float[] lp;
                using (torch.NewDisposeScope())
                {
                    var x = torch.tensor(input, [n, t], dtype: ScalarType.Int64).to(device);
                    var y = torch.tensor(target, [n, t, 1], dtype: ScalarType.Int64).to(device);
                    var logits = model.forward(x).to(ScalarType.Float32);
                    var logp = nn.functional.log_softmax(logits, -1).gather(-1, y).squeeze(-1);
                    lp = logp.cpu().data<float>().ToArray();
                }

                for (int j = 0; j < n; j++)
                {
                    var req = requests[order[start + j]];
                    double sum = 0;
                    for (int i = req.ScoredFrom; i < req.Tokens.Length; i++)
                    {
                        sum += lp[(j * t) + i - 1];
                    }

                    result[order[start + j]] = sum;
                }
            }

            return result;
        }
    }
}

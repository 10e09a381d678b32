using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// A fast, real proxy: an interpolated modified Kneser-Ney n-gram model trained on tokens drawn from the mixture
/// by the same seeded mixture sampler as the transformer, scored on the same targets. Seconds per
/// proxy on a CPU; useful for quick searches and for testing a search loop end to end.
/// </summary>
public sealed partial class KneserNeyProxyTrainer : IProxyTrainer
{
    private readonly KneserNeyProxyTrainerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes the trainer.</summary>
    /// <param name="options">Options (validated here).</param>
    /// <param name="logger">Logger.</param>
    public KneserNeyProxyTrainer(KneserNeyProxyTrainerOptions? options = null, ILogger<KneserNeyProxyTrainer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new KneserNeyProxyTrainerOptions(), nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Identity => ComponentIdentity.Of("kneser-ney/kenlm-fallback", _options);

    /// <inheritdoc />
    public Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var evaluator = new TargetEvaluator(request.Data, request.Targets, _options.EvaluationWindow, _options.Objective);
        return Task.Run(() => Run(request, evaluator, progress, cancellationToken), cancellationToken);
    }

    private ProxyResult Run(ProxyTrainingRequest request, TargetEvaluator evaluator, IProgress<ProxyTrainingProgress>? progress, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var sampler = new MixtureSequenceSampler(request.Data, request.Mixture, _options.SequenceLength, request.Seed);
        int sequences = (int)Math.Max(1, (_options.TokenBudget + _options.SequenceLength - 1) / _options.SequenceLength);
        var model = KneserNeyModel.Train(Draw(sampler, sequences), _options.Order, request.Data.ModelVocabularySize, _options.EvaluationWindow, _options.FixedDiscount, ct);
        progress?.Report(new ProxyTrainingProgress("evaluate", 1, 1, double.NaN, model.TrainingTokens, clock.Elapsed));
        var (metrics, objective) = evaluator.Evaluate(model, ct);
        LogTrained(request.Seed, model.TrainingTokens, objective, clock.Elapsed.TotalSeconds);
        return new ProxyResult
        {
            Mixture = request.Mixture,
            Seed = request.Seed,
            Objective = objective,
            Goal = evaluator.Goal,
            Metrics = metrics,
            TokensTrained = model.TrainingTokens,
            Elapsed = clock.Elapsed,
            Device = "cpu",
            ProxyConfiguration = string.Create(CultureInfo.InvariantCulture, $"kneser-ney order={_options.Order} tokens={model.TrainingTokens} vocab={request.Data.ModelVocabularySize} objective={evaluator.Kind}"),
        };
    }

    private static IEnumerable<int[]> Draw(MixtureSequenceSampler sampler, int count)
    {
        for (int i = 0; i < count; i++)
        {
            var seq = new int[sampler.SequenceLength];
            sampler.NextBatch(seq);
            yield return seq;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Kneser-Ney proxy seed {Seed}: {Tokens} tokens, objective {Objective:G6} in {Seconds:F2} s")]
    private partial void LogTrained(int seed, long tokens, double objective, double seconds);
}

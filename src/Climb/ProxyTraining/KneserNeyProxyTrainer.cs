using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>Options of <see cref="KneserNeyProxyTrainer"/>.</summary>
public sealed class KneserNeyOptions : IValidatableOptions
{
    /// <summary>Gets or sets the n-gram order.</summary>
    /// <value>Default 4. 3 to 5 are typical; 1 and 2 are allowed.</value>
    [Range(1, 5)]
    public int Order { get; set; } = 4;

    /// <summary>Gets or sets the number of training tokens drawn from the mixture.</summary>
    /// <value>Default 1,000,000.</value>
    [Range(100L, long.MaxValue)]
    public long TokenBudget { get; set; } = 1_000_000;

    /// <summary>Gets or sets the tokens per sampled sequence (n-grams never cross sequences).</summary>
    /// <value>Default 1024.</value>
    [Range(2, 1 << 20)]
    public int SequenceLength { get; set; } = 1024;

    /// <summary>Gets or sets a single absolute discount for every count (plain interpolated Kneser-Ney) instead of the three modified discounts per order estimated from the count-of-counts.</summary>
    /// <value>Default <see langword="null"/> (modified Kneser-Ney).</value>
    public double? FixedDiscount { get; set; }

    /// <summary>Gets or sets the longest window (tokens) used to score target texts and multiple-choice continuations.</summary>
    /// <value>Default 1024.</value>
    [Range(8, 1 << 20)]
    public int EvaluationWindow { get; set; } = 1024;

    /// <summary>Gets or sets how the target metrics combine into the objective.</summary>
    /// <value>Default: <see cref="ProxyObjectiveKind.Auto"/>.</value>
    public ProxyObjectiveOptions Objective { get; set; } = new();

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (FixedDiscount is { } d && (!double.IsFinite(d) || d <= 0 || d >= 1))
        {
            yield return $"FixedDiscount must be in (0, 1), not {d}.";
        }

        if (SequenceLength <= Order)
        {
            yield return $"SequenceLength ({SequenceLength}) must exceed Order ({Order}).";
        }

        if (Objective is null)
        {
            yield return "Objective must not be null.";
        }
    }
}

/// <summary>
/// A fast, real proxy: an interpolated modified Kneser-Ney n-gram model trained on tokens drawn from the mixture
/// by the same <see cref="MixtureSequenceSampler"/> as the transformer, scored on the same targets. Seconds per
/// proxy on a CPU; useful for quick searches and for testing a search loop end to end.
/// </summary>
public sealed partial class KneserNeyProxyTrainer : IProxyTrainer
{
    private readonly KneserNeyOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes the trainer.</summary>
    /// <param name="options">Options (validated here).</param>
    /// <param name="logger">Logger.</param>
    public KneserNeyProxyTrainer(KneserNeyOptions? options = null, ILogger<KneserNeyProxyTrainer>? logger = null)
    {
        _options = OptionsValidation.Validate(options ?? new KneserNeyOptions(), nameof(options));
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

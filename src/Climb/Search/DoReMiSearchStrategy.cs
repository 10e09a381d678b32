using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// DoReMi (Xie et al. 2023) as a search strategy: it trains a reference proxy on the prior mixture and a Group DRO proxy
/// over the clusters itself, and answers with the DRO weights averaged over the steps. Its one
/// proxy run measures that answer with the same proxy and objective as the other strategies, so their results compare.
/// Its cost, the tokens of its two trainings, is in <see cref="MixtureSearchAnswer.StrategyTokensTrained"/>; by default it
/// gets the tokens CLIMB's default search spends on its 112 proxies (<see cref="DoReMiSearchStrategyOptions.EquivalentProxyRuns"/>).
/// It plans only once bound to the data: <see cref="Bind"/> returns a bound copy and leaves this instance as it was (the
/// pipeline's search stage binds it).
/// </summary>
public sealed class DoReMiSearchStrategy : IDataBoundSearchStrategy
{
    private readonly DoReMiSearchStrategyOptions _options;
    private readonly TorchSharpProxyTrainerOptions _proxy;
    private readonly ILoggerFactory _loggers;
    private readonly ITokenizedClusters? _data;
    private readonly string? _workDirectory;
    private readonly IProgress<ProxyTrainingProgress>? _progress;
    private readonly DoReMiTrainer? _trainer;
    private DoReMiResult? _result;

    /// <summary>Initializes the strategy.</summary>
    /// <param name="options">DoReMi's options; defaults when <see langword="null"/>.</param>
    /// <param name="proxy">The proxy transformer's options (the same as the proxy trainer's, for a like-for-like comparison); defaults when <see langword="null"/>.</param>
    /// <param name="loggers">Creates the trainer's logger.</param>
    public DoReMiSearchStrategy(DoReMiSearchStrategyOptions? options = null, TorchSharpProxyTrainerOptions? proxy = null, ILoggerFactory? loggers = null)
    {
        _options = OptionsValidation.Validate(options ?? new DoReMiSearchStrategyOptions(), nameof(options));
        _proxy = OptionsValidation.Validate(OptionsCopy.Clone(proxy ?? new TorchSharpProxyTrainerOptions()), nameof(proxy));
        _loggers = loggers ?? NullLoggerFactory.Instance;
    }

    private DoReMiSearchStrategy(DoReMiSearchStrategy unbound, ITokenizedClusters data, string? workDirectory, DoReMiTrainer trainer, IProgress<ProxyTrainingProgress>? progress)
    {
        _options = unbound._options;
        _proxy = unbound._proxy;
        _loggers = unbound._loggers;
        _data = data;
        _workDirectory = workDirectory;
        _trainer = trainer;
        _progress = progress;
    }

    /// <inheritdoc />
    public string Name => "doremi";

    /// <inheritdoc />
    /// <remarks>A base checkpoint passed to <see cref="Bind"/> is not part of it: it comes from the proxy trainer, whose identity the search fingerprints too.</remarks>
    public string Identity => new DoReMiTrainer(_options, _proxy).Identity;

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => [1];

    /// <summary>Gets the result of the DoReMi training, once a round of this bound strategy has been planned.</summary>
    internal DoReMiResult? LastResult => _result;

    /// <summary>Returns a copy of this strategy bound to the data it trains on; this instance is not changed.</summary>
    /// <param name="data">The tokenised clusters (the same the proxies train on).</param>
    /// <param name="workDirectory">Where the reference and DRO trainings journal and checkpoint, so an interrupted search resumes; <see langword="null"/> keeps nothing.</param>
    /// <param name="baseCheckpointPath">The shared base model every proxy continues from, when there is one; <see langword="null"/> keeps the proxy options' own setting.</param>
    /// <param name="progress">Receives the trainings' progress.</param>
    /// <returns>The bound strategy, with the same <see cref="Identity"/>.</returns>
    /// <exception cref="FileNotFoundException">The base checkpoint does not exist.</exception>
    public DoReMiSearchStrategy Bind(ITokenizedClusters data, string? workDirectory, string? baseCheckpointPath = null, IProgress<ProxyTrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        var proxy = OptionsCopy.Clone(_proxy);
        if (baseCheckpointPath is not null)
        {
            if (!File.Exists(baseCheckpointPath))
            {
                throw new FileNotFoundException($"DoReMi's base checkpoint '{baseCheckpointPath}' does not exist.", baseCheckpointPath);
            }

            proxy.BaseCheckpointPath = baseCheckpointPath;
        }

        return new DoReMiSearchStrategy(this, data, workDirectory, new DoReMiTrainer(_options, proxy, _loggers.CreateLogger<DoReMiTrainer>()), progress);
    }

    /// <inheritdoc />
    IMixtureSearchStrategy IDataBoundSearchStrategy.Bind(ITokenizedClusters data, string? workDirectory, string? baseCheckpointPath, IProgress<ProxyTrainingProgress>? progress) =>
        Bind(data, workDirectory, baseCheckpointPath, progress);

    /// <inheritdoc />
    public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new MixtureRoundPlan { Mixtures = [Train(context, cancellationToken).Weights] };
    }

    /// <inheritdoc />
    public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var r = Train(context, cancellationToken);
        return new MixtureSearchAnswer
        {
            Mixture = r.Weights,
            Method = string.Create(
                CultureInfo.InvariantCulture,
                $"DoReMi: Group DRO weights averaged over {r.DroSteps} steps (reference {r.ReferenceTokens:N0} + DRO proxy {r.DroTokens:N0} tokens trained)"),
            StrategyTokensTrained = r.TokensTrained,
        };
    }

    private DoReMiResult Train(MixtureSearchContext context, CancellationToken cancellationToken)
    {
        if (_result is not null)
        {
            return _result;
        }

        if (_data is null || _trainer is null)
        {
            throw new InvalidOperationException(
                "DoReMi trains its own reference and DRO models on the tokenised clusters: search with the strategy Bind(data, workDirectory) returns (the pipeline's search stage does).");
        }

        if (context.Prior.Count != _data.ClusterCount)
        {
            throw new InvalidOperationException($"The search's prior has {context.Prior.Count} clusters but the bound data has {_data.ClusterCount}.");
        }

        var prior = MixtureWeights.Normalize(context.Prior.Shares);
        _result = _trainer.RunAsync(_data, prior, SeedMixer.Derive(context.Seed, 0xD0E), _workDirectory, _progress, cancellationToken).GetAwaiter().GetResult();
        return _result;
    }
}

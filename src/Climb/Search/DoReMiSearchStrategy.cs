using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// DoReMi (Xie et al. 2023) as a search strategy: it trains a reference proxy on the prior mixture and a Group DRO proxy
/// over the clusters itself (<see cref="DoReMiTrainer"/>), and answers with the DRO weights averaged over the steps. Its one
/// proxy run measures that answer with the same proxy and objective as the other strategies, so their results compare.
/// Its cost, the tokens of its two trainings, is in <see cref="MixtureSearchAnswer.StrategyTokensTrained"/>; by default it
/// gets the tokens CLIMB's default search spends on its 112 proxies (<see cref="DoReMiSearchStrategyOptions.EquivalentProxyRuns"/>).
/// Bind it to the data first (<see cref="Bind"/>; the pipeline does it).
/// </summary>
public sealed class DoReMiSearchStrategy : IDataBoundSearchStrategy
{
    private readonly DoReMiSearchStrategyOptions _options;
    private readonly TorchSharpProxyTrainerOptions _proxy;
    private readonly ILoggerFactory _loggers;
    private ITokenizedClusters? _data;
    private string? _workDirectory;
    private IProgress<ProxyTrainingProgress>? _progress;
    private DoReMiTrainer? _trainer;
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

    /// <inheritdoc />
    public string Name => "doremi";

    /// <inheritdoc />
    /// <remarks>A base checkpoint passed to <see cref="Bind"/> is not part of it: it comes from the proxy trainer, whose identity the search fingerprints too.</remarks>
    public string Identity => new DoReMiTrainer(_options, _proxy).Identity;

    /// <inheritdoc />
    public IReadOnlyList<int> RoundBudgets => [1];

    /// <summary>Gets the result of the DoReMi training, once a round has been planned.</summary>
    public DoReMiResult? LastResult => _result;

    /// <inheritdoc />
    public void Bind(ITokenizedClusters data, string? workDirectory, string? baseCheckpointPath = null, IProgress<ProxyTrainingProgress>? progress = null)
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

        _data = data;
        _workDirectory = workDirectory;
        _progress = progress;
        _trainer = new DoReMiTrainer(_options, proxy, _loggers.CreateLogger<DoReMiTrainer>());
        _result = null;
    }

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
                "DoReMi trains its own reference and DRO models on the tokenised clusters: call Bind(data, workDirectory) before the search runs (the pipeline's search stage does).");
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

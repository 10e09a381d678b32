using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Builds a <see cref="ClimbPipeline"/>: one slot per stage, each taking an instance or a factory from an
/// <see cref="IServiceProvider"/>; unset slots get Climb's defaults.
/// </summary>
/// <remarks>
/// <see cref="Build"/> validates everything at once, reports every problem in one <see cref="ValidationException"/>,
/// and freezes the builder: it cannot be changed after it has built a pipeline.
/// </remarks>
public sealed class ClimbPipelineBuilder
{
    private readonly ClimbPipelineOptions _options = new();
    private Func<IServiceProvider, IEmbedder>? _embedder;
    private Func<IServiceProvider, IClusterer>? _clusterer;
    private Func<IServiceProvider, IQualityScorer>? _scorer;
    private Func<IServiceProvider, IProxyTrainer>? _trainer;
    private Func<IServiceProvider, IWorkExecutor>? _executor;
    private Func<IServiceProvider, IMixturePredictor>? _predictor;
    private Func<IServiceProvider, IMixtureSampler>? _sampler;
    private Func<IServiceProvider, ITokenizer>? _tokenizer;
    private Func<IServiceProvider, IMixtureSearchStrategy>? _strategy;
    private readonly ComponentWrappers _wrappers = new();
    private ILoggerFactory? _loggerFactory;
    private IServiceProvider? _services;
    private IReadOnlyDictionary<string, string>? _optionNames;
    private bool _built;

    /// <summary>Sets the embedder (default: <see cref="GloveSifEmbedder"/>, fitted on the corpus).</summary>
    /// <param name="embedder">The embedder.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithEmbedder(IEmbedder embedder) => Set(ref _embedder, Instance(embedder));

    /// <summary>Sets the embedder from a factory.</summary>
    /// <param name="factory">Creates the embedder from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithEmbedder(Func<IServiceProvider, IEmbedder> factory) => Set(ref _embedder, factory);

    /// <summary>Sets the clusterer (default: <see cref="KMeansClusterer"/> with <see cref="ClimbPipelineOptions.ClusterCount"/> clusters).</summary>
    /// <param name="clusterer">The clusterer.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithClusterer(IClusterer clusterer) => Set(ref _clusterer, Instance(clusterer));

    /// <summary>Sets the clusterer from a factory.</summary>
    /// <param name="factory">Creates the clusterer from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithClusterer(Func<IServiceProvider, IClusterer> factory) => Set(ref _clusterer, factory);

    /// <summary>Sets the quality scorer (default: <see cref="RuleBasedQualityScorer"/>).</summary>
    /// <param name="scorer">The scorer.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithQualityScorer(IQualityScorer scorer) => Set(ref _scorer, Instance(scorer));

    /// <summary>Sets the quality scorer from a factory.</summary>
    /// <param name="factory">Creates the scorer from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithQualityScorer(Func<IServiceProvider, IQualityScorer> factory) => Set(ref _scorer, factory);

    /// <summary>Sets the proxy trainer (default: <see cref="TorchSharpProxyTrainer"/> warm-started from a base pre-trained on the uniform mixture).</summary>
    /// <param name="trainer">The trainer.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithProxyTrainer(IProxyTrainer trainer) => Set(ref _trainer, Instance(trainer));

    /// <summary>Sets the proxy trainer from a factory.</summary>
    /// <param name="factory">Creates the trainer from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithProxyTrainer(Func<IServiceProvider, IProxyTrainer> factory) => Set(ref _trainer, factory);

    /// <summary>Runs the built-in proxy trainer's runs as Slurm jobs instead of in this process, and the embedding shards
    /// (built-in embedders) and the k-means assignment pass (built-in k-means) too; the artifacts folder must be on storage
    /// its workers see. (<see cref="ClimbPipelineOptions.Executor"/> = <see cref="ExecutorKind.Slurm"/> does the same with
    /// <see cref="ClimbPipelineOptions.Slurm"/>.)</summary>
    /// <param name="executor">The executor.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithExecutor(SlurmExecutor executor) => Set(ref _executor, Instance<IWorkExecutor>(executor));

    /// <summary>Runs the built-in proxy trainer's runs as Slurm jobs, with an executor created from the service provider.</summary>
    /// <param name="factory">Creates the executor.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithExecutor(Func<IServiceProvider, SlurmExecutor> factory) => Set(ref _executor, factory);

    /// <summary>Sets the mixture predictor (default: an automatic choice among <see cref="RidgeMixturePredictor"/>, <see cref="GaussianProcessMixturePredictor"/> and <see cref="LightGbmMixturePredictor"/>, made each round by cross-validated Spearman).</summary>
    /// <param name="predictor">The predictor.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithMixturePredictor(IMixturePredictor predictor) => Set(ref _predictor, Instance(predictor));

    /// <summary>Sets the mixture predictor from a factory.</summary>
    /// <param name="factory">Creates the predictor from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithMixturePredictor(Func<IServiceProvider, IMixturePredictor> factory) => Set(ref _predictor, factory);

    /// <summary>Sets the mixture sampler (default: <see cref="DirichletMixtureSampler"/>).</summary>
    /// <param name="sampler">The sampler.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithMixtureSampler(IMixtureSampler sampler) => Set(ref _sampler, Instance(sampler));

    /// <summary>Sets the mixture sampler from a factory.</summary>
    /// <param name="factory">Creates the sampler from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithMixtureSampler(Func<IServiceProvider, IMixtureSampler> factory) => Set(ref _sampler, factory);

    /// <summary>Sets the search strategy (default: the built-in strategy <see cref="ClimbPipelineOptions.Strategy"/> names, made
    /// from <see cref="ClimbPipelineOptions.Search"/> or <see cref="ClimbPipelineOptions.SingleRoundBudget"/> and the
    /// mixture predictor and sampler slots).</summary>
    /// <param name="strategy">The strategy. One that trains on the data itself (an <see cref="IDataBoundSearchStrategy"/>)
    /// is bound to the tokenised clusters by the search stage of each run.</param>
    /// <returns>This builder.</returns>
    /// <remarks>The options and slots that only configure the built-in strategies (<see cref="ClimbPipelineOptions.Strategy"/>,
    /// <see cref="ClimbPipelineOptions.Search"/>, <see cref="ClimbPipelineOptions.SingleRoundBudget"/>, the mixture predictor
    /// and sampler) are then refused by <see cref="Build"/> when set: give them to the strategy itself.</remarks>
    public ClimbPipelineBuilder WithSearchStrategy(IMixtureSearchStrategy strategy) => Set(ref _strategy, Instance(strategy));

    /// <summary>Sets the search strategy from a factory.</summary>
    /// <param name="factory">Creates the strategy from the service provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithSearchStrategy(Func<IServiceProvider, IMixtureSearchStrategy> factory) => Set(ref _strategy, factory);

    /// <summary>Sets the tokenizer of the proxy data (default: the built-in named by <see cref="ClimbPipelineOptions.Tokenizer"/>).</summary>
    /// <param name="tokenizer">The tokenizer.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithTokenizer(ITokenizer tokenizer) => Set(ref _tokenizer, Instance(tokenizer));

    /// <summary>Wraps the embedder, the default or the one plugged in, for example in a cache (<see cref="DelegatingEmbedder"/>).</summary>
    /// <param name="wrap">Returns the wrapper of the embedder it is given. The first wrapper added is the outermost. A
    /// corpus-fitted embedder (the default) is fitted by the embed stage and then wrapped again, so this may be called twice.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseEmbedder(Func<IEmbedder, IEmbedder> wrap) => Use(_wrappers.Embedder, wrap);

    /// <summary>Wraps the clusterer, the default or the one plugged in (<see cref="DelegatingClusterer"/>).</summary>
    /// <param name="wrap">Returns the wrapper of the clusterer it is given. The first wrapper added is the outermost.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseClusterer(Func<IClusterer, IClusterer> wrap) => Use(_wrappers.Clusterer, wrap);

    /// <summary>Wraps the quality scorer, the default or the one plugged in.</summary>
    /// <param name="wrap">Returns the wrapper of the scorer it is given. The first wrapper added is the outermost.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseQualityScorer(Func<IQualityScorer, IQualityScorer> wrap) => Use(_wrappers.QualityScorer, wrap);

    /// <summary>Wraps the proxy trainer, the default (with its executor) or the one plugged in (<see cref="DelegatingProxyTrainer"/>).</summary>
    /// <param name="wrap">Returns the wrapper of the trainer it is given. The first wrapper added is the outermost.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseProxyTrainer(Func<IProxyTrainer, IProxyTrainer> wrap) => Use(_wrappers.ProxyTrainer, wrap);

    /// <summary>Wraps the mixture predictor of the built-in search strategies, the default or the one plugged in (<see cref="DelegatingMixturePredictor"/>).</summary>
    /// <param name="wrap">Returns the wrapper of the predictor it is given. The first wrapper added is the outermost.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseMixturePredictor(Func<IMixturePredictor, IMixturePredictor> wrap) => Use(_wrappers.Predictor, wrap);

    /// <summary>Wraps the mixture sampler of the built-in search strategies, the default or the one plugged in.</summary>
    /// <param name="wrap">Returns the wrapper of the sampler it is given. The first wrapper added is the outermost.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder UseMixtureSampler(Func<IMixtureSampler, IMixtureSampler> wrap) => Use(_wrappers.Sampler, wrap);

    /// <summary>Changes the pipeline options.</summary>
    /// <param name="configure">Changes the options in place.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder Configure(Action<ClimbPipelineOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        configure(_options);
        return this;
    }

    /// <summary>Changes CLIMB's search options (rounds and budgets, candidate pool, top-N).</summary>
    /// <param name="configure">Changes the options in place.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder ConfigureSearch(Action<ClimbSearchStrategyOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        ThrowIfBuilt();
        configure(_options.Search);
        return this;
    }

    /// <summary>Sets the artifacts folder.</summary>
    /// <param name="folder">The folder; created when the pipeline runs.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithArtifactsFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return Configure(o => o.ArtifactsFolder = folder);
    }

    /// <summary>Sets the logger factory every component and the pipeline log to.</summary>
    /// <param name="loggerFactory">The factory.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithLoggerFactory(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        ThrowIfBuilt();
        _loggerFactory = loggerFactory;
        return this;
    }

    /// <summary>Sets the service provider the factories receive.</summary>
    /// <param name="services">The provider.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithServiceProvider(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        ThrowIfBuilt();
        _services = services;
        return this;
    }

    /// <summary>Sets how error messages name the pipeline's options, for hosts that expose them under other names.</summary>
    /// <param name="names">Maps an option's path below <see cref="ClimbPipelineOptions"/> (for example <c>ClusterCount</c>,
    /// <c>Merging.TargetClusterCount</c>, <c>Pruning</c>, <c>ArtifactsFolder</c>) to the host's name for it (for example
    /// <c>--clusters</c>); unmapped options are named <c>ClimbPipelineOptions.Path</c>.</param>
    /// <returns>This builder.</returns>
    public ClimbPipelineBuilder WithOptionNames(IReadOnlyDictionary<string, string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ThrowIfBuilt();
        _optionNames = new Dictionary<string, string>(names, StringComparer.Ordinal);
        return this;
    }

    /// <summary>Validates every option and component at once and builds the pipeline; the builder is frozen afterwards.</summary>
    /// <returns>The pipeline.</returns>
    /// <exception cref="ValidationException">One or more problems, all listed in the message.</exception>
    public ClimbPipeline Build()
    {
        ThrowIfBuilt();
        var names = new OptionNames(_optionNames);
        var errors = new List<string>();

        // The snapshot every component and stage sees: later changes to the builder's options (through an object a
        // Configure callback kept) or to ClimbPipeline.Options (a copy) change nothing in the pipeline.
        ClimbPipelineOptions options;
        try
        {
            options = OptionsCopy.Clone(_options);
        }
        catch (NotSupportedException ex)
        {
            throw new ValidationException($"The Climb pipeline's options cannot be copied: {ex.Message}", ex);
        }

        errors.AddRange(OptionsValidation.GetErrors(options).Select(e => "options: " + names.Rename(e)));
        var sp = _services ?? EmptyServiceProvider.Instance;
        var loggers = _loggerFactory ?? NullLoggerFactory.Instance;

        T? Resolve<T>(string slot, Func<IServiceProvider, T>? factory)
            where T : class
        {
            if (factory is null)
            {
                return null;
            }

            try
            {
                return factory(sp) ?? throw new InvalidOperationException("the factory returned null");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                errors.Add($"{slot}: {ex.Message}");
                return null;
            }
        }

        var embedder = Resolve("embedder", _embedder);
        var clusterer = Resolve("clusterer", _clusterer);
        var scorer = Resolve("quality scorer", _scorer);
        var trainer = Resolve("proxy trainer", _trainer);
        var predictor = Resolve("mixture predictor", _predictor);
        var sampler = Resolve("mixture sampler", _sampler);
        var tokenizer = Resolve("tokenizer", _tokenizer);
        var executor = Resolve("executor", _executor);
        var strategy = Resolve("search strategy", _strategy);
        var slots = new PluggedSlots(
            _clusterer is not null, _trainer is not null, _tokenizer is not null, _predictor is not null, _sampler is not null, _executor is not null, _strategy is not null,
            PredictorWrapped: _wrappers.Predictor.Count > 0, SamplerWrapped: _wrappers.Sampler.Count > 0);
        errors.AddRange(PipelineDefaults.IgnoredOptions(options, names, slots));
        ThrowIfAny(errors);
        var plugged = new PluggedComponents(embedder, clusterer, scorer, trainer, predictor, sampler, tokenizer, executor, strategy);
        var components = PipelineDefaults.Resolve(options, loggers, names, plugged, _wrappers, errors);
        ThrowIfAny(errors);
        _built = true;
        return new ClimbPipeline(options, components!, loggers, names);
    }

    private static void ThrowIfAny(List<string> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationException(
                $"The Climb pipeline has {errors.Count} problem{(errors.Count == 1 ? string.Empty : "s")}:{Environment.NewLine}" +
                string.Join(Environment.NewLine, errors.Select(e => "  - " + e)));
        }
    }

    private ClimbPipelineBuilder Use<T>(List<Func<T, T>> wrappers, Func<T, T> wrap)
    {
        ArgumentNullException.ThrowIfNull(wrap);
        ThrowIfBuilt();
        wrappers.Add(wrap);
        return this;
    }

    private static Func<IServiceProvider, T> Instance<T>(T instance)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(instance);
        return _ => instance;
    }

    private ClimbPipelineBuilder Set<T>(ref Func<IServiceProvider, T>? slot, Func<IServiceProvider, T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ThrowIfBuilt();
        slot = factory;
        return this;
    }

    private void ThrowIfBuilt()
    {
        if (_built)
        {
            throw new InvalidOperationException("Cannot change the builder after it has been used to build a pipeline; create a new ClimbPipelineBuilder.");
        }
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}

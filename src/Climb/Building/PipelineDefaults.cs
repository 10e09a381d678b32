using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>What <see cref="ClimbPipelineBuilder.Build"/> resolves: the default of every component slot left empty, and
/// the options a plugged-in component would silently ignore.</summary>
internal static class PipelineDefaults
{
    /// <summary>Lists option settings that cannot take effect with the components plugged in, or cannot be searched.</summary>
    public static IEnumerable<string> IgnoredOptions(ClimbPipelineOptions o, OptionNames names, PluggedSlots plugged)
    {
        var defaults = new ClimbPipelineOptions();
        var (customClusterer, customTrainer, customTokenizer, customPredictor, customSampler, customExecutor, customStrategy, predictorWrapped, samplerWrapped) = plugged;
        if (customStrategy)
        {
            if (o.Strategy != defaults.Strategy)
            {
                yield return $"{names["Strategy"]} chooses a built-in search strategy, but one is plugged in: leave {names["Strategy"]} at {defaults.Strategy}.";
            }

            if (!SameJson(o.Search, defaults.Search) || o.SingleRoundBudget is not null)
            {
                yield return $"{names["Search"]} and {names["SingleRoundBudget"]} configure the built-in search strategies and are ignored by the plugged-in one: configure it directly.";
            }

            if (customPredictor || customSampler || predictorWrapped || samplerWrapped)
            {
                yield return "The mixture predictor and sampler slots (and their Use* wrappers) feed the built-in search strategies; the plugged-in strategy would ignore them: give them to the strategy itself.";
            }
        }

        if (customTrainer && (customExecutor || o.Executor != ExecutorKind.Local))
        {
            yield return $"An executor runs the built-in proxy trainers only (a worker rebuilds them from their options); the plugged-in proxy trainer would run in this process: drop {names["Executor"]} or the plugged-in trainer.";
        }

        if (customExecutor && o.Executor != ExecutorKind.Local)
        {
            yield return $"{names["Executor"]} chooses a built-in executor, but one is plugged in: leave {names["Executor"]} at Local.";
        }

        if (o.Proxy != ProxyKind.Command && o.CommandProxy?.Command is not null)
        {
            yield return $"{names["CommandProxy"]} sets a proxy command, but {names["Proxy"]} is {o.Proxy}: choose {names["Proxy"]} Command to run it.";
        }

        if (customClusterer && o.ClusterCount is not null)
        {
            yield return $"{names["ClusterCount"]} is ignored by the plugged-in clusterer: set the count on the clusterer itself, or leave {names["ClusterCount"]} unset.";
        }

        if (customTrainer)
        {
            if (o.Proxy != ProxyKind.Auto)
            {
                yield return $"{names["Proxy"]} chooses a built-in proxy trainer, but one is plugged in: leave {names["Proxy"]} at Auto.";
            }

            if (!SameJson(o.NGramProxy, defaults.NGramProxy) || !SameJson(o.ProxyTraining, defaults.ProxyTraining) || o.BasePretrainingTokens != defaults.BasePretrainingTokens)
            {
                yield return $"{names["ProxyTraining"]}, {names["NGramProxy"]} and {names["BasePretrainingTokens"]} configure the built-in proxy trainers and are ignored by the plugged-in one: configure it directly.";
            }
        }

        if (customClusterer && customTrainer && o.Device != defaults.Device)
        {
            yield return $"{names["Device"]} selects the device of the built-in clusterer and proxy trainer, but both are plugged in: set the device on them.";
        }

        if (customTokenizer && o.Tokenizer != defaults.Tokenizer)
        {
            yield return $"{names["Tokenizer"]} names a built-in tokenizer, but one is plugged in: leave {names["Tokenizer"]} unset.";
        }

        if (!customStrategy && (customPredictor || predictorWrapped) && o.Strategy is SearchStrategyKind.BestOfN or SearchStrategyKind.Uniform or SearchStrategyKind.DoReMi)
        {
            yield return $"The {o.Strategy} strategy ({names["Strategy"]}) uses no predictor: the plugged-in mixture predictor would be ignored.";
        }

        if (!customStrategy && (customSampler || samplerWrapped) && o.Strategy is SearchStrategyKind.Uniform or SearchStrategyKind.DoReMi)
        {
            yield return $"The {o.Strategy} strategy ({names["Strategy"]}) samples nothing: the plugged-in mixture sampler would be ignored.";
        }

        if (!customStrategy && o.SingleRoundBudget is not null && o.Strategy is SearchStrategyKind.Climb or SearchStrategyKind.Uniform)
        {
            yield return $"{names["SingleRoundBudget"]} applies to the RegMix, BestOfN and DoReMi strategies only; the {o.Strategy} strategy ({names["Strategy"]}) would ignore it.";
        }

        if (o.Merging?.TargetClusterCount is 1)
        {
            yield return $"{names["Merging.TargetClusterCount"]} is 1: a mixture over one super-cluster has nothing to search; ask for at least 2.";
        }
    }

    /// <summary>Fills every empty slot with Climb's default, configured from the options, and applies the <c>Use*</c>
    /// wrappers; a wrapper that fails is recorded in <paramref name="errors"/> (and the result is then <see langword="null"/>).</summary>
    public static ClimbComponents? Resolve(ClimbPipelineOptions o, ILoggerFactory loggers, OptionNames names, PluggedComponents plugged, ComponentWrappers wrappers, List<string> errors)
    {
        var sampler = ComponentWrappers.Apply(
            ComponentWrappers.Compose(wrappers.Sampler, "mixture sampler"), plugged.Sampler ?? new DirichletMixtureSampler(), "mixture sampler", errors);
        var predictor = ComponentWrappers.Apply(
            ComponentWrappers.Compose(wrappers.Predictor, "mixture predictor"), plugged.Predictor ?? new AutoMixturePredictor(), "mixture predictor", errors);
        var unwrappedEmbedder = plugged.Embedder ?? new GloveSifEmbedder(logger: loggers.CreateLogger<GloveSifEmbedder>());
        if (unwrappedEmbedder.GetService<ICorpusFittedEmbedder>() is { IsFitted: false } hidden && !ReferenceEquals(hidden, unwrappedEmbedder))
        {
            errors.Add($"embedder: the plugged-in embedder ({unwrappedEmbedder.Identity}) wraps a corpus-fitted embedder that is not fitted yet; " +
                "the embed stage fits it into a new embedder, which that wrapper cannot hold: plug in the corpus-fitted embedder itself and wrap it with UseEmbedder.");
        }

        var wrapEmbedder = ComponentWrappers.Compose(wrappers.Embedder, "embedder");
        var embedder = ComponentWrappers.Apply(wrapEmbedder, unwrappedEmbedder, "embedder", errors);
        var executor = plugged.Executor ?? (o.Executor == ExecutorKind.Slurm ? new SlurmExecutor(o.Slurm, loggers.CreateLogger<SlurmExecutor>()) : null);
        var clusterer = ComponentWrappers.Apply(
            ComponentWrappers.Compose(wrappers.Clusterer, "clusterer"),
            plugged.Clusterer ?? new DefaultKMeansClusterer(new KMeansClustererOptions { Seed = o.Seed, Device = o.Device }, o.ClusterCount, names["ClusterCount"], loggers),
            "clusterer",
            errors);
        var scorer = ComponentWrappers.Apply(
            ComponentWrappers.Compose(wrappers.QualityScorer, "quality scorer"),
            plugged.QualityScorer ?? new RuleBasedQualityScorer(logger: loggers.CreateLogger<RuleBasedQualityScorer>()),
            "quality scorer",
            errors);
        var trainer = ComponentWrappers.Apply(
            ComponentWrappers.Compose(wrappers.ProxyTrainer, "proxy trainer"), plugged.ProxyTrainer ?? DefaultTrainer(o, loggers, executor), "proxy trainer", errors);
        if (errors.Count > 0)
        {
            return null;
        }

        return new ClimbComponents
        {
            Embedder = embedder!,
            UnwrappedEmbedder = unwrappedEmbedder,
            WrapEmbedder = wrapEmbedder,
            Clusterer = clusterer!,
            QualityScorer = scorer!,
            ProxyTrainer = trainer!,
            Strategy = plugged.Strategy ?? DefaultStrategy(o, loggers, sampler!, predictor!),
            Tokenizer = plugged.Tokenizer ?? o.CreateTokenizer(),
            Executor = executor,
        };
    }

    private static IMixtureSearchStrategy DefaultStrategy(ClimbPipelineOptions o, ILoggerFactory loggers, IMixtureSampler sampler, IMixturePredictor predictor)
    {
        int singleBudget = o.SingleRoundBudget ?? o.Search.RoundBudgets.Sum();
        return o.Strategy switch
        {
            SearchStrategyKind.RegMix => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = singleBudget }, sampler, predictor),
            SearchStrategyKind.BestOfN => new BestOfNSearchStrategy(singleBudget, sampler),
            SearchStrategyKind.Uniform => new UniformSearchStrategy(),
            SearchStrategyKind.DoReMi => new DoReMiSearchStrategy(new DoReMiSearchStrategyOptions { EquivalentProxyRuns = singleBudget }, TransformerOptions(o), loggers),
            _ => new ClimbSearchStrategy(o.Search, sampler, predictor),
        };
    }

    private static IProxyTrainer DefaultTrainer(ClimbPipelineOptions o, ILoggerFactory loggers, IWorkExecutor? executor)
    {
        var kind = o.Proxy == ProxyKind.Auto ? (CudaAvailable(o.Device) ? ProxyKind.Transformer : ProxyKind.NGram) : o.Proxy;
        if (kind == ProxyKind.Command)
        {
            var command = new CommandProxyTrainer(o.CommandProxy, loggers.CreateLogger<CommandProxyTrainer>());
            return executor is null ? command : new ExecutorRoutedProxyTrainer(command, command.WorkerSpec, executor, loggers);
        }

        if (kind == ProxyKind.NGram)
        {
            var ngram = new KneserNeyProxyTrainer(o.NGramProxy, loggers.CreateLogger<KneserNeyProxyTrainer>());
            return executor is null ? ngram : new ExecutorRoutedProxyTrainer(ngram, () => ProxyTrainerSpec.NGram(o.NGramProxy), executor, loggers);
        }

        var options = TransformerOptions(o);
        if (o.BasePretrainingTokens > 0 && options.BaseCheckpointPath is null)
        {
            var warm = new WarmStartedProxyTrainer(options, o.BasePretrainingTokens, loggers);
            return executor is null ? warm : new ExecutorRoutedProxyTrainer(warm, () => ProxyTrainerSpec.Transformer(warm.PreparedOptions), executor, loggers);
        }

        var transformer = new TorchSharpProxyTrainer(options, loggers.CreateLogger<TorchSharpProxyTrainer>());
        return executor is null ? transformer : new ExecutorRoutedProxyTrainer(transformer, () => ProxyTrainerSpec.Transformer(options), executor, loggers);
    }

    private static TorchSharpProxyTrainerOptions TransformerOptions(ClimbPipelineOptions o)
    {
        var options = OptionsCopy.Clone(o.ProxyTraining);
        options.Device = o.Device == ComputeDevice.Auto ? options.Device : o.Device;
        return options;
    }

    private static bool CudaAvailable(ComputeDevice device)
    {
        if (device == ComputeDevice.Cpu)
        {
            return false;
        }

        try
        {
            return TorchSharp.torch.cuda.is_available();
        }
        catch (Exception ex) when (ex is DllNotFoundException or TypeInitializationException or NotSupportedException or InvalidOperationException)
        {
            return false; // no native libtorch: the CPU n-gram proxy needs none
        }
    }

    private static bool SameJson<T>(T a, T b) => JsonSerializer.Serialize(a) == JsonSerializer.Serialize(b);
}

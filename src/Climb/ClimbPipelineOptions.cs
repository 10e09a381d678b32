using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Which search strategy the pipeline runs.</summary>
public enum SearchStrategyKind
{
    /// <summary>CLIMB's iterative bootstrapping (default budgets 64/32/16).</summary>
    Climb = 0,

    /// <summary>RegMix: one round with the whole budget; answer = mean of the top predicted mixtures.</summary>
    RegMix = 1,

    /// <summary>The best measured of N random Dirichlet mixtures (the paper's CLIMB-Best@N).</summary>
    BestOfN = 2,

    /// <summary>Uniform weights over the super-clusters (one proxy run, for reference).</summary>
    Uniform = 3,

    /// <summary>DoReMi (Xie et al. 2023): a reference and a Group DRO proxy transformer trained on the tokens of the whole proxy budget; answer = the averaged DRO weights, measured by one proxy run.</summary>
    DoReMi = 4,
}

/// <summary>Which built-in proxy trainer the pipeline uses when none is plugged in.</summary>
public enum ProxyKind
{
    /// <summary>The transformer when CUDA is available, otherwise the Kneser-Ney n-gram proxy (hundreds of transformer proxies take hours on a CPU).</summary>
    Auto = 0,

    /// <summary><see cref="TorchSharpProxyTrainer"/>: a small decoder-only transformer continued from a shared base (the paper's setup).</summary>
    Transformer = 1,

    /// <summary><see cref="KneserNeyProxyTrainer"/>: an interpolated Kneser-Ney n-gram model (seconds per proxy).</summary>
    NGram = 2,

    /// <summary><see cref="CommandProxyTrainer"/>: the user's own trainer, run as a command once per proxy (<see cref="ClimbPipelineOptions.CommandProxy"/>).</summary>
    Command = 3,
}

/// <summary>Options of a <see cref="ClimbPipeline"/> beyond its components.</summary>
public sealed class ClimbPipelineOptions : IValidatableOptions
{
    /// <summary>Gets or sets the artifacts folder: one sub-folder per stage, reused and resumed on re-runs.</summary>
    /// <value>The default is <c>climb-artifacts</c> in the current directory.</value>
    [Required]
    public string ArtifactsFolder { get; set; } = "climb-artifacts";

    /// <summary>Gets or sets the number of fine clusters (K_init) of the default k-means clusterer.</summary>
    /// <value>The default is <see langword="null"/>: min(1000, max(2, documents / 100)). The paper uses 1000.</value>
    [Range(2, 1_000_000)]
    public int? ClusterCount { get; set; }

    /// <summary>Gets or sets the seed of the default k-means clusterer, the search and the proxies (the export has its own <see cref="MixedDatasetExporterOptions.Seed"/>).</summary>
    /// <value>The default is 42.</value>
    public int Seed { get; set; } = 42;

    /// <summary>Gets or sets the compute device of the default clusterer and proxy trainer.</summary>
    /// <value>The default is <see cref="ComputeDevice.Auto"/>.</value>
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Gets or sets the cluster-pruning rules.</summary>
    /// <value>The default is <see cref="ClusterPrunerOptions.Default"/> (mean quality and advertisement ≥ 3.0, informational
    /// value ≥ 1.0, guards at 50% of all documents and 80% of one language or source): it keeps every language and genre of
    /// the multilingual acceptance corpus and drops most planted junk. <see cref="ClusterPrunerOptions.Paper"/> (3.0 on every
    /// criterion) suits scores trained on A.8-style annotations of web text; with the rule-based scorer it removes most prose.</value>
    [Required]
    public ClusterPrunerOptions Pruning { get; set; } = ClusterPrunerOptions.Default();

    /// <summary>Gets or sets how surviving centroids are merged into super-clusters.</summary>
    /// <value>The default is Ward linkage down to <see cref="CentroidMergerOptions.TargetClusterCount"/> = 20 (the paper's K_enhanced ≈ 20).</value>
    [Required]
    public CentroidMergerOptions Merging { get; set; } = new() { TargetClusterCount = 20 };

    /// <summary>Gets or sets the tokenizer of the proxy data: <c>byte</c>, <c>cl100k_base</c> or <c>o200k_base</c>.</summary>
    /// <value>The default is <c>cl100k_base</c> with vocabulary compaction.</value>
    [Required]
    public string Tokenizer { get; set; } = "cl100k_base";

    /// <summary>Gets or sets whether the proxy vocabulary keeps only token ids that occur in the corpus.</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool CompactVocabulary { get; set; } = true;

    /// <summary>Gets or sets the search strategy.</summary>
    /// <value>The default is <see cref="SearchStrategyKind.Climb"/>.</value>
    public SearchStrategyKind Strategy { get; set; } = SearchStrategyKind.Climb;

    /// <summary>Gets or sets CLIMB's search options (rounds, candidate pool, top-N).</summary>
    [Required]
    public ClimbSearchStrategyOptions Search { get; set; } = new();

    /// <summary>Gets or sets the proxy budget of the single-round strategies (RegMix, Best-of-N; DoReMi trains as many proxies' tokens).</summary>
    /// <value>The default is <see langword="null"/>: the sum of CLIMB's round budgets, so strategies compare at equal budget.</value>
    [Range(1, 1_000_000)]
    public int? SingleRoundBudget { get; set; }

    /// <summary>Gets or sets how many proxies of one round train at the same time.</summary>
    /// <value>The default is 1 (one per GPU, or the proxy trainer uses all CPU cores itself).</value>
    [Range(1, 1024)]
    public int ProxyParallelism { get; set; } = 1;

    /// <summary>Gets or sets where proxy runs, embedding shards and k-means assignment shards execute when no executor is plugged in with <see cref="ClimbPipelineBuilder.WithExecutor(SlurmExecutor)"/>.</summary>
    /// <value>The default is <see cref="ExecutorKind.Local"/> (in this process).</value>
    public ExecutorKind Executor { get; set; } = ExecutorKind.Local;

    /// <summary>Gets or sets the Slurm options used when <see cref="Executor"/> is <see cref="ExecutorKind.Slurm"/>.</summary>
    [Required]
    public SlurmExecutorOptions Slurm { get; set; } = new();

    /// <summary>Gets or sets which built-in proxy trainer is used when none is plugged in with <see cref="ClimbPipelineBuilder.WithProxyTrainer(IProxyTrainer)"/>.</summary>
    /// <value>The default is <see cref="ProxyKind.Auto"/>.</value>
    public ProxyKind Proxy { get; set; } = ProxyKind.Auto;

    /// <summary>Gets or sets the options of the n-gram proxy (<see cref="ProxyKind.NGram"/>).</summary>
    [Required]
    public KneserNeyProxyTrainerOptions NGramProxy { get; set; } = new() { TokenBudget = 1_000_000 };

    /// <summary>Gets or sets the options of the transformer proxy (<see cref="TorchSharpProxyTrainer"/>).</summary>
    /// <value>The default is the Tiny preset (about 1M parameters) on 1M tokens per proxy.</value>
    [Required]
    public TorchSharpProxyTrainerOptions ProxyTraining { get; set; } = new();

    /// <summary>Gets or sets the external trainer of <see cref="ProxyKind.Command"/>: the command template run once per proxy, and where it runs.</summary>
    /// <value>The default has no command; <see cref="Proxy"/> = <see cref="ProxyKind.Command"/> needs one.</value>
    [Required]
    public CommandProxyTrainerOptions CommandProxy { get; set; } = new();

    /// <summary>Gets or sets the tokens the shared base model is pre-trained on (uniform mixture) before the proxies continue from it; 0 trains every proxy from scratch.</summary>
    /// <value>The default is 2 000 000.</value>
    [Range(0L, long.MaxValue)]
    public long BasePretrainingTokens { get; set; } = 2_000_000;

    /// <summary>Gets or sets the dataset export options (token budget, format, shards).</summary>
    [Required]
    public MixedDatasetExporterOptions Export { get; set; } = new();

    /// <summary>Gets or sets the data's repetition limit on every searched mixture (weight × target tokens ≤ tokens × max repetition), so that the answer exports at the full budget with its exact shares.</summary>
    /// <value>The default is on, with the export budget as the target and at most 4 passes over a super-cluster (Olmix).</value>
    [Required]
    public MixtureFeasibilityOptions Feasibility { get; set; } = new();

    /// <summary>Gets or sets how many sample documents and top terms the cluster catalogue shows per super-cluster.</summary>
    /// <value>The default is 3 samples and 10 terms.</value>
    [Range(0, 100)]
    public int CatalogueSamples { get; set; } = 3;

    /// <inheritdoc cref="CatalogueSamples"/>
    [Range(1, 100)]
    public int CatalogueTerms { get; set; } = 10;

    internal static readonly string[] KnownTokenizers = ["byte", "cl100k_base", "o200k_base"];

    internal ITokenizer CreateTokenizer() => Tokenizer switch
    {
        "byte" => ByteTokenizer.Instance,
        _ => TiktokenTextTokenizer.Create(Tokenizer),
    };

    IEnumerable<string> IValidatableOptions.Validate()
    {
        foreach (var (name, value) in new (string, object?)[] { (nameof(Pruning), Pruning), (nameof(Merging), Merging), (nameof(Search), Search), (nameof(Export), Export), (nameof(ProxyTraining), ProxyTraining), (nameof(NGramProxy), NGramProxy), (nameof(Feasibility), Feasibility) })
        {
            if (value is not null)
            {
                foreach (string e in OptionsValidation.GetErrors(value))
                {
                    yield return $"{name}: {e}";
                }
            }
        }

        if (Feasibility is { Enabled: true } f && Export is { } x && Math.Ceiling(f.MaxRepetition - 1e-9) > (x.AllowRepetition ? x.MaxEpochs : 1))
        {
            yield return string.Create(
                CultureInfo.InvariantCulture,
                $"{nameof(Feasibility)}.{nameof(f.MaxRepetition)} ({f.MaxRepetition:G4}) lets a weight ask for more passes over a super-cluster than the export makes ({nameof(Export)}.{nameof(x.MaxEpochs)} {(x.AllowRepetition ? x.MaxEpochs : 1)}{(x.AllowRepetition ? string.Empty : ", AllowRepetition off")}): raise the export's epochs or lower the repetition limit.");
        }

        if (Proxy == ProxyKind.Command && CommandProxy is not null)
        {
            if (CommandProxy.Command is null)
            {
                yield return $"{nameof(CommandProxy)}.{nameof(CommandProxy.Command)}: {nameof(Proxy)} is Command, so a command template is needed (for example \"python3 train.py --mixture {{mixture}} --data {{data}} --output {{output}} --seed {{seed}}\").";
            }

            else
            {
                // The template's own rules name their property ("Command: …", "Timeout: …"); DataAnnotations' messages do not.
                foreach (string e in OptionsValidation.GetErrors(CommandProxy))
                {
                    yield return e.StartsWith(nameof(CommandProxy.Command) + ":", StringComparison.Ordinal) || e.StartsWith(nameof(CommandProxy.Timeout) + ":", StringComparison.Ordinal)
                        ? $"{nameof(CommandProxy)}.{e}"
                        : $"{nameof(CommandProxy)}: {e}";
                }
            }
        }

        if (Tokenizer is not null && !KnownTokenizers.Contains(Tokenizer, StringComparer.Ordinal))
        {
            yield return $"{nameof(Tokenizer)}: '{Tokenizer}' is not a built-in tokenizer ({string.Join(", ", KnownTokenizers)}); plug another in with WithTokenizer.";
        }
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// The CLIMB pipeline: embed → cluster → score → prune → merge → tokenize → search → export → report, each stage
/// writing its results to the artifacts folder so that a re-run reuses what is complete and verified, continues what
/// was interrupted, and re-runs exactly the stages a changed option or component affects.
/// </summary>
/// <remarks>
/// Build one with <see cref="ClimbPipelineBuilder"/>. One run at a time owns an artifacts folder: a second run on the
/// same folder, in this process or another, fails with an <see cref="InvalidOperationException"/> naming the owner.
/// </remarks>
public sealed class ClimbPipeline
{
    /// <summary>The stages in order, as named in the artifacts folder and on the command line.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["embed", "cluster", "score", "prune", "merge", "tokenize", "search", "export", "report"];

    private readonly ClimbPipelineOptions _options;
    private readonly ClimbComponents _components;
    private readonly ILoggerFactory _loggers;
    private readonly OptionNames _names;

    internal ClimbPipeline(ClimbPipelineOptions options, ClimbComponents components, ILoggerFactory loggers, OptionNames names)
    {
        _options = options;
        _components = components;
        _loggers = loggers;
        _names = names;
    }

    /// <summary>Gets the options the pipeline was built with.</summary>
    public ClimbPipelineOptions Options => _options;

    /// <summary>Runs the whole pipeline (or resumes it from the artifacts folder).</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="targets">The evaluation targets the proxies are scored on (at least one, each with scorable content).</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run; finished work stays in the artifacts folder.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">A target is unusable; nothing has run.</exception>
    /// <exception cref="InvalidOperationException">Another run owns the artifacts folder; nothing has changed.</exception>
    public async Task<ClimbResult> RunAsync(
        ClimbCorpus corpus,
        IReadOnlyList<EvaluationTarget> targets,
        IProgress<ClimbProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var run = await RunCoreAsync(corpus, targets, StageNames[^1], progress, null, cancellationToken).ConfigureAwait(false);
        return run.ToResult();
    }

    /// <summary>Runs the pipeline up to and including one stage (reusing complete earlier stages).</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="targets">The evaluation targets (needed from the <c>search</c> stage on; may be empty before).</param>
    /// <param name="lastStage">One of <see cref="StageNames"/>.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run; finished work stays in the artifacts folder.</param>
    /// <returns>What each stage did.</returns>
    public async Task<IReadOnlyList<StageReport>> RunUntilAsync(
        ClimbCorpus corpus,
        IReadOnlyList<EvaluationTarget> targets,
        string lastStage,
        IProgress<ClimbProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var run = await RunCoreAsync(corpus, targets, lastStage, progress, null, cancellationToken).ConfigureAwait(false);
        return run.Runner.Reports;
    }

    /// <summary>Runs the pipeline and yields each search round as it finishes, then the final result.</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="targets">The evaluation targets.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>One item per search round, then a last item carrying the result.</returns>
    public async IAsyncEnumerable<ClimbIteration> RunStreamingAsync(
        ClimbCorpus corpus,
        IReadOnlyList<EvaluationTarget> targets,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<ClimbIteration>(new UnboundedChannelOptions { SingleReader = true });
        var rounds = new SyncProgress<MixtureSearchRound>(r => channel.Writer.TryWrite(new ClimbIteration(r, null)));
        var task = Task.Run(
            async () =>
            {
                try
                {
                    var run = await RunCoreAsync(corpus, targets, StageNames[^1], null, rounds, cancellationToken).ConfigureAwait(false);
                    channel.Writer.TryWrite(new ClimbIteration(null, run.ToResult()));
                    channel.Writer.TryComplete();
                }
                catch (Exception ex)
                {
                    channel.Writer.TryComplete(ex);
                }
            },
            CancellationToken.None);

        await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
        {
            yield return item;
        }

        await task.ConfigureAwait(false);
    }

    /// <summary>
    /// Prepares a re-measurement with this pipeline's proxy (<c>climb measure</c>): runs or reuses the stages up to
    /// tokenisation and returns a <see cref="MixtureMeasurement"/> over the tokenised super-clusters, this pipeline's proxy
    /// trainer and <paramref name="targets"/>, whose fresh data seeds avoid every seed of the artifacts folder's search journal.
    /// </summary>
    /// <param name="corpus">The corpus (the run's).</param>
    /// <param name="targets">The evaluation targets (the run's).</param>
    /// <param name="options">The measurement options; defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the preparation.</param>
    /// <returns>The measurement, ready for <see cref="MixtureMeasurement.MeasureAsync"/>.</returns>
    public async Task<MixtureMeasurement> CreateMeasurementAsync(
        ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, MixtureMeasurementOptions? options = null, IProgress<ClimbProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targets);
        TargetValidation.ThrowIfUnusable(targets);
        string searchFolder = Path.Combine(Path.GetFullPath(_options.ArtifactsFolder), string.Create(CultureInfo.InvariantCulture, $"{StageNames.ToList().IndexOf("search") + 1:D2}-search"));
        var journalSeeds = MixtureMeasurement.SearchFolderSeeds(searchFolder); // read before the run, which could discard a stale search
        var run = await RunCoreAsync(corpus, targets, "tokenize", progress, null, cancellationToken).ConfigureAwait(false);
        return await MixtureMeasurement.ForPipelineAsync(
            run.Tokenize.Tokens, run.Tokenize.Catalogue.Names, searchFolder, journalSeeds, _components.ProxyTrainer, targets, options, _options.Seed, _loggers,
            m => progress?.Report(new ClimbProgress("measure", m)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Run> RunCoreAsync(
        ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, string lastStage, IProgress<ClimbProgress>? progress, IProgress<MixtureSearchRound>? rounds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(targets);
        int last = StageNames.ToList().IndexOf(lastStage);
        if (last < 0)
        {
            throw new ArgumentException($"Unknown stage '{lastStage}'; stages are {string.Join(", ", StageNames)}.", nameof(lastStage));
        }

        var run = new Run(this, corpus, targets);
        if (last >= Array.IndexOf(run.Stages, run.Search))
        {
            TargetValidation.ThrowIfUnusable(targets);
        }

        string root = Path.GetFullPath(_options.ArtifactsFolder);
        var context = new StageContext(root, _loggers, progress, rounds, _names);
        await run.Runner.RunAsync(run.Stages, last, context, ct).ConfigureAwait(false);
        return run;
    }

    /// <summary>One run: the stages in order, each given its upstream stages, components and options.</summary>
    private sealed class Run
    {
        public Run(ClimbPipeline p, ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets)
        {
            var (o, c) = (p._options, p._components);
            Root = Path.GetFullPath(o.ArtifactsFolder);
            Embed = new EmbedStage(corpus, c.Embedder, c.Executor);
            Cluster = new ClusterStage(Embed, c.Clusterer, c.Executor);
            Score = new ScoreStage(corpus, Embed, c.QualityScorer);
            Prune = new PruneStage(Cluster, Score, o.Pruning);
            Merge = new MergeStage(Cluster, Prune, o.Merging);
            Tokenize = new TokenizeStage(corpus, Score, Merge, c.Tokenizer, o.CompactVocabulary, o.CatalogueSamples, o.CatalogueTerms);
            Search = new SearchStage(Tokenize, targets, c.ProxyTrainer, c.Strategy, o.Seed, o.ProxyParallelism);
            Export = new ExportStage(corpus, Embed, Merge, Tokenize, Search, o.Export);
            Report = new ReportStage(corpus, Embed, Cluster, Prune, Merge, Tokenize, Search, Export, o.Seed);
            Stages = [Embed, Cluster, Score, Prune, Merge, Tokenize, Search, Export, Report];
            Runner = new StageRunner(Root, p._loggers.CreateLogger<ClimbPipeline>(), p._names);
        }

        public string Root { get; }

        public EmbedStage Embed { get; }

        public ClusterStage Cluster { get; }

        public ScoreStage Score { get; }

        public PruneStage Prune { get; }

        public MergeStage Merge { get; }

        public TokenizeStage Tokenize { get; }

        public SearchStage Search { get; }

        public ExportStage Export { get; }

        public ReportStage Report { get; }

        public PipelineStage[] Stages { get; }

        public StageRunner Runner { get; }

        public ClimbResult ToResult() => new()
        {
            ArtifactsFolder = Root,
            Mixture = Search.Result.Mixture,
            ComponentNames = Tokenize.Catalogue.Names,
            Search = Search.Result,
            Dataset = Export.Result,
            ReportPath = Report.ReportPath,
            WeightsPath = Path.Combine(Root, "weights.json"),
            Stages = Runner.Reports,
            Counts = Runner.Counts,
        };
    }
}

/// <summary>One item of <see cref="ClimbPipeline.RunStreamingAsync"/>: a finished search round, or the final result.</summary>
/// <param name="Round">The round that just finished, or <see langword="null"/> on the last item.</param>
/// <param name="Result">The pipeline's result on the last item, otherwise <see langword="null"/>.</param>
public sealed record ClimbIteration(MixtureSearchRound? Round, ClimbResult? Result)
{
    /// <summary>Gets whether this is the last item, carrying the result.</summary>
    public bool IsFinal => Result is not null;
}

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
    /// <summary>Gets the stages in the order they run: their names, folder numbers and what each does.</summary>
    public static IReadOnlyList<StageInfo> Stages { get; } = StageTable.All.Select(d => d.ToInfo()).ToArray();

    /// <summary>Gets the names of the stages in order, as in the artifacts folder and on the command line (the names of <see cref="Stages"/>).</summary>
    public static IReadOnlyList<string> StageNames { get; } = Stages.Select(s => s.Name).ToArray();

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

    /// <summary>Gets a copy of the options the pipeline was built with.</summary>
    /// <value>A new deep copy on every call: the pipeline keeps the snapshot <see cref="ClimbPipelineBuilder.Build"/> took, so
    /// changing what this returns (or the builder's options) changes nothing in a run.</value>
    public ClimbPipelineOptions Options => OptionsCopy.Clone(_options);

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
        string searchFolder = Path.Combine(Path.GetFullPath(_options.ArtifactsFolder), StageTable.Find("search", "stage").FolderName);
        var journalSeeds = MixtureMeasurement.SearchFolderSeeds(searchFolder); // read before the run, which could discard a stale search
        var run = await RunCoreAsync(corpus, targets, "tokenize", progress, null, cancellationToken).ConfigureAwait(false);
        return await MixtureMeasurement.ForPipelineAsync(
            run.Graph.Get<TokenizeStage>().Tokens, run.Graph.Get<TokenizeStage>().Catalogue.Names, searchFolder, journalSeeds, _components.ProxyTrainer, targets, options, _options.Seed, _loggers,
            m => progress?.Report(new ClimbProgress("measure", m)), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Run> RunCoreAsync(
        ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, string lastStage, IProgress<ClimbProgress>? progress, IProgress<MixtureSearchRound>? rounds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(targets);
        int last = StageTable.Find(lastStage, nameof(lastStage)).Number - 1;
        var run = new Run(this, corpus, targets);
        if (run.Graph.Stages.Take(last + 1).Any(s => s.NeedsTargets))
        {
            TargetValidation.ThrowIfUnusable(targets);
        }

        var context = new StageContext(run.Root, _loggers, progress, rounds, _names);
        await run.Runner.RunAsync(run.Graph.Stages, last, context, ct).ConfigureAwait(false);
        return run;
    }

    /// <summary>Gets the components the pipeline was built with (defaults resolved, wrappers applied).</summary>
    internal ClimbComponents Components => _components;

    /// <summary>Creates the stages of one run from the frozen options and the components.</summary>
    internal StageGraph CreateStages(ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets) => StageGraph.Create(corpus, targets, _options, _components);

    /// <summary>One run: the stages of the <see cref="StageTable"/>, created from the frozen options and the components.</summary>
    private sealed class Run(ClimbPipeline p, ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets)
    {
        public string Root { get; } = Path.GetFullPath(p._options.ArtifactsFolder);

        public StageGraph Graph { get; } = p.CreateStages(corpus, targets);

        public StageRunner Runner { get; } = new(Path.GetFullPath(p._options.ArtifactsFolder), p._loggers.CreateLogger<ClimbPipeline>(), p._names);

        public ClimbResult ToResult()
        {
            var search = Graph.Get<SearchStage>();
            return new()
            {
                ArtifactsFolder = Root,
                Mixture = search.Result.Mixture,
                ComponentNames = Graph.Get<TokenizeStage>().Catalogue.Names,
                Search = search.Result,
                Dataset = Graph.Get<ExportStage>().Result,
                ReportPath = Graph.Get<ReportStage>().ReportPath,
                WeightsPath = Path.Combine(Root, "weights.json"),
                Stages = Runner.Reports,
                Counts = Runner.Counts,
            };
        }
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

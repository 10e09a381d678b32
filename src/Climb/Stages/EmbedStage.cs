using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Stage 1: embeds the corpus into a sharded, resumable <see cref="EmbeddingStore"/> (<c>store/</c>), fitting a
/// <see cref="ICorpusFittedEmbedder"/> on the corpus first (<c>fit.json</c>).</summary>
/// <remarks>With an executor that runs work elsewhere (<see cref="SlurmExecutor"/>), the fit still happens once in this
/// process; every store shard is then a work unit under <c>work/</c> (one task of a job array), embedded by a worker that
/// rebuilds the fitted embedder from its description, and its data file is moved into the same store. Results are the
/// in-process ones, so the fingerprint does not depend on where the shards ran.</remarks>
/// <param name="corpus">The corpus.</param>
/// <param name="embedder">The embedder (with its <c>Use*</c> wrappers): its identity is fingerprinted, and it embeds unless it must be fitted first.</param>
/// <param name="unwrapped">The embedder before its wrappers: when it is a corpus-fitted embedder that is not fitted, it is
/// fitted here and the fitted embedder is wrapped with <paramref name="wrap"/>.</param>
/// <param name="wrap">Applies the wrappers.</param>
/// <param name="executor">Where the shards run, or <see langword="null"/> in this process.</param>
internal sealed partial class EmbedStage(ClimbCorpus corpus, IEmbedder embedder, IEmbedder unwrapped, Func<IEmbedder, IEmbedder> wrap, IWorkExecutor? executor = null)
    : PipelineStage()
{
    private const string StoreFolder = "store";
    private const string FitFile = "fit.json";
    private const string WorkFolder = "work";
    private EmbeddingStore? _store;

    public override bool Resumable => true;

    /// <summary>Gets the embeddings (one row per corpus document, in corpus order).</summary>
    public EmbeddingStore Store => Ready(_store, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("embed/v3", corpus.Fingerprint, embedder.Identity);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var model = embedder;
        if (unwrapped.GetService<ICorpusFittedEmbedder>() is { IsFitted: false } unfitted)
        {
            model = wrap(await FitOrLoadAsync(unfitted, context, Path.Combine(folder, FitFile), cancellationToken).ConfigureAwait(false));
        }

        var progress = new SyncProgress<EmbeddingProgress>(e => context.Report(Name, "embedding", e.DocumentsEmbedded, null));
        var storeOptions = new EmbeddingStoreOptions();
        var jobs = ShardJobs(model, folder, context.Logger<EmbedStage>());
        _store = jobs is null
            ? await EmbeddingStore.BuildAsync(corpus.ReadAsync(cancellationToken), model, Path.Combine(folder, StoreFolder), storeOptions, progress, context.Logger<EmbeddingStore>(), cancellationToken).ConfigureAwait(false)
            : await EmbeddingStore.BuildShardedAsync(corpus.ReadAsync(cancellationToken), model, jobs, Path.Combine(folder, StoreFolder), storeOptions, progress, context.Logger<EmbeddingStore>(), cancellationToken).ConfigureAwait(false);
        if (_store.RowCount == 0)
        {
            throw new InvalidDataException(EmptyCorpusMessage());
        }

        return new Dictionary<string, double> { ["documents"] = _store.RowCount, ["dimension"] = _store.Dimension };
    }

    public override void Load(StageContext context, string folder)
    {
        var store = EmbeddingStore.Open(Path.Combine(folder, StoreFolder));
        if (store.RowCount == 0)
        {
            throw new InvalidDataException($"{folder}: the embedding store is empty.");
        }

        _store = store;
    }

    /// <summary>The shard jobs when the executor runs work elsewhere and a worker can rebuild the embedder; otherwise (no
    /// executor, the local one, or an embedder only this process has) <see langword="null"/>: embed in process.</summary>
    private EmbeddingShardJobs? ShardJobs(IEmbedder model, string folder, ILogger logger)
    {
        if (executor is null or LocalExecutor)
        {
            return null;
        }

        if (EmbedderSpec.TryDescribe(model, out string reason) is not { } spec)
        {
            LogEmbeddingInProcess(logger, executor.Identity, reason);
            return null;
        }

        return new EmbeddingShardJobs(executor, Path.Combine(folder, WorkFolder), spec);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Embedding in this process, not as shard jobs on {Executor}: {Reason}")]
    private static partial void LogEmbeddingInProcess(ILogger logger, string executor, string reason);

    /// <summary>Fits once and saves the fit, so a resumed run embeds its remaining shards with exactly the same model.</summary>
    private async Task<IEmbedder> FitOrLoadAsync(ICorpusFittedEmbedder unfitted, StageContext context, string path, CancellationToken ct)
    {
        if (File.Exists(path))
        {
            using var saved = File.OpenRead(path);
            return unfitted.LoadFit(saved);
        }

        context.Report(Name, "fitting the embedder on the corpus");
        ICorpusFittedEmbedder fitted;
        try
        {
            fitted = await unfitted.FitAsync(corpus.ReadAsync(ct), ct).ConfigureAwait(false);
        }
        catch (ArgumentException ex) when (ex.Message.Contains("empty", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException(EmptyCorpusMessage(), ex);
        }

        await AtomicFile.WriteAsync(path, s =>
        {
            fitted.SaveFit(s);
            return Task.CompletedTask;
        }, ct).ConfigureAwait(false);
        return fitted;
    }

    private string EmptyCorpusMessage()
    {
        var stats = corpus.LastReadStatistics?.Invoke();
        return $"The corpus {corpus.Description} has no documents to embed" +
            (stats is null ? "." : $" ({stats.DocumentsRead} read, {stats.SkippedEmpty} empty, {stats.SkippedInvalid} invalid).");
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// The CLIMB pipeline: embed → cluster → score → prune → merge → tokenize → search → export → report, each stage
/// writing its results to the artifacts folder so that a re-run reuses what is complete, continues what was
/// interrupted, and re-runs only what a changed option affects.
/// </summary>
/// <remarks>Build one with <see cref="ClimbPipelineBuilder"/>.</remarks>
public sealed class ClimbPipeline
{
    /// <summary>The stages in order, as named in the artifacts folder and on the command line.</summary>
    public static readonly IReadOnlyList<string> StageNames = ["embed", "cluster", "score", "prune", "merge", "tokenize", "search", "export", "report"];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly ClimbPipelineOptions _options;
    private readonly ClimbComponents _components;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    internal ClimbPipeline(ClimbPipelineOptions options, ClimbComponents components, ILoggerFactory loggers)
    {
        _options = options;
        _components = components;
        _loggers = loggers;
        _logger = loggers.CreateLogger<ClimbPipeline>();
    }

    /// <summary>Gets the options the pipeline was built with.</summary>
    public ClimbPipelineOptions Options => _options;

    /// <summary>Runs the whole pipeline (or resumes it from the artifacts folder).</summary>
    /// <param name="corpus">The corpus.</param>
    /// <param name="targets">The evaluation targets the proxies are scored on (at least one).</param>
    /// <param name="progress">Receives progress, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Stops the run; finished work stays in the artifacts folder.</param>
    /// <returns>The result.</returns>
    public Task<ClimbResult> RunAsync(
        ClimbCorpus corpus,
        IReadOnlyList<EvaluationTarget> targets,
        IProgress<ClimbProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        RunCoreAsync(corpus, targets, "report", progress, null, cancellationToken);

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
        var run = new RunState(this, corpus, targets, progress, null);
        await run.ExecuteAsync(lastStage, cancellationToken).ConfigureAwait(false);
        return run.Reports;
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
        var rounds = new ChannelRoundSink(channel.Writer);
        var task = Task.Run(
            async () =>
            {
                try
                {
                    var result = await RunCoreAsync(corpus, targets, "report", null, rounds, cancellationToken).ConfigureAwait(false);
                    channel.Writer.TryWrite(new ClimbIteration(null, result));
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

    private async Task<ClimbResult> RunCoreAsync(
        ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, string lastStage, IProgress<ClimbProgress>? progress, IProgress<MixtureSearchRound>? rounds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            throw new ArgumentException("At least one evaluation target is needed: the search scores proxies on it.", nameof(targets));
        }

        var run = new RunState(this, corpus, targets, progress, rounds);
        await run.ExecuteAsync(lastStage, ct).ConfigureAwait(false);
        return run.ToResult();
    }

    private sealed class ChannelRoundSink(ChannelWriter<ClimbIteration> writer) : IProgress<MixtureSearchRound>
    {
        public void Report(MixtureSearchRound value) => writer.TryWrite(new ClimbIteration(value, null));
    }

    /// <summary>The state of one run: stage results as they become available.</summary>
    private sealed class RunState(ClimbPipeline p, ClimbCorpus corpus, IReadOnlyList<EvaluationTarget> targets, IProgress<ClimbProgress>? progress, IProgress<MixtureSearchRound>? rounds)
    {
        private readonly string _root = Path.GetFullPath(p._options.ArtifactsFolder);
        private readonly Dictionary<string, double> _counts = [];

        public List<StageReport> Reports { get; } = [];

        public EmbeddingStore? Store { get; private set; }

        public string EmbedFingerprint { get; private set; } = string.Empty;

        public ClusteringResult? Clustering { get; private set; }

        public string ClusterFingerprint { get; private set; } = string.Empty;

        public QualityScores[]? Scores { get; private set; }

        public string ScoreFingerprint { get; private set; } = string.Empty;

        public PruneOutput? Pruning { get; private set; }

        public string PruneFingerprint { get; private set; } = string.Empty;

        public MergeOutput? Merge { get; private set; }

        public string MergeFingerprint { get; private set; } = string.Empty;

        public TokenizedClusterStore? Tokens { get; private set; }

        public Catalogue? Catalogue { get; private set; }

        public string TokenFingerprint { get; private set; } = string.Empty;

        public MixtureSearchResult? Search { get; private set; }

        public string SearchFingerprint { get; private set; } = string.Empty;

        public DatasetExportResult? Dataset { get; private set; }

        public string? ReportPath { get; private set; }

        public string WeightsPath => Path.Combine(_root, "weights.json");

        public async Task ExecuteAsync(string lastStage, CancellationToken ct)
        {
            int last = StageIndex(lastStage);
            Directory.CreateDirectory(_root);
            await EmbedAsync(ct).ConfigureAwait(false);
            if (last >= 1)
            {
                await ClusterAsync(ct).ConfigureAwait(false);
            }

            if (last >= 2)
            {
                await ScoreAsync(ct).ConfigureAwait(false);
            }

            if (last >= 3)
            {
                await PruneAsync(ct).ConfigureAwait(false);
            }

            if (last >= 4)
            {
                await MergeAsync(ct).ConfigureAwait(false);
            }

            if (last >= 5)
            {
                await TokenizeAsync(ct).ConfigureAwait(false);
            }

            if (last >= 6)
            {
                if (targets.Count == 0)
                {
                    throw new ArgumentException("The search stage needs at least one evaluation target.", nameof(targets));
                }

                await SearchAsync(ct).ConfigureAwait(false);
            }

            if (last >= 7)
            {
                await ExportAsync(ct).ConfigureAwait(false);
            }

            if (last >= 8)
            {
                await ReportAsync(ct).ConfigureAwait(false);
            }
        }

        public ClimbResult ToResult() => new()
        {
            ArtifactsFolder = _root,
            Mixture = Search!.Mixture,
            ComponentNames = Catalogue!.Names,
            Search = Search,
            Dataset = Dataset,
            ReportPath = ReportPath,
            WeightsPath = WeightsPath,
            Stages = Reports,
            Counts = _counts,
        };

        private static int StageIndex(string stage)
        {
            int i = StageNames.ToList().IndexOf(stage);
            return i >= 0 ? i : throw new ArgumentException($"Unknown stage '{stage}'; stages are {string.Join(", ", StageNames)}.", nameof(stage));
        }

        private string Folder(string stage) => Path.Combine(_root, $"{StageIndex(stage) + 1:D2}-{stage}");

        private void Report(string stage, string message, long? done = null, long? total = null) =>
            progress?.Report(new ClimbProgress(stage, message, done, total));

        /// <summary>Runs one stage: reuse when complete with the same fingerprint, resume when interrupted, else start afresh.</summary>
        private async Task StageAsync(string stage, string fingerprint, bool resumable, Func<string, CancellationToken, Task<Dictionary<string, double>>> run, Func<string, bool> load, CancellationToken ct)
        {
            string folder = Folder(stage);
            var existing = StageManifest.TryLoad(folder);
            if (existing is { Complete: true } && existing.Fingerprint == fingerprint)
            {
                bool loaded;
                try
                {
                    loaded = load(folder);
                }
                catch (Exception ex) when (ex is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
                {
                    loaded = false;
                }

                if (loaded)
                {
                    Log.StageReused(p._logger, stage, folder);
                    Report(stage, "reused");
                    foreach (var (k, v) in existing.Counts)
                    {
                        _counts[k] = v;
                    }

                    Reports.Add(new StageReport(stage, folder, StageOutcome.Reused, TimeSpan.Zero));
                    return;
                }
            }

            StageOutcome outcome = StageOutcome.Ran;
            if (existing is not null && existing.Fingerprint == fingerprint && !existing.Complete && resumable)
            {
                outcome = StageOutcome.Resumed;
            }
            else if (Directory.Exists(folder))
            {
                if (existing is not null && existing.Fingerprint != fingerprint)
                {
                    Log.StageInvalidated(p._logger, stage, folder);
                }

                Directory.Delete(folder, recursive: true);
            }

            Directory.CreateDirectory(folder);
            var manifest = new StageManifest { Stage = stage, Fingerprint = fingerprint };
            await manifest.SaveAsync(folder, ct).ConfigureAwait(false);
            Log.StageStarting(p._logger, stage, outcome, folder);
            Report(stage, outcome == StageOutcome.Resumed ? "resuming" : "running");
            long started = Stopwatch.GetTimestamp();
            var counts = await run(folder, ct).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            foreach (var (k, v) in counts)
            {
                manifest.Counts[k] = v;
                _counts[k] = v;
            }

            manifest.Seconds = elapsed.TotalSeconds;
            manifest.CompletedAt = DateTimeOffset.UtcNow;
            manifest.Complete = true;
            await manifest.SaveAsync(folder, ct).ConfigureAwait(false);
            Log.StageCompleted(p._logger, stage, elapsed.TotalSeconds);
            Reports.Add(new StageReport(stage, folder, outcome, elapsed));
        }

        // ---------------------------------------------------------------- 1. embed
        private async Task EmbedAsync(CancellationToken ct)
        {
            IEmbedder embedder = p._components.Embedder ?? new GloveSifEmbedder(logger: p._loggers.CreateLogger<GloveSifEmbedder>());
            EmbedFingerprint = Fingerprint.Of("embed/v1", corpus.Fingerprint, embedder.GetType().FullName, embedder.Info.ModelId);
            await StageAsync(
                "embed",
                EmbedFingerprint,
                resumable: true,
                async (folder, token) =>
                {
                    if (embedder is GloveSifEmbedder glove)
                    {
                        embedder = await FitOrLoadSifAsync(glove, folder, token).ConfigureAwait(false);
                    }

                    var embedProgress = new SyncProgress<EmbeddingProgress>(e => Report("embed", "embedding", e.DocumentsEmbedded, null));
                    Store = await EmbeddingStore.BuildAsync(corpus.ReadAsync(token), embedder, Path.Combine(folder, "store"), new EmbeddingStoreOptions(), embedProgress, p._loggers.CreateLogger<EmbeddingStore>(), token).ConfigureAwait(false);
                    if (Store.RowCount == 0)
                    {
                        throw new InvalidDataException(EmptyCorpusMessage());
                    }

                    return new Dictionary<string, double> { ["documents"] = Store.RowCount, ["dimension"] = Store.Dimension };
                },
                folder =>
                {
                    Store = EmbeddingStore.Open(Path.Combine(folder, "store"));
                    return true;
                },
                ct).ConfigureAwait(false);
        }

        private async Task<IEmbedder> FitOrLoadSifAsync(GloveSifEmbedder glove, string folder, CancellationToken ct)
        {
            if (glove.IsFitted || glove.Options.ComponentsToRemove == 0)
            {
                return glove;
            }

            // The common component is fitted once on a corpus sample and saved, so a resumed run embeds the
            // remaining shards with exactly the same model.
            string path = Path.Combine(folder, "sif-components.json");
            if (File.Exists(path) && JsonSerializer.Deserialize<float[][]>(await File.ReadAllTextAsync(path, ct).ConfigureAwait(false)) is { Length: > 0 } saved)
            {
                var options = glove.Options;
                options.CommonComponents = saved;
                return new GloveSifEmbedder(options, p._loggers.CreateLogger<GloveSifEmbedder>());
            }

            Report("embed", "fitting the SIF common component on a corpus sample");
            GloveSifEmbedder fitted;
            try
            {
                fitted = await glove.FitAsync(corpus.ReadAsync(ct), ct).ConfigureAwait(false);
            }
            catch (ArgumentException ex) when (ex.Message.Contains("empty", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException(EmptyCorpusMessage(), ex);
            }

            await AtomicFile.WriteAllTextAsync(path, JsonSerializer.Serialize(fitted.Options.CommonComponents), ct).ConfigureAwait(false);
            return fitted;
        }

        private string EmptyCorpusMessage()
        {
            var stats = corpus.LastReadStatistics?.Invoke();
            return $"The corpus {corpus.Description} has no documents to embed" +
                (stats is null ? "." : $" ({stats.DocumentsRead} read, {stats.SkippedEmpty} empty, {stats.SkippedInvalid} invalid).");
        }

        // ---------------------------------------------------------------- 2. cluster
        private async Task ClusterAsync(CancellationToken ct)
        {
            long n = Store!.RowCount;
            int k = p._options.ClusterCount ?? (int)Math.Clamp(n / 100, 2, 1000);
            IClusterer clusterer = p._components.Clusterer ?? new KMeansClusterer(
                new KMeansClustererOptions { ClusterCount = k, Seed = p._options.Seed, Device = p._options.Device },
                p._loggers.CreateLogger<KMeansClusterer>());
            string identity = p._components.Clusterer is null ? $"kmeans k={k} seed={p._options.Seed}" : clusterer.GetType().FullName!;
            ClusterFingerprint = Fingerprint.Of("cluster/v1", EmbedFingerprint, identity);
            await StageAsync(
                "cluster",
                ClusterFingerprint,
                resumable: false,
                async (folder, token) =>
                {
                    if (p._components.Clusterer is null && k > n)
                    {
                        throw new ArgumentException($"ClusterCount {k} is larger than the {n} documents of the corpus; choose at most {n} clusters.", nameof(ClimbPipelineOptions.ClusterCount));
                    }

                    var cp = new SyncProgress<ClusteringProgress>(c => Report("cluster", $"{c.Phase} iteration {c.Iteration}", c.Completed, c.Total));
                    Clustering = await clusterer.ClusterAsync(Store, cp, token).ConfigureAwait(false);
                    await SaveClusteringAsync(folder, Clustering, token).ConfigureAwait(false);
                    return new Dictionary<string, double>
                    {
                        ["clusters"] = Clustering.ClusterCount,
                        ["inertia"] = Clustering.Inertia,
                        ["kmeans_iterations"] = Clustering.Iterations,
                        ["kmeans_fit_sample"] = Clustering.FitSampleCount,
                    };
                },
                folder =>
                {
                    Clustering = LoadClustering(folder);
                    return Clustering.Assignments.Length == n;
                },
                ct).ConfigureAwait(false);
        }

        private static async Task SaveClusteringAsync(string folder, ClusteringResult c, CancellationToken ct)
        {
            AtomicFile.Write(Path.Combine(folder, "assignments.i32"), MemoryMarshal.AsBytes(c.Assignments.AsSpan()));
            AtomicFile.Write(Path.Combine(folder, "centroids.f32"), MemoryMarshal.AsBytes(c.Centroids.Data));
            var meta = new ClusteringFile(c.ClusterCount, c.Centroids.Dimension, c.Sizes, c.Inertia, c.Iterations, c.FitSampleCount, c.Device);
            await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "clustering.json"), JsonSerializer.Serialize(meta, Json), ct).ConfigureAwait(false);
        }

        private static ClusteringResult LoadClustering(string folder)
        {
            var meta = JsonSerializer.Deserialize<ClusteringFile>(File.ReadAllText(Path.Combine(folder, "clustering.json")))
                ?? throw new InvalidDataException("clustering.json is empty");
            int[] assignments = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(folder, "assignments.i32"))).ToArray();
            float[] centroids = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(Path.Combine(folder, "centroids.f32"))).ToArray();
            return new ClusteringResult
            {
                Assignments = assignments,
                Centroids = new EmbeddingMatrix(centroids, meta.Dimension),
                Sizes = meta.Sizes,
                Inertia = meta.Inertia,
                Iterations = meta.Iterations,
                FitSampleCount = meta.FitSampleCount,
                Device = meta.Device,
            };
        }

        // ---------------------------------------------------------------- 3. score
        private async Task ScoreAsync(CancellationToken ct)
        {
            IQualityScorer scorer = p._components.QualityScorer ?? new RuleBasedQualityScorer(logger: p._loggers.CreateLogger<RuleBasedQualityScorer>());
            ScoreFingerprint = Fingerprint.Of("score/v1", EmbedFingerprint, scorer.GetType().FullName);
            long n = Store!.RowCount;
            await StageAsync(
                "score",
                ScoreFingerprint,
                resumable: false,
                async (folder, token) =>
                {
                    var ids = Store.ReadDocumentIds();
                    var scores = new QualityScores[n];
                    var batch = new List<string>(1024);
                    long index = 0, start = 0;
                    await foreach (var doc in corpus.ReadAsync(token).ConfigureAwait(false))
                    {
                        if (index >= n || !string.Equals(ids[(int)index], doc.Id, StringComparison.Ordinal))
                        {
                            throw new InvalidDataException(
                                $"The corpus changed since it was embedded: document {index} is '{doc.Id}' but the embedding store has '{(index < n ? ids[(int)index] : "<end>")}'. Delete {_root} or use another artifacts folder.");
                        }

                        batch.Add(doc.Text);
                        index++;
                        if (batch.Count == 1024)
                        {
                            await FlushAsync().ConfigureAwait(false);
                        }
                    }

                    await FlushAsync().ConfigureAwait(false);
                    if (index != n)
                    {
                        throw new InvalidDataException($"The corpus changed since it was embedded: it has {index} documents, the embedding store {n}.");
                    }

                    Scores = scores;
                    AtomicFile.Write(Path.Combine(folder, "scores.f32"), MemoryMarshal.AsBytes(scores.AsSpan()));
                    return new Dictionary<string, double>
                    {
                        ["mean_quality"] = scores.Average(s => s.Quality),
                        ["mean_advertisement"] = scores.Average(s => s.Advertisement),
                        ["mean_informational_value"] = scores.Average(s => s.InformationalValue),
                        ["mean_educational_value"] = scores.Average(s => s.EducationalValue),
                    };

                    async Task FlushAsync()
                    {
                        if (batch.Count == 0)
                        {
                            return;
                        }

                        var s = await scorer.ScoreAsync(batch, token).ConfigureAwait(false);
                        if (s.Count != batch.Count)
                        {
                            throw new InvalidOperationException($"The quality scorer {scorer.GetType().Name} returned {s.Count} scores for {batch.Count} texts.");
                        }

                        for (int i = 0; i < s.Count; i++)
                        {
                            scores[start + i] = s[i];
                        }

                        start += batch.Count;
                        Report("score", "scoring", start, n);
                        batch.Clear();
                    }
                },
                folder =>
                {
                    Scores = MemoryMarshal.Cast<byte, QualityScores>(File.ReadAllBytes(Path.Combine(folder, "scores.f32"))).ToArray();
                    return Scores.Length == n;
                },
                ct).ConfigureAwait(false);
        }

        // ---------------------------------------------------------------- 4. prune
        private async Task PruneAsync(CancellationToken ct)
        {
            PruneFingerprint = Fingerprint.Of("prune/v1", ClusterFingerprint, ScoreFingerprint, JsonSerializer.Serialize(p._options.Pruning));
            await StageAsync(
                "prune",
                PruneFingerprint,
                resumable: false,
                async (folder, token) =>
                {
                    var pruner = new ClusterPruner(p._options.Pruning, p._loggers.CreateLogger<ClusterPruner>());
                    var result = pruner.Prune(Clustering!.Assignments, Scores!, null, Clustering.ClusterCount);
                    if (result.KeptClusterIds.Count == 0)
                    {
                        throw new InvalidDataException(
                            $"Pruning dropped every one of the {Clustering.ClusterCount} clusters; see {Path.Combine(folder, "pruning.md")}. Lower the thresholds (ClimbPipelineOptions.Pruning).");
                    }

                    await result.WriteReportAsync(folder, token).ConfigureAwait(false);
                    Pruning = new PruneOutput(
                        result.KeptClusterIds.ToArray(),
                        result.Clusters.Select(c => new PruneRow(c.ClusterId, c.Size, c.Kept, c.MeanScores, string.Join("; ", c.Reasons.Select(r => r.ToString())))).ToArray());
                    await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "kept.json"), JsonSerializer.Serialize(Pruning, Json), token).ConfigureAwait(false);
                    return new Dictionary<string, double>
                    {
                        ["clusters_kept"] = result.KeptClusterIds.Count,
                        ["clusters_dropped"] = result.DroppedClusterIds.Count,
                        ["documents_kept"] = result.KeptDocuments,
                        ["documents_dropped"] = result.DroppedDocuments,
                    };
                },
                folder =>
                {
                    Pruning = JsonSerializer.Deserialize<PruneOutput>(File.ReadAllText(Path.Combine(folder, "kept.json")));
                    return Pruning is not null;
                },
                ct).ConfigureAwait(false);
        }

        // ---------------------------------------------------------------- 5. merge
        private async Task MergeAsync(CancellationToken ct)
        {
            MergeFingerprint = Fingerprint.Of("merge/v1", PruneFingerprint, JsonSerializer.Serialize(p._options.Merging));
            await StageAsync(
                "merge",
                MergeFingerprint,
                resumable: false,
                async (folder, token) =>
                {
                    var kept = Pruning!.Kept;
                    var c = Clustering!;
                    var centroids = new EmbeddingMatrix(kept.Length, c.Centroids.Dimension);
                    var sizes = new long[kept.Length];
                    for (int i = 0; i < kept.Length; i++)
                    {
                        c.Centroids[kept[i]].CopyTo(centroids[i]);
                        sizes[i] = c.Sizes[kept[i]];
                    }

                    var options = p._options.Merging;
                    if (options.TargetClusterCount is int target && target > kept.Length)
                    {
                        options = CloneMerging(options, kept.Length);
                    }

                    var merged = new CentroidMerger(options, p._loggers.CreateLogger<CentroidMerger>()).Merge(centroids, sizes, token);

                    // Renumber super-clusters 0..S-1 and map every fine cluster (-1 = pruned).
                    var superOf = Enumerable.Repeat(-1, c.ClusterCount).ToArray();
                    for (int i = 0; i < kept.Length; i++)
                    {
                        superOf[kept[i]] = merged.SuperClusterOf[i];
                    }

                    Merge = new MergeOutput(merged.SuperClusterCount, superOf, merged.Sizes);
                    await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "merge.json"), JsonSerializer.Serialize(Merge, Json), token).ConfigureAwait(false);
                    Log.PrunedAndMerged(p._logger, kept.Length, c.ClusterCount, sizes.Sum(), merged.SuperClusterCount);
                    return new Dictionary<string, double> { ["super_clusters"] = merged.SuperClusterCount };
                },
                folder =>
                {
                    Merge = JsonSerializer.Deserialize<MergeOutput>(File.ReadAllText(Path.Combine(folder, "merge.json")));
                    return Merge is not null;
                },
                ct).ConfigureAwait(false);
        }

        private static CentroidMergerOptions CloneMerging(CentroidMergerOptions o, int target) => new()
        {
            Linkage = o.Linkage,
            DistanceThreshold = o.DistanceThreshold,
            TargetClusterCount = target,
            WeightBySize = o.WeightBySize,
            Device = o.Device,
        };

        // ---------------------------------------------------------------- 6. tokenize (+ catalogue)
        private async Task TokenizeAsync(CancellationToken ct)
        {
            var tokenizer = p._components.Tokenizer ?? p._options.CreateTokenizer();
            TokenFingerprint = Fingerprint.Of("tokenize/v1", MergeFingerprint, ScoreFingerprint, tokenizer.Identity, p._options.CompactVocabulary, p._options.CatalogueSamples, p._options.CatalogueTerms);
            await StageAsync(
                "tokenize",
                TokenFingerprint,
                resumable: true,
                async (folder, token) =>
                {
                    int supers = Merge!.SuperClusterCount;
                    var superOfDoc = DocumentSuperClusters();
                    var tfidf = new ClassTfIdf(supers);
                    var samples = Enumerable.Range(0, supers).Select(_ => new List<(string Id, string Snippet)>()).ToArray();
                    var quality = new double[supers, 4];
                    var docs = new long[supers];
                    var tp = new SyncProgress<TokenizationProgress>(t => Report("tokenize", "tokenizing", t.Documents, Store!.RowCount));
                    Tokens = await TokenizedClusterStore.BuildAsync(
                        Path.Combine(folder, "store"),
                        tokenizer,
                        supers,
                        Assigned(token),
                        new TokenizedClusterStoreOptions { CompactVocabulary = p._options.CompactVocabulary },
                        tp,
                        token).ConfigureAwait(false);

                    var names = new List<string>(supers);
                    var top = tfidf.TopTerms(p._options.CatalogueTerms);
                    var entries = new List<CatalogueEntry>(supers);
                    for (int s = 0; s < supers; s++)
                    {
                        var terms = top[s].Select(t => t.Term).ToList();
                        names.Add($"{s}: {string.Join(" ", terms.Take(3))}");
                        double n = Math.Max(1, docs[s]);
                        entries.Add(new CatalogueEntry(
                            s,
                            names[s],
                            Enumerable.Range(0, Merge.SuperClusterOf.Length).Where(f => Merge.SuperClusterOf[f] == s).ToArray(),
                            docs[s],
                            Tokens.TokenCounts[s],
                            [quality[s, 0] / n, quality[s, 1] / n, quality[s, 2] / n, quality[s, 3] / n],
                            terms,
                            samples[s].Select(x => new CatalogueSample(x.Id, x.Snippet)).ToList()));
                    }

                    Catalogue = new Catalogue(names, entries);
                    await AtomicFile.WriteAllTextAsync(Path.Combine(folder, "catalogue.json"), JsonSerializer.Serialize(Catalogue, Json), token).ConfigureAwait(false);
                    return new Dictionary<string, double> { ["tokens"] = Tokens.TotalTokens, ["vocabulary"] = Tokens.ModelVocabularySize };

                    async IAsyncEnumerable<(int Cluster, Document Document)> Assigned([EnumeratorCancellation] CancellationToken c2)
                    {
                        long i = 0;
                        var seen = new long[supers];
                        await foreach (var doc in corpus.ReadAsync(c2).ConfigureAwait(false))
                        {
                            if (i >= superOfDoc.Length)
                            {
                                throw new InvalidDataException($"The corpus changed since it was embedded: it now has more than {superOfDoc.Length} documents.");
                            }

                            int s = superOfDoc[i];
                            if (s >= 0)
                            {
                                tfidf.Add(s, doc.Text);
                                var q = Scores![i];
                                quality[s, 0] += q.Quality;
                                quality[s, 1] += q.Advertisement;
                                quality[s, 2] += q.InformationalValue;
                                quality[s, 3] += q.EducationalValue;
                                docs[s]++;
                                seen[s]++;

                                // Keep a few evenly spread samples: every document until full, then replace deterministically.
                                if (samples[s].Count < p._options.CatalogueSamples)
                                {
                                    samples[s].Add((doc.Id, Snippet(doc.Text)));
                                }

                                yield return (s, doc);
                            }

                            i++;
                        }
                    }
                },
                folder =>
                {
                    Tokens = TokenizedClusterStore.Open(Path.Combine(folder, "store"), tokenizer);
                    Catalogue = JsonSerializer.Deserialize<Catalogue>(File.ReadAllText(Path.Combine(folder, "catalogue.json")));
                    return Catalogue is not null && Tokens.ClusterCount == Merge!.SuperClusterCount;
                },
                ct).ConfigureAwait(false);
        }

        private int[] DocumentSuperClusters()
        {
            var a = Clustering!.Assignments;
            var result = new int[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                result[i] = Merge!.SuperClusterOf[a[i]];
            }

            return result;
        }

        private static string Snippet(string text)
        {
            string t = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return t.Length <= 200 ? t : t[..200] + "…";
        }

        // ---------------------------------------------------------------- 7. search
        private async Task SearchAsync(CancellationToken ct)
        {
            var o = p._options;
            var sampler = p._components.Sampler ?? new DirichletMixtureSampler();
            var predictor = p._components.Predictor ?? new AutoMixturePredictor();
            int singleBudget = o.SingleRoundBudget ?? o.Search.RoundBudgets.Sum();
            IMixtureSearchStrategy strategy = o.Strategy switch
            {
                SearchStrategyKind.RegMix => new RegMixSearchStrategy(new RegMixSearchOptions { Budget = singleBudget }, sampler, predictor),
                SearchStrategyKind.BestOfN => new BestOfNSearchStrategy(singleBudget, sampler),
                SearchStrategyKind.Uniform => new UniformSearchStrategy(),
                _ => new ClimbSearchStrategy(o.Search, sampler, predictor),
            };

            var kind = o.Proxy == ProxyKind.Auto ? (CudaAvailable() ? ProxyKind.Transformer : ProxyKind.NGram) : o.Proxy;
            string trainerIdentity = p._components.ProxyTrainer is { } custom
                ? custom.Identity
                : kind == ProxyKind.NGram
                    ? "kneser-ney " + JsonSerializer.Serialize(o.NGramProxy)
                    : "torchsharp " + JsonSerializer.Serialize(o.ProxyTraining) + $" base={o.BasePretrainingTokens}";
            string targetsFingerprint = TargetFingerprint(targets);
            SearchFingerprint = Fingerprint.Of("search/v1", TokenFingerprint, targetsFingerprint, trainerIdentity, strategy.Name, strategy.Identity, o.Seed);
            var prior = new MixturePrior(Tokens!.TokenCounts.Select(c => (double)c), Catalogue!.Names);

            async Task<Dictionary<string, double>> RunSearch(string folder, CancellationToken token)
            {
                IProxyTrainer trainer = p._components.ProxyTrainer
                    ?? (kind == ProxyKind.NGram
                        ? new KneserNeyProxyTrainer(o.NGramProxy, p._loggers.CreateLogger<KneserNeyProxyTrainer>())
                        : await DefaultTrainerAsync(folder, token).ConfigureAwait(false));
                var search = new MixtureSearch(
                    strategy,
                    new MixtureSearchOptions
                    {
                        Seed = o.Seed,
                        MaxDegreeOfParallelism = o.ProxyParallelism,
                        JournalPath = Path.Combine(folder, "journal.jsonl"),
                        ProxyConfiguration = trainerIdentity + " targets=" + targetsFingerprint,
                    },
                    p._loggers.CreateLogger<MixtureSearch>());
                int total = strategy.RoundBudgets.Sum(), done = 0;
                Task<ProxyResult> Evaluate(MixtureWeights mixture, int seed, CancellationToken c2) =>
                    trainer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = Tokens, Targets = targets }, null, c2);

                var roundSink = new SyncProgress<MixtureSearchRound>(r =>
                {
                    done += r.Results.Count;
                    var goal = r.Results.Count > 0 ? r.Results[0].Goal : ObjectiveGoal.Maximize;
                    double bestObjective = goal == ObjectiveGoal.Minimize ? -r.BestUtilitySoFar : r.BestUtilitySoFar;
                    Report("search", $"round {r.Round + 1} done, best objective so far {bestObjective:G5} ({goal.ToString().ToLowerInvariant()})", done, total);
                    rounds?.Report(r);
                });
                Search = await search.RunAsync(prior, Evaluate, roundSink, token).ConfigureAwait(false);
                Log.SearchFinished(p._logger, strategy.Name, Search.Mixture.ToString());
                await WriteWeightsAsync(token).ConfigureAwait(false);
                var counts = new Dictionary<string, double>
                {
                    ["proxy_runs"] = Search.ProxyResults.Count,
                    ["proxy_runs_resumed"] = Search.ResumedCount,
                    ["best_measured_objective"] = Search.BestMeasured.Objective,
                    ["answer_from_best_measured"] = Search.AnswerSource == AnswerSource.BestMeasured ? 1 : 0,
                    ["answer_measured_objective"] = Search.AnswerMeasured?.Objective ?? double.NaN,
                    ["signal_to_noise"] = Search.SignalToNoise,
                    ["proxy_runs_failed"] = Search.Failures.Count,
                };
                if (Search.Answer.Reason is { } reason)
                {
                    Report("search", "answer: " + reason);
                }
                for (int r = 0; r < Search.Rounds.Count; r++)
                {
                    counts[$"round{r + 1}_heldout_spearman"] = Search.Rounds[r].HeldOutSpearman;
                    counts[$"round{r + 1}_best_utility"] = Search.Rounds[r].BestUtilitySoFar;
                }

                return counts;
            }

            // A complete search is "reused" by replaying its journal: no proxy trains again, and the answer is
            // recomputed deterministically from the recorded results.
            string folder = Folder("search");
            if (StageManifest.IsComplete(folder, SearchFingerprint))
            {
                long started = Stopwatch.GetTimestamp();
                var replay = await RunSearch(folder, ct).ConfigureAwait(false);
                bool allReplayed = Search!.ResumedCount == Search.ProxyResults.Count;
                foreach (var (k, v) in replay)
                {
                    _counts[k] = v;
                }

                Reports.Add(new StageReport("search", folder, allReplayed ? StageOutcome.Reused : StageOutcome.Resumed, Stopwatch.GetElapsedTime(started)));
                return;
            }

            await StageAsync("search", SearchFingerprint, resumable: true, RunSearch, _ => false, ct).ConfigureAwait(false);
        }

        private bool CudaAvailable()
        {
            if (p._options.Device == ComputeDevice.Cpu)
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

        private async Task<IProxyTrainer> DefaultTrainerAsync(string folder, CancellationToken ct)
        {
            var o = p._options;
            var options = JsonSerializer.Deserialize<ProxyTrainerOptions>(JsonSerializer.Serialize(o.ProxyTraining))!;
            options.Device = o.Device == ComputeDevice.Auto ? options.Device : o.Device;
            if (o.BasePretrainingTokens > 0 && options.BaseCheckpointPath is null)
            {
                string basePath = Path.Combine(folder, "base", "base.ckpt");
                if (!File.Exists(basePath + ".complete"))
                {
                    Report("search", "pre-training the shared base model on the uniform mixture");
                    var pretrainer = new TorchSharpProxyTrainer(options, p._loggers.CreateLogger<TorchSharpProxyTrainer>());
                    Directory.CreateDirectory(Path.GetDirectoryName(basePath)!);
                    var baseProgress = new SyncProgress<ProxyTrainingProgress>(b => Report(
                        "search",
                        string.Create(CultureInfo.InvariantCulture, $"pre-training the base: {b.TokensTrained:N0} tokens, {b.TokensPerSecond:N0} tokens/s, ETA {b.EstimatedRemaining?.TotalSeconds ?? 0:F0} s"),
                        b.Step,
                        b.TotalSteps));
                    await pretrainer.PretrainBaseAsync(Tokens!, basePath, o.BasePretrainingTokens, o.Seed, null, null, baseProgress, ct).ConfigureAwait(false);
                    await File.WriteAllTextAsync(basePath + ".complete", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
                }

                options.BaseCheckpointPath = basePath;
            }

            return new TorchSharpProxyTrainer(options, p._loggers.CreateLogger<TorchSharpProxyTrainer>());
        }

        private async Task WriteWeightsAsync(CancellationToken ct)
        {
            var doc = new
            {
                strategy = Search!.Strategy,
                method = Search.Answer.Method,
                fingerprint = Search.Fingerprint,
                components = Catalogue!.Entries.Select(e => new { index = e.SuperCluster, name = e.Name, weight = Search.Mixture[e.SuperCluster], tokens = e.Tokens, documents = e.Documents, fine_clusters = e.FineClusters }),
                best_measured = new { objective = Search.BestMeasured.Objective, goal = Search.BestMeasured.Goal.ToString(), mixture = Search.BestMeasured.Mixture.ToArray() },
            };
            await AtomicFile.WriteAllTextAsync(WeightsPath, JsonSerializer.Serialize(doc, Json), ct).ConfigureAwait(false);
        }

        private static string TargetFingerprint(IReadOnlyList<EvaluationTarget> targets) => Fingerprint.Of(
            targets.Select(t => t switch
            {
                TextTarget text => $"text|{t.Name}|{t.Weight}|{Fingerprint.Of(text.Texts.ToArray())}",
                MultipleChoiceTarget mc => $"mc|{t.Name}|{t.Weight}|{Fingerprint.Of(mc.Items.Select(i => i.Context + "\u0001" + string.Join("\u0002", i.Choices) + "\u0001" + i.Label).ToArray())}",
                _ => $"{t.GetType().FullName}|{t.Name}|{t.Weight}",
            }).ToArray());

        // ---------------------------------------------------------------- 8. export
        private async Task ExportAsync(CancellationToken ct)
        {
            var o = p._options.Export;
            string fp = Fingerprint.Of("export/v1", SearchFingerprint, JsonSerializer.Serialize(o), Search!.Mixture.ToArray());
            await StageAsync(
                "export",
                fp,
                resumable: false,
                async (folder, token) =>
                {
                    // Exact token counts per document, from the token store's document offsets (the tokenize stage
                    // streamed each super-cluster's documents in corpus order, so the k-th kept document of a
                    // super-cluster is its k-th document in the store).
                    var superOfDoc = DocumentSuperClusters();
                    var ids = Store!.ReadDocumentIds();
                    int supers = Merge!.SuperClusterCount;
                    var offsets = Enumerable.Range(0, supers).Select(Tokens!.DocumentOffsets).ToArray();
                    var components = Enumerable.Range(0, supers).Select(_ => new List<(string, int)>()).ToArray();
                    var next = new int[supers];
                    for (int i = 0; i < superOfDoc.Length; i++)
                    {
                        int s = superOfDoc[i];
                        if (s >= 0)
                        {
                            int k = next[s]++;
                            components[s].Add((ids[i], checked((int)(offsets[s][k + 1] - offsets[s][k]))));
                        }
                    }

                    var exporter = new MixedDatasetExporter(o, p._loggers.CreateLogger<MixedDatasetExporter>());
                    Dataset = await exporter.ExportAsync(components, Search.Mixture, corpus.ReadAsync(token), Path.Combine(folder, "dataset"), token).ConfigureAwait(false);
                    return new Dictionary<string, double> { ["export_documents"] = Dataset.Documents, ["export_tokens"] = Dataset.Tokens };
                },
                folder =>
                {
                    string json = File.ReadAllText(Path.Combine(folder, "dataset", "export.json"));
                    using var d = JsonDocument.Parse(json);
                    var comps = d.RootElement.GetProperty("components").Deserialize<List<ComponentExport>>(new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
                    var shards = d.RootElement.GetProperty("shards").EnumerateArray().Select(e => Path.Combine(folder, "dataset", e.GetString()!)).ToList();
                    Dataset = new DatasetExportResult { Folder = Path.Combine(folder, "dataset"), Shards = shards, Components = comps };
                    return shards.All(File.Exists);
                },
                ct).ConfigureAwait(false);
        }

        // ---------------------------------------------------------------- 9. report
        private async Task ReportAsync(CancellationToken ct)
        {
            string path = Path.Combine(_root, "report.html");
            long started = Stopwatch.GetTimestamp();
            var c = Clustering!;
            var projection = Projection.Pca2(c.Centroids, p._options.Seed);
            var search = Search!;
            var goal = search.BestMeasured.Goal;
            var reportRounds = new List<ReportRound>();
            double best = goal == ObjectiveGoal.Minimize ? double.PositiveInfinity : double.NegativeInfinity;
            var predictedMeasured = new List<(double, double)>();
            foreach (var r in search.Rounds)
            {
                var objectives = r.Results.Select(x => x.Objective).ToList();
                foreach (double v in objectives)
                {
                    best = goal == ObjectiveGoal.Minimize ? Math.Min(best, v) : Math.Max(best, v);
                }

                reportRounds.Add(new ReportRound(r.Round + 1, r.Results.Select(x => (IReadOnlyList<double>)x.Mixture.ToArray()).ToList(), objectives, best));
                if (r.PredictedUtilities is { } predicted)
                {
                    for (int i = 0; i < predicted.Count && i < r.Results.Count; i++)
                    {
                        // Show both in the objective's own units (utility is negated when minimising).
                        double sign = goal == ObjectiveGoal.Minimize ? -1 : 1;
                        predictedMeasured.Add((sign * predicted[i], r.Results[i].Objective));
                    }
                }
            }

            double? spearman = predictedMeasured.Count >= 3
                ? RankStatistics.Spearman(predictedMeasured.Select(x => x.Item1).ToArray(), predictedMeasured.Select(x => x.Item2).ToArray())
                : null;
            var summary = new List<(string, string)>
            {
                ("corpus", corpus.Description),
                ("documents embedded", Store!.RowCount.ToString(CultureInfo.InvariantCulture)),
                ("embedder", Store.ModelId),
                ("fine clusters (K_init)", c.ClusterCount.ToString(CultureInfo.InvariantCulture) + $" (k-means fit on {c.FitSampleCount} points, {c.Iterations} iterations, device {c.Device})"),
                ("clusters kept by pruning (K_pruned)", Pruning!.Kept.Length.ToString(CultureInfo.InvariantCulture)),
                ("super-clusters (K_enhanced)", Merge!.SuperClusterCount.ToString(CultureInfo.InvariantCulture)),
                ("tokens (" + Tokens!.Tokenizer.Identity + ")", Tokens.TotalTokens.ToString("N0", CultureInfo.InvariantCulture)),
                ("search", $"{search.Strategy}: {search.ProxyResults.Count} proxy runs in {search.Rounds.Count} rounds; answer by {search.Answer.Method}"),
                ("best measured objective", $"{search.BestMeasured.Objective:G6} ({goal})"),
                ("answer", $"{search.AnswerSource}{(search.Answer.Reason is { } why ? ": " + why : string.Empty)}; measured objective {search.AnswerMeasured?.Objective.ToString("G6", CultureInfo.InvariantCulture) ?? "not measured"}; predictor {search.Answer.Predictor?.Predictor ?? "none"} (held-out Spearman {search.Answer.Predictor?.HeldOutSpearman ?? double.NaN:F3})"),
                ("proxy noise", search.Noise is { } nz ? $"objective std {nz.StandardDeviation:G3} over {nz.Objectives.Count} data seeds; signal-to-noise {search.SignalToNoise:F2}" : "not measured"),
                ("final mixture", search.Mixture.ToString()),
            };
            if (Dataset is not null)
            {
                summary.Add(("exported dataset", $"{Dataset.Documents:N0} documents, {Dataset.Tokens:N0} tokens in {Dataset.Shards.Count} shards ({Dataset.Folder})"));
            }

            var model = new ReportModel
            {
                Title = "Climb report",
                Summary = summary,
                FineClusterSizes = c.Sizes,
                CentroidProjection = projection,
                CentroidGroups = Merge.SuperClusterOf,
                ComponentNames = Catalogue!.Names,
                Rounds = reportRounds,
                PredictedVsMeasured = predictedMeasured,
                PredictorSpearman = spearman,
                FinalWeights = search.Mixture.ToArray(),
                ObjectiveName = search.BestMeasured.Goal == ObjectiveGoal.Minimize ? "objective (lower is better)" : "objective (higher is better)",
                Goal = goal,
                Sections =
                [
                    ("Super-cluster catalogue", CatalogueHtml(Catalogue, search.Mixture)),
                    ("Pruning", PruningHtml(Pruning)),
                ],
            };
            await AtomicFile.WriteAllTextAsync(path, HtmlReportWriter.Render(model), ct).ConfigureAwait(false);
            ReportPath = path;
            Reports.Add(new StageReport("report", _root, StageOutcome.Ran, Stopwatch.GetElapsedTime(started)));
        }

        private static string CatalogueHtml(Catalogue catalogue, MixtureWeights weights)
        {
            var sb = new System.Text.StringBuilder("<table id=\"catalogue\"><tr><th>super-cluster</th><th>weight</th><th>documents</th><th>tokens</th><th>quality / ads / info / edu</th><th>top terms (c-TF-IDF)</th><th>samples</th></tr>");
            foreach (var e in catalogue.Entries)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.Name)}</td><td>{weights[e.SuperCluster]:0.###}</td><td>{e.Documents}</td><td>{e.Tokens:N0}</td><td>{string.Join(" / ", e.MeanQuality.Select(q => q.ToString("0.0", CultureInfo.InvariantCulture)))}</td><td>{E(string.Join(", ", e.TopTerms))}</td><td>");
                foreach (var s in e.Samples)
                {
                    sb.Append("<div><b>").Append(E(s.Id)).Append("</b> ").Append(E(s.Snippet)).Append("</div>");
                }

                sb.Append("</td></tr>");
            }

            return sb.Append("</table>").ToString();
        }

        private static string PruningHtml(PruneOutput pruning)
        {
            var sb = new System.Text.StringBuilder().Append(CultureInfo.InvariantCulture, $"<p>{pruning.Kept.Length} of {pruning.Clusters.Length} clusters kept.</p><table id=\"pruning\"><tr><th>cluster</th><th>documents</th><th>kept</th><th>mean quality / ads / info / edu</th><th>reason</th></tr>");
            foreach (var r in pruning.Clusters.OrderBy(r => r.Kept).ThenBy(r => r.ClusterId))
            {
                var m = r.MeanScores;
                sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.ClusterId}</td><td>{r.Size}</td><td>{(r.Kept ? "yes" : "no")}</td><td>{m.Quality:0.0} / {m.Advertisement:0.0} / {m.InformationalValue:0.0} / {m.EducationalValue:0.0}</td><td>{E(r.Reasons)}</td></tr>");
            }

            return sb.Append("</table>").ToString();
        }

        private static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
    }

    /// <summary>Calls the handler synchronously (unlike <see cref="Progress{T}"/>, which posts to a context).</summary>
    private sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }

    private sealed record ClusteringFile(int ClusterCount, int Dimension, long[] Sizes, double Inertia, int Iterations, long FitSampleCount, string Device);

    private sealed record PruneRow(int ClusterId, int Size, bool Kept, QualityScores MeanScores, string Reasons);

    private sealed record PruneOutput(int[] Kept, PruneRow[] Clusters);

    private sealed record MergeOutput(int SuperClusterCount, int[] SuperClusterOf, long[] Sizes);

    private sealed record CatalogueSample(string Id, string Snippet);

    private sealed record CatalogueEntry(int SuperCluster, string Name, int[] FineClusters, long Documents, long Tokens, double[] MeanQuality, IReadOnlyList<string> TopTerms, IReadOnlyList<CatalogueSample> Samples);

    private sealed record Catalogue(IReadOnlyList<string> Names, IReadOnlyList<CatalogueEntry> Entries);
}

/// <summary>One item of <see cref="ClimbPipeline.RunStreamingAsync"/>: a finished search round, or the final result.</summary>
/// <param name="Round">The round that just finished, or <see langword="null"/> on the last item.</param>
/// <param name="Result">The pipeline's result on the last item, otherwise <see langword="null"/>.</param>
public sealed record ClimbIteration(MixtureSearchRound? Round, ClimbResult? Result)
{
    /// <summary>Gets whether this is the last item, carrying the result.</summary>
    public bool IsFinal => Result is not null;
}

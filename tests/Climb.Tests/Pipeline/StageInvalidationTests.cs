using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Climb.Tests.Pipeline;

/// <summary>
/// Exactly the stages a change affects run again, and nothing stale survives: each test starts from a copy of one
/// complete baseline run and checks the outcome of every stage.
/// </summary>
public class StageInvalidationTests
{
    private static readonly Lazy<Task<Baseline>> Shared = new(CreateBaselineAsync);

    private static ClimbCorpus Corpus => ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);

    private static TextTarget Target => PipelineFixtures.Target("python");

    [Fact]
    public async Task A_plugged_in_clusterer_with_another_K_reruns_cluster_and_its_dependents_but_not_embed_or_score()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        var result = await Builder(dir, b.ScorerA, clusters: 20).Build().RunAsync(Corpus, [Target]);
        AssertOutcomes(result.Stages, reused: ["embed", "score"], ran: ["cluster", "prune", "merge", "tokenize", "proxy-data", "search", "export", "report"]);
    }

    [Fact]
    public async Task A_retrained_quality_scorer_reruns_score_and_its_dependents()
    {
        var b = await Shared.Value;
        var retrained = (await TrainedQualityScorer.TrainAsync(b.Annotations, new TrainedQualityScorerOptions { Seed = 7, Epochs = 3 })).Scorer;
        Assert.NotEqual(b.ScorerA.Identity, retrained.Identity);
        string dir = b.Copy();
        var result = await Builder(dir, retrained).Build().RunAsync(Corpus, [Target]);
        AssertOutcomes(result.Stages, reused: ["embed", "cluster"], ran: ["score", "prune", "merge", "tokenize", "proxy-data", "search", "export", "report"]);
    }

    [Fact]
    public async Task A_saved_and_reloaded_scorer_keeps_its_identity()
    {
        var b = await Shared.Value;
        string path = Path.Combine(Directory.CreateTempSubdirectory("climb-scorer-").FullName, "model.zip");
        b.ScorerA.Save(path);
        Assert.Equal(b.ScorerA.Identity, TrainedQualityScorer.Load(path).Identity);
    }

    [Fact]
    public async Task A_changed_proxy_trainer_option_reruns_search_export_and_report_only()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        var result = await Builder(dir, b.ScorerA, proxyTokens: 50_000).Build().RunAsync(Corpus, [Target]);
        AssertOutcomes(result.Stages, reused: ["embed", "cluster", "score", "prune", "merge", "tokenize", "proxy-data"], ran: ["search", "export", "report"]);
    }

    [Fact]
    public async Task A_failed_rerun_after_a_changed_option_leaves_no_stale_stage_or_answer()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            Builder(dir, b.ScorerA, superClusters: 6).WithProxyTrainer(new FailingTrainer()).Build().RunAsync(Corpus, [Target]));

        Assert.True(StageManifest.IsComplete(Path.Combine(dir, "05-merge"), StageManifest.TryLoad(Path.Combine(dir, "05-merge"))!.Fingerprint));
        Assert.NotEqual(b.Manifest("05-merge").Fingerprint, StageManifest.TryLoad(Path.Combine(dir, "05-merge"))!.Fingerprint);
        Assert.False(StageManifest.TryLoad(Path.Combine(dir, "08-search")) is { Complete: true });
        Assert.False(Directory.Exists(Path.Combine(dir, "09-export")));
        Assert.False(Directory.Exists(Path.Combine(dir, "10-report")));
        Assert.False(File.Exists(Path.Combine(dir, "weights.json")));
        Assert.False(File.Exists(Path.Combine(dir, "report.html")));
    }

    [Fact]
    public async Task Same_size_garbage_in_assignments_is_detected_and_the_cluster_stage_reruns_with_a_warning()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        string assignments = Path.Combine(dir, "02-cluster", "assignments.i32");
        byte[] original = await File.ReadAllBytesAsync(assignments);
        await File.WriteAllBytesAsync(assignments, RandomNumberGenerator.GetBytes(original.Length));
        var log = new ListLoggerFactory();
        var stages = await Builder(dir, b.ScorerA).WithLoggerFactory(log).Build().RunUntilAsync(Corpus, [Target], "prune");
        AssertOutcomes(stages, reused: ["embed", "score"], ran: ["cluster", "prune"]);
        Assert.Contains(log.Messages, m => m.Level == LogLevel.Warning && m.Text.Contains("assignments.i32", StringComparison.Ordinal));
        Assert.Equal(original, await File.ReadAllBytesAsync(assignments));
        Assert.False(Directory.Exists(Path.Combine(dir, "05-merge")), "stages that read the corrupt clustering are discarded");
        Assert.False(File.Exists(Path.Combine(dir, "weights.json")));
    }

    [Fact]
    public async Task A_stage_that_runs_hashes_the_files_it_writes_while_writing_them()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        var log = new ListLoggerFactory();
        var stages = await Builder(dir, b.ScorerA, clusters: 20).WithLoggerFactory(log).Build().RunUntilAsync(Corpus, [Target], "prune");
        AssertOutcomes(stages, reused: ["embed", "score"], ran: ["cluster", "prune"]);
        foreach (string stage in new[] { "02-cluster", "04-prune" })
        {
            var manifest = StageManifest.TryLoad(Path.Combine(dir, stage))!;
            Assert.NotEmpty(manifest.Files);
            foreach (var (relative, file) in manifest.Files)
            {
                Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dir, stage, relative)))), file.Sha256);
            }

            string name = stage[3..];
            Assert.Contains(log.Messages, m => m.Level == LogLevel.Debug && m.Text.StartsWith($"Stage {name}: {manifest.Files.Count} of {manifest.Files.Count} files hashed while written", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task The_tokenize_stage_hashes_its_token_shards_and_indexes_while_writing_them()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        var log = new ListLoggerFactory();
        await Builder(dir, b.ScorerA, clusters: 20).WithLoggerFactory(log).Build().RunUntilAsync(Corpus, [Target], "tokenize");
        var manifest = StageManifest.TryLoad(Path.Combine(dir, "06-tokenize"))!;
        var shards = manifest.Files.Keys.Where(f => f.EndsWith(".idx", StringComparison.Ordinal) || manifest.Files.ContainsKey(f + ".idx")).ToList();
        Assert.NotEmpty(shards);
        foreach (var (relative, file) in manifest.Files)
        {
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(dir, "06-tokenize", relative)))), file.Sha256);
        }

        var line = Assert.Single(log.Messages, m => m.Level == LogLevel.Debug && m.Text.StartsWith("Stage tokenize: ", StringComparison.Ordinal) && m.Text.Contains("hashed while written", StringComparison.Ordinal));
        int hashedWhileWritten = int.Parse(line.Text["Stage tokenize: ".Length..].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(hashedWhileWritten >= shards.Count, $"{line.Text}; the store has {shards.Count} shard and index files");
    }

    [Fact]
    public async Task All_clusters_pruned_names_a_report_that_exists_and_the_option_to_change()
    {
        var b = await Shared.Value;
        string dir = b.Copy();
        var strict = new ClusterPrunerOptions { Quality = new() { Threshold = 4.99f } };
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            Builder(dir, b.ScorerA).Configure(o => o.Pruning = strict).WithOptionNames(new Dictionary<string, string> { ["Pruning"] = "--pruning" })
                .Build().RunUntilAsync(Corpus, [Target], "prune"));
        string report = Path.Combine(dir, "04-prune", "pruning.md");
        Assert.Contains(report, ex.Message, StringComparison.Ordinal);
        Assert.True(File.Exists(report));
        Assert.Contains("--pruning", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_blank_target_is_rejected_before_anything_runs()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("climb-blank-").FullName, "art");
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            PipelineFixtures.SmallBuilder(dir).Build().RunAsync(Corpus, [new TextTarget("blank", ["  ", "\n\t"])]));
        Assert.Contains("'blank'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("blank", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir));
    }

    private static ClimbPipelineBuilder Builder(string dir, IQualityScorer scorer, int clusters = 24, int superClusters = 8, long proxyTokens = 60_000) =>
        PipelineFixtures.SmallBuilder(dir)
            .WithClusterer(new KMeansClusterer(new KMeansClustererOptions { ClusterCount = clusters, Seed = 42 }))
            .WithQualityScorer(scorer)
            .WithProxyTrainer(new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = proxyTokens, SequenceLength = 256, EvaluationWindow = 256 }))
            .Configure(o =>
            {
                o.ClusterCount = null;
                o.Merging = new CentroidMergerOptions { TargetClusterCount = superClusters };
                o.Pruning = new ClusterPrunerOptions
                {
                    Quality = new() { Threshold = 1.0f },
                    Advertisement = new() { Threshold = 1.0f },
                    InformationalValue = new() { Threshold = 1.0f },
                    EducationalValue = new() { Threshold = 1.0f },
                };
            })
            .ConfigureSearch(s => s.RoundBudgets = [4, 4]);

    private static void AssertOutcomes(IReadOnlyList<StageReport> stages, string[] reused, string[] ran)
    {
        var outcome = stages.ToDictionary(s => s.Stage, s => s.Outcome);
        Assert.Equal(reused.Concat(ran).OrderBy(s => s), outcome.Keys.OrderBy(s => s));
        foreach (string s in reused)
        {
            Assert.True(outcome[s] == StageOutcome.Reused, $"{s} should be reused but {outcome[s]}");
        }

        foreach (string s in ran)
        {
            Assert.True(outcome[s] == StageOutcome.Ran, $"{s} should run but {outcome[s]}");
        }
    }

    private static async Task<Baseline> CreateBaselineAsync()
    {
        var rules = new RuleBasedQualityScorer();
        var docs = PipelineFixtures.Corpus.Where((_, i) => i % 15 == 0).ToList();
        var labels = await rules.ScoreAsync(docs.Select(d => d.Text).ToList());
        var annotations = docs.Select((d, i) => new QualityAnnotation(d.Id, d.Text, labels[i])).ToList();
        var scorer = (await TrainedQualityScorer.TrainAsync(annotations, new TrainedQualityScorerOptions { Seed = 1 })).Scorer;
        string dir = Directory.CreateTempSubdirectory("climb-baseline-").FullName;
        await Builder(dir, scorer).Build().RunAsync(Corpus, [Target]);
        return new Baseline(dir, scorer, annotations);
    }

    internal sealed record Baseline(string Folder, TrainedQualityScorer ScorerA, IReadOnlyList<QualityAnnotation> Annotations)
    {
        public string Copy()
        {
            string to = Directory.CreateTempSubdirectory("climb-copy-").FullName;
            foreach (string file in Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(to, Path.GetRelativePath(Folder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }

            return to;
        }

        public StageManifest Manifest(string stageFolder) => StageManifest.TryLoad(Path.Combine(Folder, stageFolder))!;
    }

    /// <summary>A proxy trainer whose runs fail, as a crashed GPU job would.</summary>
    private sealed class FailingTrainer : IProxyTrainer
    {
        public string Identity => "failing";

        public Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("the proxy job crashed");
    }
}

/// <summary>Keeps every log message, to assert on warnings.</summary>
internal sealed class ListLoggerFactory : ILoggerFactory
{
    public List<(LogLevel Level, string Text)> Messages { get; } = [];

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (owner.Messages)
            {
                owner.Messages.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}

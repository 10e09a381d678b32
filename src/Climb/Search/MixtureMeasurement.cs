using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Re-measures mixtures with a proxy trainer on fresh data seeds: every mixture is trained once per seed, the same seeds for
/// every mixture (so mixtures compare paired), and none of them a seed the search used. This is how an answer is judged
/// without the optimism of its own selection (the best of many noisy measurements measures better than it is), and how a
/// user compares a mixture of their own with Climb's.
/// </summary>
public sealed partial class MixtureMeasurement
{
    private readonly IProxyTrainer _trainer;
    private readonly ITokenizedClusters _data;
    private readonly IReadOnlyList<EvaluationTarget> _targets;
    private readonly MixtureMeasurementOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes the measurement.</summary>
    /// <param name="trainer">The proxy trainer (the search's, so the measurements compare with its results).</param>
    /// <param name="data">The tokenised super-clusters.</param>
    /// <param name="targets">The evaluation targets (the search's).</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="excludedSeeds">Seeds that must not be used, for example every seed of the search's journal (<see cref="SeedsInJournal"/>).</param>
    /// <param name="componentNames">The super-clusters' names (as in weights.json); "c0", "c1", ... when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public MixtureMeasurement(
        IProxyTrainer trainer,
        ITokenizedClusters data,
        IReadOnlyList<EvaluationTarget> targets,
        MixtureMeasurementOptions? options = null,
        IEnumerable<int>? excludedSeeds = null,
        IReadOnlyList<string>? componentNames = null,
        ILogger<MixtureMeasurement>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(targets);
        if (targets.Count == 0)
        {
            throw new ArgumentException("At least one evaluation target is needed.", nameof(targets));
        }

        _trainer = trainer;
        _data = data;
        _targets = targets;
        _options = OptionsValidation.Validate(options ?? new MixtureMeasurementOptions(), nameof(options));
        _logger = logger ?? NullLogger<MixtureMeasurement>.Instance;
        ExcludedSeeds = new HashSet<int>(excludedSeeds ?? []);
        Prior = new MixturePrior(data.TokenCounts.Select(c => (double)c), componentNames);
        Seeds = FreshSeeds(_options.Seeds, _options.Seed, ExcludedSeeds);
    }

    /// <summary>Gets the super-clusters' names, in weight order.</summary>
    public IReadOnlyList<string> ComponentNames => Prior.Names;

    /// <summary>Gets the data's token shares (the "prior" mixture), with the names.</summary>
    public MixturePrior Prior { get; }

    /// <summary>Gets the seeds the measurement must not use (the search's).</summary>
    public IReadOnlySet<int> ExcludedSeeds { get; }

    /// <summary>Gets the fresh data seeds every mixture is trained with: derived from <see cref="MixtureMeasurementOptions.Seed"/>, each checked against <see cref="ExcludedSeeds"/>.</summary>
    public IReadOnlyList<int> Seeds { get; }

    /// <summary>Returns <paramref name="count"/> distinct seeds derived from <paramref name="seed"/>, none of them in <paramref name="excluded"/> (checked, not left to hash luck).</summary>
    /// <param name="count">How many seeds.</param>
    /// <param name="seed">The seed they derive from.</param>
    /// <param name="excluded">Seeds that must not be returned.</param>
    /// <returns>The seeds.</returns>
    public static IReadOnlyList<int> FreshSeeds(int count, int seed, IReadOnlySet<int> excluded)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(excluded);
        var seeds = new List<int>(count);
        var taken = new HashSet<int>();
        for (long j = 0; seeds.Count < count; j++)
        {
            int s = SeedMixer.Derive(seed, 0x3EA5, j);
            if (!excluded.Contains(s) && taken.Add(s))
            {
                seeds.Add(s);
            }
        }

        return seeds;
    }

    /// <summary>
    /// Reads every data seed a search journal (the search stage's <c>journal.jsonl</c>) holds: the rounds' runs, the failed
    /// ones, the noise replicates, the confirmation round and the answer's measurement. A torn last line (a search killed
    /// mid-write) is ignored, as the search itself ignores it.
    /// </summary>
    /// <param name="path">The journal.</param>
    /// <returns>The seeds.</returns>
    /// <exception cref="InvalidDataException">A line other than the last is not JSON, or a seed is not an integer; the message names the file and line.</exception>
    public static IReadOnlySet<int> SeedsInJournal(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var seeds = new HashSet<int>();
        string[] lines = File.ReadAllLines(path);
        bool endsWithNewline = new FileInfo(path).Length == 0 || File.ReadAllBytes(path)[^1] == (byte)'\n';
        for (int i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i]))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(lines[i]);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("seed", out var s))
                {
                    if (!s.TryGetInt32(out int seed))
                    {
                        throw new InvalidDataException($"Search journal '{path}' line {i + 1}: the seed {s.GetRawText()} is not a 32-bit integer.");
                    }

                    seeds.Add(seed);
                }
            }
            catch (JsonException ex)
            {
                if (i == lines.Length - 1 && !endsWithNewline)
                {
                    break; // a torn last line: that run never finished
                }

                throw new InvalidDataException($"Search journal '{path}' line {i + 1} is not valid JSON ({ex.Message}).", ex);
            }
        }

        return seeds;
    }

    /// <summary>Trains every mixture on every seed of <see cref="Seeds"/> and reports each mixture's mean and standard deviation.</summary>
    /// <param name="mixtures">The mixtures, each with one weight per super-cluster.</param>
    /// <param name="progress">Receives each mixture's result as it completes.</param>
    /// <param name="cancellationToken">Cancels the measurement.</param>
    /// <returns>One result per mixture, in the order given.</returns>
    /// <exception cref="ArgumentException">A mixture has the wrong number of weights or two share a name; nothing has been trained.</exception>
    public async Task<IReadOnlyList<MixtureMeasurementResult>> MeasureAsync(
        IReadOnlyList<NamedMixture> mixtures, IProgress<MixtureMeasurementResult>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mixtures);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in mixtures)
        {
            if (m is null || m.Mixture is null)
            {
                throw new ArgumentException("A mixture is null.", nameof(mixtures));
            }

            if (m.Mixture.Count != _data.ClusterCount)
            {
                throw new ArgumentException($"Mixture '{m.Name}' has {m.Mixture.Count} weights; the data has {_data.ClusterCount} super-clusters.", nameof(mixtures));
            }

            if (!names.Add(m.Name))
            {
                throw new ArgumentException($"Two mixtures are named '{m.Name}'.", nameof(mixtures));
            }
        }

        var runs = mixtures.SelectMany((m, i) => Seeds.Select((s, j) => (Mixture: i, SeedIndex: j, Seed: s))).ToArray();
        var results = new ProxyResult?[mixtures.Count, Seeds.Count];
        var remaining = mixtures.Select(_ => Seeds.Count).ToArray();
        var output = new MixtureMeasurementResult?[mixtures.Count];
        await Parallel.ForEachAsync(
            runs,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (run, ct) =>
            {
                var named = mixtures[run.Mixture];
                var r = await _trainer.TrainAsync(new ProxyTrainingRequest { Mixture = named.Mixture, Seed = run.Seed, Data = _data, Targets = _targets }, null, ct).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"The proxy trainer returned no result for mixture '{named.Name}', seed {run.Seed}.");
                LogRun(named.Name, run.Seed, r.Objective);
                MixtureMeasurementResult? done = null;
                lock (results)
                {
                    results[run.Mixture, run.SeedIndex] = r;
                    if (--remaining[run.Mixture] == 0)
                    {
                        done = output[run.Mixture] = Summarise(named, run.Mixture, results);
                    }
                }

                if (done is not null)
                {
                    LogMeasured(done.Name, done.MeanObjective, done.StandardDeviation, done.Results.Count);
                    progress?.Report(done);
                }
            }).ConfigureAwait(false);
        return output.Select(o => o!).ToArray();
    }

    private MixtureMeasurementResult Summarise(NamedMixture named, int row, ProxyResult?[,] results)
    {
        var ok = new List<ProxyResult>();
        var failed = new List<int>();
        for (int j = 0; j < Seeds.Count; j++)
        {
            var r = results[row, j]!;
            if (double.IsFinite(r.Objective))
            {
                ok.Add(r);
            }
            else
            {
                failed.Add(Seeds[j]);
            }
        }

        var objectives = ok.Select(r => r.Objective).ToArray();
        return new MixtureMeasurementResult
        {
            Name = named.Name,
            Mixture = named.Mixture,
            Results = ok,
            FailedSeeds = failed,
            Goal = results[row, 0]!.Goal,
            MeanObjective = objectives.Length == 0 ? double.NaN : objectives.Average(),
            StandardDeviation = MixtureSearch.SampleStandardDeviation(objectives),
        };
    }

    /// <summary>A measurement over a pipeline's tokenised super-clusters, proxy trainer and targets, excluding every seed of its search journal.</summary>
    internal static async Task<MixtureMeasurement> ForPipelineAsync(
        ITokenizedClusters data,
        IReadOnlyList<string> names,
        string searchFolder,
        IReadOnlySet<int> journalSeeds,
        IProxyTrainer trainer,
        IReadOnlyList<EvaluationTarget> targets,
        MixtureMeasurementOptions? options,
        int pipelineSeed,
        ILoggerFactory loggers,
        Action<string> report,
        CancellationToken cancellationToken)
    {
        if (trainer is IPreparedProxyTrainer prepared)
        {
            // The base model every proxy continues from: the search's own, reloaded when it finished.
            await prepared.PrepareAsync(data, searchFolder, pipelineSeed, report, cancellationToken).ConfigureAwait(false);
        }

        return new MixtureMeasurement(trainer, data, targets, options, journalSeeds, names, loggers.CreateLogger<MixtureMeasurement>());
    }

    /// <summary>The seeds of the search journal in <paramref name="searchFolder"/>, or none when there is no journal.</summary>
    internal static IReadOnlySet<int> SearchFolderSeeds(string searchFolder)
    {
        string journal = Path.Combine(searchFolder, "journal.jsonl");
        return File.Exists(journal) ? SeedsInJournal(journal) : new HashSet<int>();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Measured mixture {Name} on seed {Seed}: objective {Objective}")]
    private partial void LogRun(string name, int seed, double objective);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mixture {Name}: mean objective {Mean:G6} ± {Sd:G3} over {Count} fresh data seeds")]
    private partial void LogMeasured(string name, double mean, double sd, int count);
}

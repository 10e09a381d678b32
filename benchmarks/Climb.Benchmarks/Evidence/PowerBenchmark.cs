using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Issue 21, "evidence with power": in each setting (corpus + held-out target), for every seed, runs uniform, Best-of-N,
/// RegMix, the paper's CLIMB rule and Climb's default at equal compute (Best-of-N and RegMix get exactly as many proxy
/// runs as Climb's default spends: rounds, noise replicates and answer measurement together), re-measures every answer on
/// fresh data seeds its search never used, and (transformer block) trains a target model on every answer. Writes one
/// record per run and the paired statistics to <c>docs/results.json</c> and <c>docs/results.md</c>.
/// </summary>
/// <remarks>
/// Resumable at every level: the pipeline artifacts of a setting are built once and shared by its seeds; every search
/// keeps a journal; proxies are cached per (setting, seed) by (mixture, data seed); a finished (setting, seed, strategy)
/// has a <c>record.json</c> and is never recomputed.
/// </remarks>
internal sealed class PowerBenchmark(PowerSettings settings)
{
    /// <summary>The salt of the re-measurement seeds: no salt of <see cref="MixtureSearch"/> or of a strategy uses it.</summary>
    internal const long RemeasureSalt = 0x7E3EA5;

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static async Task<int> MainAsync(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        PowerSettings settings;
        try
        {
            settings = PowerSettings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        using var cts = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        try
        {
            await new PowerBenchmark(settings).RunAsync(cts.Token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"Interrupted after {Clock.Elapsed.TotalMinutes:F1} min: finished runs are kept in the work folder; run the same command again to continue.");
            return 130;
        }
    }

    /// <summary>The seed the re-measurement seeds of experiment seed <paramref name="seed"/> derive from (<see cref="MixtureMeasurementOptions.Seed"/>).</summary>
    internal static int RemeasureSeed(int seed) => SeedMixer.Derive(seed, RemeasureSalt);

    /// <summary>Every proxy run a search's journal holds: results and failures of its rounds, noise replicates, confirmation round and answer measurement.</summary>
    internal static int JournalProxyRuns(string journalPath)
    {
        int runs = 0;
        foreach (string line in File.ReadLines(journalPath))
        {
            if (line.Length == 0)
            {
                continue;
            }

            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("kind", out var kind) && kind.GetString() is "result" or "failure")
            {
                runs++;
            }
        }

        return runs;
    }

    /// <summary>Every data seed a search trained a proxy with: its rounds, noise replicates, answer measurement and failures.</summary>
    internal static HashSet<int> SearchSeeds(MixtureSearchResult result)
    {
        var seeds = result.ProxyResults.Select(r => r.Seed).ToHashSet();
        seeds.UnionWith(result.Failures.Select(f => f.Seed));
        if (result.Noise is { } noise)
        {
            seeds.UnionWith(noise.Seeds);
        }

        if (result.AnswerMeasured is { } m)
        {
            seeds.Add(m.Seed);
        }

        return seeds;
    }

    /// <summary>Every proxy run a search spent: round results, failures, noise replicates and an answer measurement that was not one of the round results.</summary>
    internal static int ProxyRunsSpent(MixtureSearchResult result)
    {
        int runs = result.ProxyResults.Count + result.Failures.Count + (result.Noise?.Objectives.Count ?? 0);
        if (result.AnswerMeasured is { } m && !result.ProxyResults.Any(r => ReferenceEquals(r, m)))
        {
            runs++;
        }

        return runs;
    }

    /// <summary>
    /// <c>predicted</c> when the answer came from the strategy's model and is not a mixture measured in its exploration
    /// rounds (the first <paramref name="explorationRounds"/>; a later confirmation round re-measures candidates);
    /// <c>measured</c> otherwise.
    /// </summary>
    internal static string AnswerKind(MixtureSearchResult result, int explorationRounds)
    {
        if (result.AnswerSource != AnswerSource.Predicted)
        {
            return "measured";
        }

        bool measured = result.Rounds.Take(explorationRounds).SelectMany(r => r.Results).Any(r => PredictiveSearch.L1(r.Mixture, result.Mixture) <= 1e-9);
        return measured ? "measured" : "predicted";
    }

    public async Task RunAsync(CancellationToken ct)
    {
        string root = EvidenceExperiment.FindRepoRoot();
        string work = Path.GetFullPath(Path.IsPathRooted(settings.WorkFolder) ? settings.WorkFolder : Path.Combine(root, settings.WorkFolder));
        Directory.CreateDirectory(work);
        string cpu = CpuModel();
        string loadStart = EvidenceExperiment.LoadAverage();
        var invocation = new PowerInvocation
        {
            Proxy = settings.Proxy,
            Tag = settings.Tag,
            Settings = settings,
            Machine = $"{cpu}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
            LoadStart = loadStart,
            Command = "dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence-power " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
        };
        if (!settings.ReportOnly)
        {
            Say($"evidence-power: {settings.Proxy} proxies, settings {string.Join(",", settings.Settings)}, seeds {Describe(settings.Seeds)}, strategies {string.Join(",", settings.Strategies)}, strategy budget {settings.Budget} (+ noise replicates), re-measured on {settings.Remeasure} fresh seeds; work folder {work} (tag {settings.Tag}); {invocation.Machine}; load average {loadStart}");
            int pairs = settings.Settings.Length * settings.Seeds.Length, done = 0, computed = 0;
            double computedSeconds = 0;
            foreach (string name in settings.Settings)
            {
                var setting = PowerSetting.Find(name);
                using var prepared = await PowerPreparedSetting.PrepareAsync(setting, settings, root, work, Say, ct);
                invocation.Pipelines[name] = prepared.Facts;
                foreach (int seed in settings.Seeds)
                {
                    var clock = Stopwatch.StartNew();
                    int trained = await RunSeedAsync(prepared, seed, ct);
                    done++;
                    if (trained > 0)
                    {
                        computed++;
                        computedSeconds += clock.Elapsed.TotalSeconds;
                    }

                    double perPair = computed == 0 ? 0 : computedSeconds / computed;
                    Say($"{name} seed {seed}: {clock.Elapsed.TotalSeconds:F0} s ({trained} proxies trained); {done}/{pairs} (setting, seed) pairs done; " +
                        (computed == 0 ? "all reused" : $"≈ {perPair * (pairs - done) / 60:F0} min left at {perPair:F0} s per pair") + $"; load average {EvidenceExperiment.LoadAverage()}");
                }
            }
        }

        invocation.WallSeconds = Clock.Elapsed.TotalSeconds;
        invocation.LoadEnd = EvidenceExperiment.LoadAverage();
        await WriteReportAsync(root, work, invocation, ct);
        Say($"evidence-power: {Clock.Elapsed.TotalMinutes:F1} min for this invocation (load average {invocation.LoadEnd})");
    }

    /// <summary>Runs every strategy of one (setting, seed); returns how many proxies were trained (0 when everything was reused).</summary>
    private async Task<int> RunSeedAsync(PowerPreparedSetting p, int seed, CancellationToken ct)
    {
        string seedFolder = Path.Combine(p.Folder, "seed-" + seed.ToString("D2", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(seedFolder);
        var cache = new ProxyCache(Path.Combine(seedFolder, "proxy-cache.jsonl"));
        var evaluator = cache.Wrap(p.Train);

        // Climb's default first: Best-of-N, RegMix and DoReMi get as many proxy runs as it spent.
        var order = settings.Strategies.OrderBy(n => n == "climb" ? 0 : 1).ThenBy(n => Array.IndexOf(PowerSettings.AllStrategies, n)).ToList();
        int? climbRuns = null;
        foreach (string name in order)
        {
            string folder = Path.Combine(seedFolder, name);
            string recordPath = Path.Combine(folder, "record.json");
            if (File.Exists(recordPath) && JsonSerializer.Deserialize<PowerRecord>(await File.ReadAllTextAsync(recordPath, ct), EvidenceExperiment.Json) is { } done)
            {
                if (name == "climb")
                {
                    climbRuns = done.ProxyRuns;
                }

                continue;
            }

            Directory.CreateDirectory(folder);
            int trainedBefore = cache.Trained;
            var clock = Stopwatch.StartNew();
            var (strategy, options) = CreateStrategy(name, seed, climbRuns, p, folder);
            var result = await new MixtureSearch(strategy, options).RunAsync(p.Prior, evaluator, null, ct);
            double searchSeconds = clock.Elapsed.TotalSeconds;
            int runs = JournalProxyRuns(options.JournalPath!);
            if (runs != ProxyRunsSpent(result))
            {
                throw new InvalidOperationException($"{p.Setting.Name} seed {seed}, {name}: the journal holds {runs} proxy runs, the search's result accounts for {ProxyRunsSpent(result)}.");
            }

            if (name == "climb")
            {
                climbRuns = runs;
            }
            else if (name is "best-of-n" or "regmix" or "climb-paper" && runs != climbRuns)
            {
                throw new InvalidOperationException($"{p.Setting.Name} seed {seed}: {name} spent {runs} proxy runs, Climb's default {climbRuns}: the comparison would not be at equal compute.");
            }

            // Re-measured through MixtureMeasurement (the code path of `climb measure`): fresh data seeds derived from the
            // experiment seed (the same for every strategy of this seed, so the differences are paired), every seed of the
            // search's journal excluded, and checked again here against every seed the search's result reports.
            var measurement = new MixtureMeasurement(
                new EvaluatorProxyTrainer(evaluator, p.ProxyIdentity),
                p.Store,
                [p.Target],
                new MixtureMeasurementOptions { Seeds = settings.Remeasure, Seed = RemeasureSeed(seed), MaxDegreeOfParallelism = settings.Parallel },
                MixtureMeasurement.SeedsInJournal(options.JournalPath!),
                p.Prior.Names);
            var fresh = measurement.Seeds.ToArray();
            var used = SearchSeeds(result);
            var clash = fresh.Where(used.Contains).ToArray();
            if (clash.Length > 0)
            {
                throw new InvalidOperationException($"{p.Setting.Name} seed {seed}, {name}: re-measurement seed {clash[0]} was used by the search.");
            }

            var measured = (await measurement.MeasureAsync([new NamedMixture(name, result.Mixture)], null, ct))[0];
            var objectives = measured.Results.Select(r => r.Objective).ToArray();
            if (objectives.Length != fresh.Length || objectives.Any(o => !double.IsFinite(o)))
            {
                throw new InvalidOperationException($"{p.Setting.Name} seed {seed}, {name}: a re-measurement of the answer failed (seeds {string.Join(", ", measured.FailedSeeds)}).");
            }

            double? targetLoss = null;
            if (p.TargetTrainer is { } targetTrainer)
            {
                var outcome = await EvidenceModels.EnsureTargetModelAsync(Path.Combine(folder, "target.json"), targetTrainer, result.Mixture, 7919 * seed + 17, p.Store, p.Target, null, ct);
                targetLoss = outcome.Loss;
            }

            long tokensPerRun = result.ProxyResults.Count == 0 ? 0 : result.ProxyResults.Max(r => r.TokensTrained);
            var record = new PowerRecord
            {
                Proxy = settings.Proxy,
                Setting = p.Setting.Name,
                Seed = seed,
                Strategy = name,
                ProxyRuns = runs,
                ComputeTokens = runs * tokensPerRun + result.Answer.StrategyTokensTrained,
                RemeasuredObjective = measured.MeanObjective,
                RemeasuredSd = measured.StandardDeviation,
                RemeasuredObjectives = objectives,
                RemeasureSeeds = fresh,
                TargetLoss = targetLoss,
                AnswerKind = AnswerKind(result, result.Rounds.Count - (result.Answer.Confirmation is null ? 0 : 1)),
                HeldOutSpearman = result.Answer.Predictor?.HeldOutSpearman is double rho && double.IsFinite(rho) ? rho : null,
                AnswerSource = result.AnswerSource.ToString(),
                AnswerMethod = result.Answer.Method,
                AnswerReason = result.Answer.Reason,
                AnswerPredictor = result.Answer.Predictor?.Predictor,
                SearchAnswerObjective = result.AnswerMeasured is { } m && PredictiveSearch.L1(m.Mixture, result.Mixture) <= 1e-12
                    ? m.Objective
                    : result.ProxyResults.FirstOrDefault(r => PredictiveSearch.L1(r.Mixture, result.Mixture) <= 1e-12)?.Objective,
                RejectedPredictionObjective = result.PredictedAnswer is not null ? result.AnswerMeasured?.Objective : null,
                BestMeasuredObjective = result.BestMeasured.Objective,
                SignalToNoise = double.IsFinite(result.SignalToNoise) ? result.SignalToNoise : null,
                Mixture = result.Mixture.ToArray(),
                SearchSeconds = searchSeconds,
                Seconds = clock.Elapsed.TotalSeconds,
                ProxiesTrained = cache.Trained - trainedBefore,
                Configuration = options.ProxyConfiguration + " | " + strategy.Identity,
            };
            string tmp = recordPath + ".tmp";
            await File.WriteAllTextAsync(tmp, JsonSerializer.Serialize(record, EvidenceExperiment.Json), ct);
            File.Move(tmp, recordPath, overwrite: true);
            Say($"  {p.Setting.Name} seed {seed} {name}: {runs} proxy runs, answer {record.AnswerKind} ({result.Answer.Method}); re-measured {record.RemeasuredObjective:F4} ± {record.RemeasuredSd:F4}" +
                (record.SearchAnswerObjective is double so ? $" (search measured {so:F4})" : string.Empty) +
                (targetLoss is double tl ? $"; target model {tl:F4}" : string.Empty) + $"; {clock.Elapsed.TotalSeconds:F0} s");
        }

        return cache.Trained;
    }

    private (IMixtureSearchStrategy Strategy, MixtureSearchOptions Options) CreateStrategy(string name, int seed, int? climbRuns, PowerPreparedSetting p, string folder)
    {
        int Equal() => climbRuns ?? throw new InvalidOperationException($"{name} needs Climb's default to have run first (its proxy runs set the budget).");
        var options = new MixtureSearchOptions
        {
            Seed = seed,
            JournalPath = Path.Combine(folder, "journal.jsonl"),
            MaxDegreeOfParallelism = settings.Parallel,
            ProxyConfiguration = $"evidence-power {settings.Tag} {p.Setting.Name} {p.ProxyIdentity}",
        };
        IMixtureSearchStrategy strategy;
        switch (name)
        {
            case "climb":
                // Climb's default: ForBudget(total) and the search's default options (its noise replicates come on top).
                strategy = new ClimbSearchStrategy(ClimbSearchStrategyOptions.ForBudget(settings.Budget));
                break;
            case "climb-paper":
                // The paper's rule: its answer is not measured again or overruled (no safeguard), so its proxy runs are its
                // rounds and the noise replicates, as many as Climb's default spends.
                strategy = new ClimbSearchStrategy(PaperOptions(settings.Budget));
                options.MeasureAnswer = false;
                options.KeepBestMeasuredWhenAnswerIsWorse = false;
                break;
            case "best-of-n":
                strategy = new BestOfNSearchStrategy(Equal());
                Baseline(options);
                break;
            case "regmix":
                strategy = new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = Equal() });
                Baseline(options);
                break;
            case "uniform":
                strategy = new UniformSearchStrategy();
                Baseline(options);
                break;
            case "doremi":
                // Bind returns the bound copy (the unbound strategy refuses to search).
                strategy = new DoReMiSearchStrategy(new DoReMiSearchStrategyOptions { EquivalentProxyRuns = Equal() }, p.ProxyOptions)
                    .Bind(p.Store, Path.Combine(folder, "work"), p.ProxyBasePath);
                Baseline(options);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "unknown strategy");
        }

        return (strategy, options);

        // The baselines as published: every run is one of their own proposals (no noise replicates, no answer measurement).
        static void Baseline(MixtureSearchOptions o)
        {
            o.NoiseReplicates = 0;
            o.MeasureAnswer = false;
            o.KeepBestMeasuredWhenAnswerIsWorse = false;
        }
    }

    /// <summary>
    /// The paper's CLIMB rule (<see cref="ClimbSearchStrategyOptions.Paper"/>) with its rounds of 64, 32 and 16 proxy runs
    /// scaled to <paramref name="budget"/> in all (4/7, 2/7, 1/7, rounded, the last takes the rest).
    /// </summary>
    internal static ClimbSearchStrategyOptions PaperOptions(int budget)
    {
        var paper = ClimbSearchStrategyOptions.Paper();
        int first = (int)Math.Round(budget * 4 / 7.0), second = (int)Math.Round(budget * 2 / 7.0);
        paper.RoundBudgets = [first, second, budget - first - second];
        return paper;
    }

    private async Task WriteReportAsync(string root, string work, PowerInvocation invocation, CancellationToken ct)
    {
        // This proxy kind's records from the work folder (every setting and seed finished so far under this tag).
        var records = new List<PowerRecord>();
        foreach (var setting in PowerSetting.All)
        {
            string folder = Path.Combine(work, setting.Name, settings.Tag);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (string path in Directory.EnumerateFiles(folder, "record.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (JsonSerializer.Deserialize<PowerRecord>(await File.ReadAllTextAsync(path, ct), EvidenceExperiment.Json) is { } r)
                {
                    records.Add(r);
                }
            }

            string facts = Path.Combine(work, setting.Name, "pipeline.json");
            if (!invocation.Pipelines.ContainsKey(setting.Name) && File.Exists(facts) &&
                JsonSerializer.Deserialize<PowerPipelineFacts>(await File.ReadAllTextAsync(facts, ct), EvidenceExperiment.Json) is { } pf)
            {
                invocation.Pipelines[setting.Name] = pf;
            }
        }

        invocation.RecordSeconds = records.Sum(r => r.Seconds);
        string md = Path.IsPathRooted(settings.OutputMarkdown) ? settings.OutputMarkdown : Path.Combine(root, settings.OutputMarkdown);
        string json = Path.Combine(Path.GetDirectoryName(md)!, Path.GetFileNameWithoutExtension(md) + ".json");
        Directory.CreateDirectory(Path.GetDirectoryName(md)!);
        var report = PowerReport.Merge(File.Exists(json) ? await File.ReadAllTextAsync(json, ct) : null, invocation, records);
        await File.WriteAllTextAsync(json, PowerReport.Json(report), ct);
        await File.WriteAllTextAsync(md, PowerReport.Markdown(report, File.Exists(md) ? await File.ReadAllTextAsync(md, ct) : null), ct);
        Say($"wrote {md} and {json} ({records.Count} {settings.Proxy} records)");
    }

    private static string Describe(int[] seeds) =>
        seeds.Length > 2 && seeds.Zip(seeds.Skip(1)).All(p => p.Second == p.First + 1)
            ? $"{seeds[0]}–{seeds[^1]}"
            : string.Join(",", seeds);

    internal static string CpuModel()
    {
        try
        {
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        }
        catch (IOException)
        {
            return "unknown CPU";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown CPU";
        }
    }

    internal static void Say(string message) => Console.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {message}");
}

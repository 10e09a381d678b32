using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Climb.Benchmarks.Evidence;

namespace Climb.Benchmarks.Search;

/// <summary>
/// `climb-bench answer-dev`: the development protocol of Climb's small-budget answer rule (issue 21, item 2). The
/// sample corpus minus held-out documents of two domains (the dev target; never the evidence's computing target) goes
/// through the real pipeline to tokenisation once; every strategy variant then searches with the Kneser-Ney proxy at the
/// same total number of proxy runs on dev seeds (≥ 1000, never the evidence's 0–29), and every answer is re-measured on
/// fresh data seeds (negative seeds, which no search ever derives) shared by all variants of a dev seed, so the
/// comparisons are paired. Resumable: journals, a proxy cache per dev seed and one result file per run.
/// </summary>
internal static class AnswerDevExperiment
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static async Task<int> RunAsync(string[] args)
    {
        var o = Parse(args);
        string root = FindRepoRoot();
        string work = Path.GetFullPath(Path.Combine(root, o.Work));
        Directory.CreateDirectory(work);
        Say($"answer-dev: work {work}; seeds {o.Seeds[0]}..{o.Seeds[^1]}; budget {o.Budget}; configs {string.Join(",", o.Configs)}; load {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cores");

        // 1. Corpus and dev target: held-out documents of two domains are taken out of the sample corpus.
        var all = new List<Document>();
        await foreach (var d in ClimbCorpus.SampleCorpus(Path.Combine(root, "data", "sample-corpus")).ReadAsync())
        {
            all.Add(d);
        }

        var held = new HashSet<string>(StringComparer.Ordinal);
        var targetTexts = new List<string>();
        foreach (string domain in o.TargetDomains)
        {
            var random = new Random(7001);
            foreach (var d in all.Where(d => d.Source == domain).OrderBy(d => d.Id, StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(o.HeldOut))
            {
                held.Add(d.Id);
                targetTexts.Add(d.Text.Length > 1500 ? d.Text[..1500] : d.Text);
            }
        }

        var training = all.Where(d => !held.Contains(d.Id)).ToList();
        var target = new TextTarget("dev", targetTexts);
        string artifacts = Path.Combine(work, $"artifacts-k{o.SuperClusters}-{o.Tokenizer}");
        var pipeline = new ClimbPipelineBuilder()
            .WithArtifactsFolder(artifacts)
            .Configure(p =>
            {
                p.Merging = new CentroidMergerOptions { TargetClusterCount = o.SuperClusters };
                p.Device = ComputeDevice.Cpu;
                p.Tokenizer = o.Tokenizer;
                p.Seed = 1000;
            })
            .Build();
        await pipeline.RunUntilAsync(ClimbCorpus.FromDocuments(training), [], "tokenize");
        using var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store"));
        var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c));
        Say($"corpus: {training.Count} training documents, dev target {targetTexts.Count} held-out texts of {string.Join("+", o.TargetDomains)}; {store.ClusterCount} super-clusters, {store.TotalTokens:N0} tokens");

        var trainer = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = o.Tokens });
        var timing = Stopwatch.StartNew();
        var probe = await trainer.TrainAsync(new ProxyTrainingRequest { Mixture = new MixtureWeights(prior.Shares), Seed = 1, Data = store, Targets = [target] });
        Say($"one proxy: {timing.Elapsed.TotalSeconds:F2} s, prior objective {probe.Objective:F4}");

        if (o.AnalyseConfirmation is string confirmed)
        {
            await AnalyseConfirmationAsync(work, o, confirmed, prior, trainer, store, target);
            return 0;
        }

        string resultsPath = Path.Combine(work, $"runs-b{o.Budget}{o.Tag}.jsonl");
        var done = LoadRuns(resultsPath);
        foreach (int seed in o.Seeds)
        {
            var cache = new ProxyCache(Path.Combine(work, $"seed-{seed}", "proxy-cache.jsonl"));
            ProxyEvaluator evaluate = cache.Wrap((m, s, ct) => trainer.TrainAsync(new ProxyTrainingRequest { Mixture = m, Seed = s, Data = store, Targets = [target] }, null, ct));
            var remeasureSeeds = Enumerable.Range(0, o.Remeasure).Select(j => -((seed * 1000) + j + 1)).ToArray();
            foreach (string config in o.Configs)
            {
                if (done.Any(r => r.Seed == seed && r.Config == config && r.Budget == o.Budget))
                {
                    continue;
                }

                var (strategy, predictorName) = Create(config, o.Budget);
                var clock = Stopwatch.StartNew();
                var search = new MixtureSearch(strategy, new MixtureSearchOptions
                {
                    Seed = seed,
                    NoiseReplicates = 0,
                    MeasureAnswer = false,
                    JournalPath = Path.Combine(work, $"seed-{seed}", $"b{o.Budget}{o.Tag}-{config}.jsonl"),
                    ProxyConfiguration = $"answer-dev {trainer.Identity} target={string.Join("+", o.TargetDomains)}x{o.HeldOut}",
                });
                int trainedBefore = cache.Trained;
                var result = await search.RunAsync(prior, evaluate);
                int runs = result.ProxyResults.Count + result.Failures.Count;
                if (runs > o.Budget)
                {
                    throw new InvalidOperationException($"{config} used {runs} proxy runs, more than the budget {o.Budget}.");
                }

                var journalSeeds = result.ProxyResults.Select(r => r.Seed).ToHashSet();
                if (remeasureSeeds.Any(journalSeeds.Contains))
                {
                    throw new InvalidOperationException("A re-measurement seed was used by the search.");
                }

                var remeasured = new List<double>();
                foreach (int s in remeasureSeeds)
                {
                    remeasured.Add((await evaluate(result.Mixture, s, CancellationToken.None)).Objective);
                }

                bool measuredInRounds = result.ProxyResults.Take(result.ProxyResults.Count - (result.Answer.Confirmation is null ? 0 : strategy.RoundBudgets[^1]))
                    .Any(r => PredictiveSearch.L1(r.Mixture, result.Mixture) <= 1e-12);
                var run = new DevRun
                {
                    Seed = seed,
                    Config = config,
                    Budget = o.Budget,
                    Runs = runs,
                    AnswerKind = result.AnswerSource == AnswerSource.Fixed ? "fixed" : measuredInRounds ? "measured" : "predicted",
                    Method = result.Answer.Method,
                    Predictor = result.Answer.Predictor?.Predictor ?? predictorName,
                    HeldOutSpearman = result.Answer.Predictor?.HeldOutSpearman ?? double.NaN,
                    BestMeasured = result.BestMeasured.Objective,
                    Remeasured = remeasured.Average(),
                    RemeasuredObjectives = [.. remeasured],
                    Mixture = result.Mixture.ToArray(),
                    Seconds = clock.Elapsed.TotalSeconds,
                    ProxiesTrained = cache.Trained - trainedBefore,
                };
                done.Add(run);
                await File.AppendAllTextAsync(resultsPath, JsonSerializer.Serialize(run, Json) + "\n");
                Say($"seed {seed} {config}: re-measured {run.Remeasured:F4} (best measured {run.BestMeasured:F4}; {run.AnswerKind}; {run.Runs} runs; {run.Seconds:F0} s, {run.ProxiesTrained} proxies trained) {Truncate(run.Method, 140)}");
            }
        }

        string summary = Summary(done.Where(r => r.Budget == o.Budget && o.Seeds.Contains(r.Seed)).ToList(), o);
        Console.WriteLine(summary);
        await File.WriteAllTextAsync(Path.Combine(work, $"summary-b{o.Budget}{o.Tag}.md"), summary);
        return 0;
    }

    /// <summary>
    /// Re-measures every candidate of a variant's confirmation round (not only the chosen one) on the dev seed's fresh
    /// re-measurement seeds, so choice rules can be compared on the same searches: one JSON line per dev seed.
    /// </summary>
    private static async Task AnalyseConfirmationAsync(string work, Options o, string config, MixturePrior prior, KneserNeyProxyTrainer trainer, TokenizedClusterStore store, TextTarget target)
    {
        var (strategy, _) = Create(config, o.Budget);
        int searchRuns = strategy.RoundBudgets.Take(strategy.RoundBudgets.Count - 1).Sum();
        string output = Path.Combine(work, $"confirmation-b{o.Budget}{o.Tag}-{config}.jsonl");
        foreach (int seed in o.Seeds)
        {
            string journal = Path.Combine(work, $"seed-{seed}", $"b{o.Budget}{o.Tag}-{config}.jsonl");
            if (!File.Exists(journal))
            {
                continue;
            }

            var cache = new ProxyCache(Path.Combine(work, $"seed-{seed}", "proxy-cache.jsonl"));
            ProxyEvaluator evaluate = cache.Wrap((m, s, ct) => trainer.TrainAsync(new ProxyTrainingRequest { Mixture = m, Seed = s, Data = store, Targets = [target] }, null, ct));
            var rows = File.ReadAllLines(journal).Skip(1).Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).Where(e => e.GetProperty("kind").GetString() == "result").ToList();
            var search = rows.Where(e => e.GetProperty("round").GetInt32() < strategy.RoundBudgets.Count - 1).ToList();
            var confirm = rows.Where(e => e.GetProperty("round").GetInt32() == strategy.RoundBudgets.Count - 1).ToList();
            if (search.Count != searchRuns || confirm.Count == 0)
            {
                continue;
            }

            static double[] Mix(JsonElement e) => e.GetProperty("mixture").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            var bestMeasured = Mix(search.MinBy(e => e.GetProperty("objective").GetDouble()));
            var candidates = new List<double[]>();
            foreach (var e in confirm)
            {
                var m = Mix(e);
                if (!candidates.Any(c => c.SequenceEqual(m)))
                {
                    candidates.Add(m);
                }
            }

            var remeasureSeeds = Enumerable.Range(0, o.Remeasure).Select(j => -((seed * 1000) + j + 1)).ToArray();
            var result = new List<object>();
            foreach (var c in candidates)
            {
                var confirmation = confirm.Where(e => Mix(e).SequenceEqual(c)).Select(e => (Seed: e.GetProperty("seed").GetInt32(), Objective: e.GetProperty("objective").GetDouble())).OrderBy(p => p.Seed).ToArray();
                var remeasured = new List<double>();
                foreach (int s in remeasureSeeds)
                {
                    remeasured.Add((await evaluate(new MixtureWeights(c), s, CancellationToken.None)).Objective);
                }

                result.Add(new { measured = c.SequenceEqual(bestMeasured), confirmation = confirmation.Select(p => p.Objective).ToArray(), confirmationSeeds = confirmation.Select(p => p.Seed).ToArray(), remeasured = remeasured.Average() });
            }

            await File.AppendAllTextAsync(output, JsonSerializer.Serialize(new { seed, candidates = result }, Json) + "\n");
            Say($"seed {seed}: {candidates.Count} candidates re-measured");
        }
    }

    /// <summary>The variants, all at <paramref name="budget"/> proxy runs in total.</summary>
    internal static (IMixtureSearchStrategy Strategy, string Predictor) Create(string config, int budget)
    {
        static IList<int> Split(int total, double[] shares)
        {
            var r = shares.Select(s => (int)Math.Round(total * s)).ToList();
            r[^1] = total - r.Take(r.Count - 1).Sum();
            return r;
        }

        // Until tag v2 the base of the variants was 3 candidates × 3 seeds chosen by the best mean ("climb" in v1/v2, "climb-c3" from v3);
        // from v3 it is the library's default, ClimbSearchStrategyOptions.ForBudget.
        ClimbSearchStrategyOptions Default() => ClimbSearchStrategyOptions.ForBudget(budget);

        switch (config)
        {
            case "uniform":
                return (new UniformSearchStrategy(), "-");
            case "best-of-n":
                return (new BestOfNSearchStrategy(budget), "-");
            case "regmix":
                return (new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = budget }), "auto");
            case "paper":
                var paper = ClimbSearchStrategyOptions.Paper();
                paper.RoundBudgets = Split(budget, [4 / 7.0, 2 / 7.0, 1 / 7.0]);
                return (new ClimbSearchStrategy(paper), "auto");
        }

        var options = Default();
        IMixturePredictor? predictor = null;
        foreach (string part in config.Split('-').Skip(1))
        {
            switch (part)
            {
                case "noconfirm":
                    options.ConfirmationCandidates = 0;
                    options.RoundBudgets = Split(budget, [0.4, 0.3, 0.3]);
                    break;
                case "prior":
                    options.Candidates = ClimbCandidateRegion.Prior;
                    break;
                case "top":
                    options.Proposals = ClimbProposalRule.TopOfPool;
                    break;
                case "pm":
                    options.Answer = ClimbAnswerRule.PredictedBest;
                    break;
                case "topk":
                    options.Answer = ClimbAnswerRule.TopKMean;
                    options.AnswerTopK = 16;
                    break;
                case "gp":
                    predictor = new GaussianProcessMixturePredictor();
                    break;
                case "c2":
                    options.ConfirmationCandidates = 2;
                    options.ConfirmationRule = ClimbConfirmationRule.BestMean;
                    options.RoundBudgets = Split(budget - (2 * options.ConfirmationSeeds), [0.4, 0.3, 0.3]);
                    break;
                case "c3":
                    options.ConfirmationCandidates = 3;
                    options.ConfirmationRule = ClimbConfirmationRule.BestMean;
                    options.RoundBudgets = Split(budget - (3 * options.ConfirmationSeeds), [0.4, 0.3, 0.3]);
                    break;
                case "global0":
                    options.GlobalCandidateShare = 0;
                    break;
                case "shared":
                    options.DataSeeds = ClimbDataSeeds.Shared;
                    break;
                case "indep":
                    options.DataSeeds = ClimbDataSeeds.Independent;
                    break;
                case "r4":
                    options.RoundBudgets = Split(options.RoundBudgets.Sum(), [0.3, 0.7 / 3, 0.7 / 3, 0.7 / 3]);
                    break;

                case "evaluated":
                    options.IncludeEvaluatedInAnswer = true;
                    break;
                default:
                    throw new ArgumentException($"Unknown variant part '{part}' in '{config}'.");
            }
        }

        if (!config.StartsWith("climb", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Unknown config '{config}'.");
        }

        return (new ClimbSearchStrategy(options, predictor: predictor), predictor is null ? "auto" : "gp");
    }

    private static string Summary(List<DevRun> runs, Options o)
    {
        var sb = new StringBuilder();
        var seeds = runs.Select(r => r.Seed).Distinct().Order().ToArray();
        sb.AppendLine(CultureInfo.InvariantCulture, $"## answer-dev, budget {o.Budget}, dev seeds {string.Join(",", seeds)} (target {string.Join("+", o.TargetDomains)}; re-measured on {o.Remeasure} fresh seeds; lower is better)");
        sb.AppendLine();
        sb.AppendLine("| config | seeds | re-measured mean | sd | best measured (in search) | predicted answers | runs | s/search |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string c in o.Configs)
        {
            var rs = runs.Where(r => r.Config == c).ToList();
            if (rs.Count == 0)
            {
                continue;
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {rs.Count} | {rs.Average(r => r.Remeasured):F4} | {Sd(rs.Select(r => r.Remeasured)):F4} | {rs.Average(r => r.BestMeasured):F4} | {rs.Count(r => r.AnswerKind == "predicted")}/{rs.Count} | {rs.Average(r => r.Runs):F0} | {rs.Average(r => r.Seconds):F0} |");
        }

        sb.AppendLine();
        sb.AppendLine("Paired differences (row − reference, re-measured; negative = row better):");
        sb.AppendLine();
        sb.AppendLine("| row | reference | n | mean diff | bootstrap 95% | row better | Wilcoxon p | sign p |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (string reference in new[] { "regmix", "best-of-n", "paper", "climb" })
        {
            foreach (string c in o.Configs.Where(c => c != reference))
            {
                var diffs = new List<double>();
                foreach (int s in seeds)
                {
                    var a = runs.FirstOrDefault(r => r.Seed == s && r.Config == c);
                    var b = runs.FirstOrDefault(r => r.Seed == s && r.Config == reference);
                    if (a is not null && b is not null)
                    {
                        diffs.Add(a.Remeasured - b.Remeasured);
                    }
                }

                if (diffs.Count < 2)
                {
                    continue;
                }

                var (lo, hi) = AnswerDevStatistics.BootstrapMean(diffs);
                sb.AppendLine(CultureInfo.InvariantCulture, $"| {c} | {reference} | {diffs.Count} | {diffs.Average():+0.0000;-0.0000} | [{lo:+0.0000;-0.0000}, {hi:+0.0000;-0.0000}] | {diffs.Count(d => d < 0)}/{diffs.Count} | {AnswerDevStatistics.WilcoxonSignedRank(diffs):F3} | {AnswerDevStatistics.SignTest(diffs):F3} |");
            }
        }

        return sb.ToString();
    }

    private static double Sd(IEnumerable<double> values)
    {
        var v = values.ToArray();
        return v.Length < 2 ? double.NaN : MathNet.Numerics.Statistics.Statistics.StandardDeviation(v);
    }

    private static List<DevRun> LoadRuns(string path) => File.Exists(path)
        ? File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
        {
            try
            {
                return JsonSerializer.Deserialize<DevRun>(l, Json);
            }
            catch (JsonException)
            {
                return null;
            }
        }).Where(r => r is not null).Select(r => r!).ToList()
        : [];

    private static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string v = i + 1 < args.Length ? args[i + 1] : string.Empty;
            switch (args[i])
            {
                case "--work": o.Work = v; i++; break;
                case "--tag": o.Tag = "-" + v; i++; break;
                case "--analyse-confirmation": o.AnalyseConfirmation = v; i++; break;
                case "--budget": o.Budget = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--tokens": o.Tokens = long.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--super-clusters": o.SuperClusters = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--tokenizer": o.Tokenizer = v; i++; break;
                case "--remeasure": o.Remeasure = int.Parse(v, CultureInfo.InvariantCulture); i++; break;
                case "--configs": o.Configs = v.Split(','); i++; break;
                case "--target-domains": o.TargetDomains = v.Split(','); i++; break;
                case "--seeds":
                    var p = v.Split('-');
                    int a = int.Parse(p[0], CultureInfo.InvariantCulture), b = int.Parse(p[^1], CultureInfo.InvariantCulture);
                    if (a < 1000)
                    {
                        throw new ArgumentException("Development seeds start at 1000: seeds 0-29 belong to the evidence run.");
                    }

                    o.Seeds = Enumerable.Range(a, b - a + 1).ToArray();
                    i++;
                    break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.");
            }
        }

        return o;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Run from inside the repository.");
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    private static void Say(string message) => Console.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {message}");

    private sealed class Options
    {
        public string Work { get; set; } = "benchmarks/out/answer-dev";

        public string Tag { get; set; } = string.Empty;

        public string? AnalyseConfirmation { get; set; }

        public int[] Seeds { get; set; } = Enumerable.Range(1000, 20).ToArray();

        public int Budget { get; set; } = 48;

        public long Tokens { get; set; } = 100_000;

        public int SuperClusters { get; set; } = 20;

        public string Tokenizer { get; set; } = "cl100k_base";

        public int Remeasure { get; set; } = 5;

        public string[] TargetDomains { get; set; } = ["bible", "fortunes"];

        public int HeldOut { get; set; } = 60;

        public string[] Configs { get; set; } = ["uniform", "best-of-n", "regmix", "paper", "climb", "climb-noconfirm", "climb-prior", "climb-top", "climb-pm"];
    }

    internal sealed class DevRun
    {
        public int Seed { get; set; }

        public string Config { get; set; } = string.Empty;

        public int Budget { get; set; }

        public int Runs { get; set; }

        public string AnswerKind { get; set; } = string.Empty;

        public string Method { get; set; } = string.Empty;

        public string Predictor { get; set; } = string.Empty;

        public double HeldOutSpearman { get; set; }

        public double BestMeasured { get; set; }

        public double Remeasured { get; set; }

        public double[] RemeasuredObjectives { get; set; } = [];

        public double[] Mixture { get; set; } = [];

        public double Seconds { get; set; }

        public int ProxiesTrained { get; set; }
    }
}

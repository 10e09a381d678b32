using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Writes <c>docs/results.json</c> (one record per run, the per-strategy summaries and the paired statistics) and
/// <c>docs/results.md</c> (a section per setting, read from those numbers; nothing typed by hand except the kept
/// discussion and the "Published swarms: RegMix" section, which are carried over verbatim).
/// </summary>
internal static class PowerReport
{
    public const string Schema = "climb-evidence/v2";

    /// <summary>Everything from this line to the next kept section is written by hand and kept when the file is regenerated.</summary>
    public const string DiscussionMarker = "<!-- evidence discussion: written by hand, kept when the file is regenerated -->";

    /// <summary>The heading of the section another tool writes (RegMix's published swarms), kept verbatim.</summary>
    public const string SwarmHeading = "## Published swarms: RegMix";

    /// <summary>The fixed seed of every bootstrap interval.</summary>
    public const int BootstrapSeed = 20260421;

    /// <summary>The paired comparisons reported in every setting (A − B; negative = A better).</summary>
    public static readonly (string A, string B)[] Comparisons =
    [
        ("climb", "regmix"), ("climb", "best-of-n"), ("climb", "climb-paper"), ("climb", "uniform"), ("climb", "doremi"),
        ("climb-paper", "regmix"), ("climb-paper", "best-of-n"), ("regmix", "best-of-n"),
    ];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Merges this invocation's records into the existing report: records of the other proxy kind are kept.</summary>
    public static Data Merge(string? existingJson, PowerInvocation invocation, List<PowerRecord> records)
    {
        var data = new Data();
        if (existingJson is not null)
        {
            try
            {
                var old = JsonSerializer.Deserialize<Data>(existingJson, Options);
                if (old is { Schema: Schema })
                {
                    data = old;
                }
            }
            catch (JsonException)
            {
                // Another file (the issue-8 format): start a new report.
            }
        }

        if (records.Count > 0)
        {
            data.Records.RemoveAll(r => r.Proxy == invocation.Proxy);
            data.Records.AddRange(records);
            if (data.Blocks.TryGetValue(invocation.Proxy, out var previous))
            {
                foreach (var (k, v) in previous.Pipelines)
                {
                    invocation.Pipelines.TryAdd(k, v);
                }

                if (invocation.Settings.ReportOnly && previous.Tag == invocation.Tag)
                {
                    // A rewrite of the report keeps the description of the invocation that ran the block.
                    invocation = previous;
                    invocation.RecordSeconds = records.Sum(r => r.Seconds);
                }
            }

            data.Blocks[invocation.Proxy] = invocation;
        }

        data.Schema = Schema;
        data.Records = data.Records
            .OrderBy(r => r.Proxy, StringComparer.Ordinal)
            .ThenBy(r => Array.FindIndex(PowerSetting.All, s => s.Name == r.Setting))
            .ThenBy(r => r.Seed)
            .ThenBy(r => Array.IndexOf(PowerSettings.AllStrategies, r.Strategy))
            .ToList();
        data.Summaries = Summaries(data.Records);
        data.Statistics = Statistics(data.Records);
        return data;
    }

    public static string Json(Data data) => JsonSerializer.Serialize(data, Options) + "\n";

    public static List<StrategySummary> Summaries(List<PowerRecord> records) =>
        records.GroupBy(r => (r.Proxy, r.Setting, r.Strategy))
            .Select(g =>
            {
                var v = g.Select(r => r.RemeasuredObjective).ToArray();
                var t = g.Where(r => r.TargetLoss is double).Select(r => r.TargetLoss!.Value).ToArray();
                var rho = g.Where(r => r.HeldOutSpearman is double).Select(r => r.HeldOutSpearman!.Value).ToArray();
                var optimism = g.Where(r => r.SearchAnswerObjective is double).Select(r => r.RemeasuredObjective - r.SearchAnswerObjective!.Value).ToArray();
                return new StrategySummary
                {
                    Proxy = g.Key.Proxy,
                    Setting = g.Key.Setting,
                    Strategy = g.Key.Strategy,
                    Seeds = g.Count(),
                    RemeasuredMean = v.Average(),
                    RemeasuredSd = Sd(v),
                    TargetLossMean = t.Length == 0 ? null : t.Average(),
                    TargetLossSd = t.Length < 2 ? null : Sd(t),
                    PredictedShare = g.Count(r => r.AnswerKind == "predicted") / (double)g.Count(),
                    ProxyRunsMean = g.Average(r => r.ProxyRuns),
                    ComputeTokensMean = g.Average(r => (double)r.ComputeTokens),
                    HeldOutSpearmanMean = rho.Length == 0 ? null : rho.Average(),
                    OptimismMean = optimism.Length == 0 ? null : optimism.Average(),
                    SearchSecondsMean = g.Average(r => r.SearchSeconds),
                };
            })
            .OrderBy(s => s.Proxy, StringComparer.Ordinal)
            .ThenBy(s => Array.FindIndex(PowerSetting.All, x => x.Name == s.Setting))
            .ThenBy(s => Array.IndexOf(PowerSettings.AllStrategies, s.Strategy))
            .ToList();

    public static List<Comparison> Statistics(List<PowerRecord> records)
    {
        var result = new List<Comparison>();
        foreach (var group in records.GroupBy(r => (r.Proxy, r.Setting)))
        {
            var metrics = new List<(string Name, Func<PowerRecord, double?> Value)> { ("remeasured_objective", r => r.RemeasuredObjective) };
            if (group.Any(r => r.TargetLoss is not null))
            {
                metrics.Add(("target_loss", r => r.TargetLoss));
            }

            foreach (var (metric, value) in metrics)
            {
                foreach (var (a, b) in Comparisons)
                {
                    var pairs = group.GroupBy(r => r.Seed)
                        .Select(s => (Seed: s.Key, A: s.FirstOrDefault(r => r.Strategy == a), B: s.FirstOrDefault(r => r.Strategy == b)))
                        .Where(p => p.A is not null && p.B is not null && value(p.A) is double && value(p.B) is double)
                        .OrderBy(p => p.Seed)
                        .ToList();
                    if (pairs.Count == 0)
                    {
                        continue;
                    }

                    var d = pairs.Select(p => value(p.A!)!.Value - value(p.B!)!.Value).ToArray();
                    var s = PairedStatistics.Compute(d, BootstrapSeed);
                    result.Add(new Comparison
                    {
                        Proxy = group.Key.Proxy,
                        Setting = group.Key.Setting,
                        Metric = metric,
                        A = a,
                        B = b,
                        Seeds = s.Count,
                        Mean = s.Mean,
                        Sd = Num(s.StandardDeviation),
                        CiLow = Num(s.IntervalLow),
                        CiHigh = Num(s.IntervalHigh),
                        WilcoxonP = Num(s.WilcoxonP),
                        WilcoxonMethod = s.WilcoxonMethod,
                        SignP = Num(s.SignP),
                        ABetter = s.Negative,
                        BBetter = s.Positive,
                        Ties = s.Zeros,
                    });
                }
            }
        }

        return result;
    }

    public static string Markdown(Data data, string? existing)
    {
        var md = new StringBuilder();
        void L(string line = "") => md.Append(line).Append('\n');
        L("# Results: Climb against its baselines, with power (issue 21)");
        L();
        L("Every number in this file is computed by `evidence-power` (benchmarks/Climb.Benchmarks/Evidence) from the records in");
        L("[results.json](results.json), one per (proxy, setting, seed, strategy); regenerate the file from them with");
        L("`dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence-power --report-only`. The earlier experiment");
        L("(issue 8: 5 seeds, transformer and n-gram proxies, target models on the full Debian corpus) is in [results-issue8.md](results-issue8.md).");
        L();
        foreach (var (proxy, block) in data.Blocks.OrderBy(b => b.Key == "ngram" ? 0 : 1))
        {
            var recs = data.Records.Where(r => r.Proxy == proxy).ToList();
            var seedsBySetting = recs.GroupBy(r => r.Setting).Select(g => $"{g.Key} {g.Select(r => r.Seed).Distinct().Count()}").ToArray();
            int minSeeds = recs.GroupBy(r => r.Setting).Select(g => g.Select(r => r.Seed).Distinct().Count()).DefaultIfEmpty(0).Min();
            int wanted = proxy == "ngram" ? 30 : 10;
            L(minSeeds < wanted
                ? $"> **{Block(proxy)}: smoke run, not evidence.** Seeds per setting: {string.Join(", ", seedsBySetting)} (the protocol asks for ≥ {wanted}). It shows that the harness runs end to end; no p-value below can reach significance with so few seeds."
                : $"> **{Block(proxy)}:** seeds per setting: {string.Join(", ", seedsBySetting)}.");
            L();
        }

        L("## Protocol");
        L();
        L("Fixed before the n-gram run started (2026-12-07 23:15 UTC, commit 31fb887 of branch `answer`), not changed after it:");
        L();
        L("- **Settings and seeds.** `sample` (sample corpus → computing target), `multilingual` (data/multilingual → Italian");
        L("  target), `wordnet` (WordNet glosses → biology target); seeds 0–29 in each; Kneser-Ney order-4 proxies.");
        L("- **Strategies.** `uniform` (equal weights, one run); `best-of-n` (N Dirichlet draws, the best measured is the answer);");
        L("  `regmix` (one round of N draws, the Auto predictor's top-128 average is the answer); `climb-paper`");
        L("  (`ClimbSearchStrategyOptions.Paper()`: rounds 64/32/16 scaled to the budget, each later round drawn from the predicted");
        L("  top of 100,000 prior candidates, the predictor's argmax as the answer, no measured-answer safeguard); `climb` (Climb's");
        L("  default: `ClimbSearchStrategyOptions.ForBudget(budget)` and the search's default options: trust region, Thompson");
        L("  sampling, lower-confidence-bound proposal, confirmation round of 2 candidates × 3 fresh seeds that keeps the proposal");
        L("  unless the best measured mixture beats it on every seed); `doremi` (transformer block only). Climb's defaults were");
        L("  chosen on dev seeds 1000–1021 with a held-out target of the sample corpus (benchmarks `answer-dev`), never on these.");
        L("- **Equal compute.** Budget 48 proxy runs for the CLIMB strategies plus the search's 3 noise replicates (51 runs).");
        L("  Every proxy run counts: rounds, noise replicates, the confirmation round, any answer measurement. Best-of-N, RegMix");
        L("  and the paper's rule get exactly as many proxy runs as `climb` spent at the same (setting, seed), counted from its");
        L("  search journal (checked against the search's result); `proxy runs` and `compute` below are what each strategy spent.");
        L("- **Re-measurement.** Every answer is re-measured through `MixtureMeasurement` (the code of `climb measure`) on 5 fresh");
        L("  data seeds derived from the experiment seed, every seed of its search journal excluded and checked again against the");
        L("  search's result; the same seeds for every strategy of a (setting, seed), so the differences are paired. The objective");
        L("  is the proxy's loss on the held-out target (nats/token, lower is better).");
        L("- **answer kind.** `predicted`: the answer came from the strategy's model and is not a mixture measured in its exploration");
        L("  rounds (the confirmation round is not one); `measured`: it is one of them (Best-of-N always, Climb when the best");
        L("  measured mixture won its confirmation, the paper's rule when its argmax is an evaluated mixture).");
        L("- **Acceptance (issue 21).** In each setting, `climb` better than `regmix` and than `best-of-n` with Wilcoxon p < 0.05;");
        L("  `answer kind` = predicted in ≥ 60 % of `climb`'s runs. Comparisons reported: climb − regmix, climb − best-of-n,");
        L("  climb-paper − regmix, climb − climb-paper and the others below.");
        L("- **Statistics** (per setting, over the seeds where both strategies ran; A − B, negative = A better): the mean; a paired");
        L($"  percentile bootstrap 95% interval of the mean ({PairedStatistics.BootstrapResamples:N0} resamples, fixed seed {BootstrapSeed});");
        L("  the two-sided Wilcoxon signed-rank p (zero differences dropped, as in Wilcoxon's test; exact null distribution when at");
        L($"  most {PairedStatistics.ExactLimit} non-zero differences remain without ties, otherwise the normal approximation with");
        L("  tie-corrected variance and no continuity correction: the table says which); the two-sided exact sign test (binomial,");
        L("  zeros dropped). p-values are per comparison, not adjusted for the several comparisons reported.");
        L("- **Reproduce** from a fresh clone: `sudo apt-get install wordnet-base python3` (the WordNet setting's text and the script");
        L("  that builds it), then `dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence-power` (n-gram block: 3");
        L("  settings × seeds 0–29; after an interruption rerun the same command: finished runs are never recomputed, a search");
        L("  resumes from its journal) and `… -- evidence-power --proxy transformer --settings sample --seeds 0-9` (transformer block).");
        L("  Work files go to `benchmarks/out/evidence-power`; a change to any strategy's defaults gives a new folder (tag).");
        L();

        foreach (var (proxy, block) in data.Blocks.OrderBy(b => b.Key == "ngram" ? 0 : 1))
        {
            foreach (var setting in PowerSetting.All)
            {
                var recs = data.Records.Where(r => r.Proxy == proxy && r.Setting == setting.Name).ToList();
                if (recs.Count > 0)
                {
                    WriteSetting(md, data, block, setting, recs);
                }
            }
        }

        L("## Cost and time");
        L();
        foreach (var (proxy, block) in data.Blocks.OrderBy(b => b.Key == "ngram" ? 0 : 1))
        {
            var recs = data.Records.Where(r => r.Proxy == proxy).ToList();
            int pairs = recs.Select(r => (r.Setting, r.Seed)).Distinct().Count();
            L($"- **{Block(proxy)}** (`{block.Command.Trim()}`, tag `{block.Tag}`): {recs.Count} runs over {pairs} (setting, seed) pairs; " +
              $"the searches, re-measurements{(proxy == "ngram" ? string.Empty : " and target models")} of all of them took {block.RecordSeconds / 60:F1} min of wall time in all " +
              $"(summed over every invocation that made them), the pipelines up to tokenisation {block.Pipelines.Values.Sum(p => p.StageSeconds.Values.Where(double.IsFinite).Sum()) / 60:F1} min (once per setting, shared by both proxy kinds); the last invocation ran {block.WallSeconds / 60:F1} min. Machine: {block.Machine}; " +
              $"load average {block.LoadStart} at its start, {block.LoadEnd} at its end (the machine is shared, so times are pessimistic).");
        }

        L();
        return ResultsMarkdownSections.Compose(md.ToString(), existing, DiscussionMarker, SwarmHeading);
    }

    private static void WriteSetting(StringBuilder md, Data data, PowerInvocation block, PowerSetting setting, List<PowerRecord> recs)
    {
        void L(string line = "") => md.Append(line).Append('\n');
        string proxy = recs[0].Proxy;
        var seeds = recs.Select(r => r.Seed).Distinct().Order().ToArray();
        L($"## {Block(proxy)}: {Title(setting.Name)}");
        L();
        var s = block.Settings;
        var p = block.Pipelines.GetValueOrDefault(setting.Name);
        L("| | |");
        L("|---|---|");
        L($"| corpus | {setting.Corpus} |");
        L($"| target | {setting.Target}{(p is null ? string.Empty : $"; {p.TargetTexts} texts, {p.TargetCharacters:N0} characters scored")}{(s.TargetMaxChars > 0 ? $" (the first {s.TargetMaxChars:N0} characters of each)" : string.Empty)}; objective = mean next-token loss of the proxy on it (nats/token) |");
        if (p is not null)
        {
            L($"| pipeline | {p.Documents:N0} documents → {p.FineClusters} k-means clusters → {p.SuperClusters} super-clusters (GloVe-SIF, default pruning, Ward merge); {p.Tokens:N0} tokens ({p.Tokenizer} tokenizer); built once, shared by every seed |");
        }

        L(proxy == "ngram"
            ? $"| proxy | interpolated modified Kneser-Ney, order 4, {s.NGramTokens:N0} tokens per run drawn from the mixture |"
            : $"| proxy | tiny transformer (L3 d96 ctx256) decay stage of {s.ProxyTokens:N0} tokens from a base pre-trained on the uniform mixture ({s.BaseTokens:N0} tokens); target model L{s.TargetLayers} d{s.TargetDimension}, {s.TargetTokens:N0} tokens from its own base ({s.TargetBaseTokens:N0}) |");
        L($"| search | Climb's default = `ClimbSearchStrategyOptions.ForBudget({s.Budget})`, the paper's rule = `Paper()` with rounds [{string.Join(", ", PowerBenchmark.PaperOptions(s.Budget).RoundBudgets)}]; both + the search's noise replicates; Best-of-N and RegMix at Climb's default's proxy runs; every answer re-measured on {s.Remeasure} fresh data seeds |");
        L($"| seeds | {seeds.Length}: {string.Join(", ", seeds)} |");
        L();
        L("| strategy | seeds | proxy runs | compute (tokens) | re-measured objective | Δ vs uniform | in-search objective − re-measured | answer predicted | held-out Spearman |" + (proxy == "ngram" ? string.Empty : " target-model loss |"));
        L("|---|---|---|---|---|---|---|---|---|" + (proxy == "ngram" ? string.Empty : "---|"));
        var sums = data.Summaries.Where(x => x.Proxy == proxy && x.Setting == setting.Name).ToList();
        double? uniform = sums.FirstOrDefault(x => x.Strategy == "uniform")?.RemeasuredMean;
        foreach (var x in sums)
        {
            L($"| {x.Strategy} | {x.Seeds} | {x.ProxyRunsMean:F1} | {x.ComputeTokensMean:N0} | {x.RemeasuredMean:F4} ± {F(x.RemeasuredSd)} | " +
              $"{(uniform is double u && x.Strategy != "uniform" ? (x.RemeasuredMean - u).ToString("+0.0000;-0.0000", Inv) : "—")} | " +
              $"{(x.OptimismMean is double o ? (-o).ToString("+0.0000;-0.0000", Inv) : "—")} | {x.PredictedShare:P0} | {(x.HeldOutSpearmanMean is double r ? r.ToString("F2", Inv) : "—")} |" +
              (proxy == "ngram" ? string.Empty : $" {(x.TargetLossMean is double t ? $"{t:F4} ± {F(x.TargetLossSd ?? double.NaN)}" : "—")} |"));
        }

        L();
        L("Mean ± standard deviation over seeds. *In-search objective − re-measured*: how much better the answer looked inside its search");
        L("(its own selection measurement) than on fresh seeds; negative = the search was optimistic (the winner's curse).");
        L();
        foreach (string metric in new[] { "remeasured_objective", "target_loss" })
        {
            var comps = data.Statistics.Where(c => c.Proxy == proxy && c.Setting == setting.Name && c.Metric == metric).ToList();
            if (comps.Count == 0)
            {
                continue;
            }

            L(metric == "remeasured_objective" ? "Paired differences of the re-measured objective (A − B; negative = A better):" : "Paired differences of the target-model loss (A − B; negative = A better):");
            L();
            L("| A − B | seeds | mean | 95% bootstrap CI | Wilcoxon p | sign-test p | A better / B better / tied |");
            L("|---|---|---|---|---|---|---|");
            foreach (var c in comps)
            {
                L($"| {c.A} − {c.B} | {c.Seeds} | {c.Mean:+0.0000;-0.0000;0.0000} | [{F(c.CiLow)}, {F(c.CiHigh)}] | {P(c.WilcoxonP)} ({Short(c.WilcoxonMethod)}) | {P(c.SignP)} | {c.ABetter} / {c.BBetter} / {c.Ties} |");
            }

            L();
        }

        // The reading: the issue's acceptance criteria, answered from the numbers above.
        var climb = sums.FirstOrDefault(x => x.Strategy == "climb");
        L("Reading (generated from the numbers above):");
        L();
        foreach (var (metric, label) in new[] { ("remeasured_objective", "the re-measured objective"), ("target_loss", "the target-model loss") })
        {
            var stats = data.Statistics.Where(c => c.Proxy == proxy && c.Setting == setting.Name && c.Metric == metric && c.A == "climb").ToList();
            foreach (string other in new[] { "regmix", "best-of-n", "doremi" })
            {
                if (stats.FirstOrDefault(c => c.B == other) is { } c)
                {
                    bool better = c.Mean < 0 && c.WilcoxonP is double wp && wp < 0.05;
                    L($"- Climb's default {(better ? "**is** better than" : "is **not** shown better than")} {other} on {label} " +
                      $"(mean {c.Mean:+0.0000;-0.0000;0.0000}, 95% CI [{F(c.CiLow)}, {F(c.CiHigh)}], Wilcoxon p {P(c.WilcoxonP)}, better in {c.ABetter} of {c.Seeds} seeds, {c.Ties} tied).");
                }
            }
        }

        var stats0 = data.Statistics.Where(c => c.Proxy == proxy && c.Setting == setting.Name && c.Metric == "remeasured_objective" && c.A == "climb").ToList();

        if (climb is not null)
        {
            L($"- Climb's default answered with a predicted mixture in {climb.PredictedShare:P0} of {climb.Seeds} runs (the issue asks for ≥ 60 %).");
        }

        if (stats0.FirstOrDefault(c => c.B == "climb-paper") is { } paper)
        {
            L($"- Against the paper's rule: mean {paper.Mean:+0.0000;-0.0000;0.0000}, 95% CI [{F(paper.CiLow)}, {F(paper.CiHigh)}], Wilcoxon p {P(paper.WilcoxonP)}.");
        }

        L();
    }

    private static string Block(string proxy) => proxy == "ngram" ? "n-gram proxies" : "Transformer block";

    private static string Title(string setting) => setting switch
    {
        "sample" => "sample corpus → computing target",
        "multilingual" => "multilingual corpus → Italian target",
        "wordnet" => "WordNet glosses → biology target",
        _ => setting,
    };

    private static string Short(string method) => method.StartsWith("normal", StringComparison.Ordinal) ? "normal approx." : method;

    private static string F(double v) => double.IsFinite(v) ? v.ToString("F4", Inv) : "n/a";

    private static string F(double? v) => v is double d ? F(d) : "n/a";

    private static string P(double? p) => p is not double v ? "n/a" : v < 0.001 ? v.ToString("0.0e0", Inv) : v.ToString("F3", Inv);

    private static double? Num(double v) => double.IsFinite(v) ? v : null;

    private static double Sd(double[] v) => v.Length < 2 ? double.NaN : MathNet.Numerics.Statistics.Statistics.StandardDeviation(v);

    /// <summary>The whole of docs/results.json.</summary>
    internal sealed class Data
    {
        [JsonPropertyName("schema")]
        public string Schema { get; set; } = PowerReport.Schema;

        /// <summary>Gets or sets, per proxy kind, the invocation that last wrote its records.</summary>
        [JsonPropertyName("blocks")]
        public Dictionary<string, PowerInvocation> Blocks { get; set; } = [];

        [JsonPropertyName("summaries")]
        public List<StrategySummary> Summaries { get; set; } = [];

        [JsonPropertyName("statistics")]
        public List<Comparison> Statistics { get; set; } = [];

        [JsonPropertyName("records")]
        public List<PowerRecord> Records { get; set; } = [];
    }

    internal sealed class StrategySummary
    {
        [JsonPropertyName("proxy")]
        public string Proxy { get; set; } = string.Empty;

        [JsonPropertyName("setting")]
        public string Setting { get; set; } = string.Empty;

        [JsonPropertyName("strategy")]
        public string Strategy { get; set; } = string.Empty;

        [JsonPropertyName("seeds")]
        public int Seeds { get; set; }

        [JsonPropertyName("remeasured_objective_mean")]
        public double RemeasuredMean { get; set; }

        [JsonPropertyName("remeasured_objective_sd")]
        public double RemeasuredSd { get; set; }

        [JsonPropertyName("target_loss_mean")]
        public double? TargetLossMean { get; set; }

        [JsonPropertyName("target_loss_sd")]
        public double? TargetLossSd { get; set; }

        [JsonPropertyName("answer_predicted_share")]
        public double PredictedShare { get; set; }

        [JsonPropertyName("proxy_runs_mean")]
        public double ProxyRunsMean { get; set; }

        [JsonPropertyName("compute_tokens_mean")]
        public double ComputeTokensMean { get; set; }

        [JsonPropertyName("heldout_spearman_mean")]
        public double? HeldOutSpearmanMean { get; set; }

        /// <summary>Gets or sets the mean of (re-measured − in-search objective) of the answer: positive = the search was optimistic.</summary>
        [JsonPropertyName("remeasured_minus_search_objective_mean")]
        public double? OptimismMean { get; set; }

        [JsonPropertyName("search_seconds_mean")]
        public double SearchSecondsMean { get; set; }
    }

    internal sealed class Comparison
    {
        [JsonPropertyName("proxy")]
        public string Proxy { get; set; } = string.Empty;

        [JsonPropertyName("setting")]
        public string Setting { get; set; } = string.Empty;

        [JsonPropertyName("metric")]
        public string Metric { get; set; } = string.Empty;

        [JsonPropertyName("a")]
        public string A { get; set; } = string.Empty;

        [JsonPropertyName("b")]
        public string B { get; set; } = string.Empty;

        [JsonPropertyName("seeds")]
        public int Seeds { get; set; }

        [JsonPropertyName("mean")]
        public double Mean { get; set; }

        [JsonPropertyName("sd")]
        public double? Sd { get; set; }

        [JsonPropertyName("ci95_low")]
        public double? CiLow { get; set; }

        [JsonPropertyName("ci95_high")]
        public double? CiHigh { get; set; }

        [JsonPropertyName("wilcoxon_p")]
        public double? WilcoxonP { get; set; }

        [JsonPropertyName("wilcoxon_method")]
        public string WilcoxonMethod { get; set; } = string.Empty;

        [JsonPropertyName("sign_test_p")]
        public double? SignP { get; set; }

        [JsonPropertyName("a_better")]
        public int ABetter { get; set; }

        [JsonPropertyName("b_better")]
        public int BBetter { get; set; }

        [JsonPropertyName("tied")]
        public int Ties { get; set; }
    }
}

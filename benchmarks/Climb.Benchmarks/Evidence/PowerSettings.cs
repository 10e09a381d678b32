using System.Globalization;
using System.Text.Json.Serialization;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Settings of the evidence benchmark with power (issue 21), parsed from the command line:
/// <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence-power [options]</c>.
/// </summary>
internal sealed class PowerSettings
{
    /// <summary>Every strategy the benchmark knows, in report order.</summary>
    public static readonly string[] AllStrategies = ["uniform", "best-of-n", "regmix", "climb-paper", "climb", "doremi"];

    /// <summary>Gets or sets the settings (corpus + target) to run, by name: sample, multilingual, wordnet.</summary>
    public string[] Settings { get; set; } = ["sample", "multilingual", "wordnet"];

    /// <summary>Gets or sets the experiment seeds (the search seed, its proxies' data seeds and the re-measurement seeds derive from it).</summary>
    public int[] Seeds { get; set; } = Enumerable.Range(0, 30).ToArray();

    /// <summary>Gets or sets the proxy kind: <c>ngram</c> (Kneser-Ney, order 4) or <c>transformer</c> (decay-stage proxies, target models trained on every answer).</summary>
    public string Proxy { get; set; } = "ngram";

    /// <summary>Gets or sets the strategies to run (DoReMi only with transformer proxies).</summary>
    public string[] Strategies { get; set; } = ["uniform", "best-of-n", "regmix", "climb-paper", "climb"];

    /// <summary>
    /// Gets or sets the proxy runs of CLIMB's strategy: Climb's default is <see cref="ClimbSearchStrategyOptions.ForBudget"/> of it (confirmation round
    /// included), the paper's rule gets its rounds 64/32/16 scaled to it; the search's noise replicates come on top. Best-of-N and RegMix get
    /// as many proxy runs as Climb's default spent in all, counted from its journal.
    /// </summary>
    public int Budget { get; set; } = 48;

    /// <summary>Gets or sets the fresh data seeds every answer is re-measured on.</summary>
    public int Remeasure { get; set; } = 5;

    /// <summary>Gets or sets the tokens each n-gram proxy trains on.</summary>
    public long NGramTokens { get; set; } = 100_000;

    /// <summary>Gets or sets how many proxies run at once.</summary>
    public int Parallel { get; set; } = Math.Max(1, Environment.ProcessorCount);

    /// <summary>Gets or sets the working folder (pipeline artifacts, journals, proxy caches, one record per finished run).</summary>
    public string WorkFolder { get; set; } = "benchmarks/out/evidence-power";

    /// <summary>Gets or sets the results file (its .json sibling gets the records and the statistics).</summary>
    public string OutputMarkdown { get; set; } = "docs/results.md";

    /// <summary>Gets or sets a prebuilt WordNet corpus folder (<c>scripts/build-wordnet-corpus.py</c>); built into the work folder when null.</summary>
    public string? WordNet { get; set; }

    /// <summary>Gets or sets the characters of each target text scored (its beginning); 0 scores whole texts. Scoring dominates a
    /// transformer proxy's cost on a large target (the computing target has 225,172 characters).</summary>
    public int TargetMaxChars { get; set; }

    /// <summary>Gets or sets the tokens each transformer proxy trains on (continuing the proxy base).</summary>
    public long ProxyTokens { get; set; } = 50_000;

    /// <summary>Gets or sets the tokens of the proxy-size base model (uniform mixture).</summary>
    public long BaseTokens { get; set; } = 300_000;

    /// <summary>Gets or sets the tokens each target model trains on (continuing the target-size base).</summary>
    public long TargetTokens { get; set; } = 100_000;

    /// <summary>Gets or sets the tokens of the target-size base model.</summary>
    public long TargetBaseTokens { get; set; } = 300_000;

    /// <summary>Gets or sets the target model's layers.</summary>
    public int TargetLayers { get; set; } = 4;

    /// <summary>Gets or sets the target model's width.</summary>
    public int TargetDimension { get; set; } = 192;

    /// <summary>Gets or sets the sequences per optimiser step of the transformer models.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Gets or sets the torch threads (0 = all cores).</summary>
    public int Threads { get; set; }

    /// <summary>Gets or sets a value indicating whether only the report is rewritten from the finished records (no training).</summary>
    [JsonIgnore]
    public bool ReportOnly { get; set; }

    /// <summary>Gets or sets a suffix of the work folder's tag (<c>--tag</c>) that keeps a scratch run (a smoke test) apart from the evidence run.</summary>
    public string? ScratchTag { get; set; }

    /// <summary>Gets a fingerprint of everything a run's proxies and answers depend on (other settings get their own folder).</summary>
    [JsonIgnore]
    public string Tag
    {
        get
        {
            var parts = new List<object?>
            {
                "evidence-power/v2",
                RulesIdentity(Budget),
                Proxy,
                Budget,
                Remeasure,
                Proxy == "ngram" ? NGramTokens : ProxyTokens,
                Proxy == "ngram" ? 0 : BaseTokens,
                Proxy == "ngram" ? 0 : TargetTokens,
                Proxy == "ngram" ? 0 : TargetBaseTokens,
                Proxy == "ngram" ? 0 : TargetLayers,
                Proxy == "ngram" ? 0 : TargetDimension,
                Proxy == "ngram" ? 0 : BatchSize,
            };
            if (TargetMaxChars > 0)
            {
                parts.Add("target-max-chars=" + TargetMaxChars.ToString(CultureInfo.InvariantCulture));
            }

            return Proxy + "-" + Fingerprint.Of([.. parts])[..10] + (ScratchTag is null ? string.Empty : "-" + ScratchTag);
        }
    }

    /// <summary>
    /// The identities of every strategy's rule and of the search's default options: when a default changes (a new answer
    /// rule for Climb, a new predictor), the tag changes and every run is recomputed in a new folder, so no record of an
    /// older rule is ever mixed into the report.
    /// </summary>
    internal static string RulesIdentity(int budget)
    {
        var search = new MixtureSearchOptions();
        return string.Join(
            "|",
            new ClimbSearchStrategy(ClimbSearchStrategyOptions.ForBudget(budget)).Identity,
            new ClimbSearchStrategy(PowerBenchmark.PaperOptions(budget)).Identity,
            new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = 2 }).Identity,
            new BestOfNSearchStrategy(1).Identity,
            $"noise={search.NoiseReplicates};measure={search.MeasureAnswer};keepBest={search.KeepBestMeasuredWhenAnswerIsWorse};crn={search.CommonRandomNumbers};remeasure=MixtureMeasurement");
    }

    public const string Usage =
        "Usage: evidence-power [--settings sample,multilingual,wordnet] [--seeds 0-29] [--proxy ngram|transformer] " +
        "[--strategies uniform,best-of-n,regmix,climb-paper,climb[,doremi]] [--budget 48] [--remeasure 5] [--ngram-tokens 100k] [--target-max-chars 0] [--parallel N] " +
        "[--work benchmarks/out/evidence-power] [--out docs/results.md] [--wordnet DIR] [--report-only] [--tag scratch] " +
        "[--proxy-tokens 50k] [--base-tokens 300k] [--target-tokens 100k] [--target-base-tokens 300k] [--target-layers 4] [--target-dim 192] [--batch 8] [--threads 0]";

    public static PowerSettings Parse(IReadOnlyList<string> args)
    {
        var s = new PowerSettings();
        bool strategiesGiven = false, parallelGiven = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a == "--report-only")
            {
                s.ReportOnly = true;
                continue;
            }

            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {a} needs a value. " + Usage);
            switch (a)
            {
                case "--settings":
                    s.Settings = List(Value());
                    foreach (string name in s.Settings)
                    {
                        _ = PowerSetting.Find(name);
                    }

                    break;
                case "--seeds": s.Seeds = SeedList(a, Value()); break;
                case "--proxy":
                    s.Proxy = Value();
                    if (s.Proxy is not ("ngram" or "transformer"))
                    {
                        throw new ArgumentException($"--proxy takes ngram or transformer, not '{s.Proxy}'.");
                    }

                    break;
                case "--strategies":
                    s.Strategies = List(Value());
                    strategiesGiven = true;
                    var unknown = s.Strategies.Where(n => !AllStrategies.Contains(n, StringComparer.Ordinal)).ToArray();
                    if (unknown.Length > 0)
                    {
                        throw new ArgumentException($"--strategies: unknown '{string.Join(",", unknown)}'; known: {string.Join(", ", AllStrategies)}.");
                    }

                    break;
                case "--tag":
                    s.ScratchTag = Value();
                    if (s.ScratchTag.Length == 0 || !s.ScratchTag.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    {
                        throw new ArgumentException($"--tag takes letters, digits, '-' and '_', not '{s.ScratchTag}'.");
                    }

                    break;
                case "--budget": s.Budget = EvidenceSettings.Int(a, Value(), 16); break;
                case "--remeasure": s.Remeasure = EvidenceSettings.Int(a, Value(), 2); break;
                case "--ngram-tokens": s.NGramTokens = EvidenceSettings.Long(a, Value()); break;
                case "--target-max-chars": s.TargetMaxChars = EvidenceSettings.Int(a, Value(), 0); break;
                case "--parallel": s.Parallel = EvidenceSettings.Int(a, Value(), 1); parallelGiven = true; break;
                case "--work": s.WorkFolder = Value(); break;
                case "--out": s.OutputMarkdown = Value(); break;
                case "--wordnet": s.WordNet = Value(); break;
                case "--proxy-tokens": s.ProxyTokens = EvidenceSettings.Long(a, Value()); break;
                case "--base-tokens": s.BaseTokens = EvidenceSettings.Long(a, Value()); break;
                case "--target-tokens": s.TargetTokens = EvidenceSettings.Long(a, Value()); break;
                case "--target-base-tokens": s.TargetBaseTokens = EvidenceSettings.Long(a, Value()); break;
                case "--target-layers": s.TargetLayers = EvidenceSettings.Int(a, Value(), 1); break;
                case "--target-dim": s.TargetDimension = EvidenceSettings.Int(a, Value(), 16); break;
                case "--batch": s.BatchSize = EvidenceSettings.Int(a, Value(), 1); break;
                case "--threads": s.Threads = EvidenceSettings.Int(a, Value(), 0); break;
                default: throw new ArgumentException($"Unknown option '{a}'. " + Usage);
            }
        }

        if (s.Proxy == "transformer" && !strategiesGiven)
        {
            s.Strategies = [.. s.Strategies, "doremi"];
        }

        if (s.Proxy == "transformer" && !parallelGiven)
        {
            s.Parallel = 1; // torch already uses every core for one model
        }

        if (s.Proxy == "ngram" && s.Strategies.Contains("doremi"))
        {
            throw new ArgumentException("--strategies: doremi trains transformer proxies itself; it runs only with --proxy transformer.");
        }

        if (s.Strategies.Any(n => n is "best-of-n" or "regmix") && !s.Strategies.Contains("climb"))
        {
            throw new ArgumentException("--strategies: best-of-n and regmix get as many proxy runs as climb spends, so climb must run too.");
        }

        if (s.TargetDimension % 4 != 0)
        {
            throw new ArgumentException("--target-dim must be a multiple of 4 (4 attention heads).");
        }

        return s;
    }

    private static string[] List(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Parses "0-29", "0,3,7" or a mix of both.</summary>
    private static int[] SeedList(string option, string value)
    {
        var seeds = new List<int>();
        foreach (string part in List(value))
        {
            int dash = part.IndexOf('-', 1);
            if (dash > 0)
            {
                int from = EvidenceSettings.Int(option, part[..dash], 0), to = EvidenceSettings.Int(option, part[(dash + 1)..], 0);
                if (to < from)
                {
                    throw new ArgumentException($"Option {option}: range '{part}' ends before it starts.");
                }

                seeds.AddRange(Enumerable.Range(from, to - from + 1));
            }
            else
            {
                seeds.Add(EvidenceSettings.Int(option, part, 0));
            }
        }

        if (seeds.Count == 0 || seeds.Distinct().Count() != seeds.Count)
        {
            throw new ArgumentException($"Option {option} needs distinct seeds (e.g. 0-29 or 0,1,2), not '{value}'.");
        }

        return seeds.ToArray();
    }
}

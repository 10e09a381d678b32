using System.Globalization;
using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Settings of the evidence experiment (issue 8), parsed from the command line:
/// <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence [options]</c>.
/// </summary>
internal sealed class EvidenceSettings
{
    /// <summary>Gets or sets the number of experiment seeds (search seed, proxy seeds and target-model seed vary with it).</summary>
    public int Seeds { get; set; } = 5;

    /// <summary>Gets or sets the proxy kinds searched with (each with the same transformer target models): transformer proxies under the decay-stage protocol, and the Kneser-Ney proxy (the CPU default path).</summary>
    public string[] ProxyKinds { get; set; } = ["transformer", "ngram"];

    /// <summary>Gets or sets the proxy budget of the n-gram searches (cheap proxies get the paper's 112 runs).</summary>
    public int NGramBudget { get; set; } = 112;

    /// <summary>Gets or sets CLIMB's round budgets with the n-gram proxy (they must sum to <see cref="NGramBudget"/>).</summary>
    public int[] NGramRounds { get; set; } = [64, 32, 16];

    /// <summary>Gets or sets the tokens each n-gram proxy trains on (order 4).</summary>
    public long NGramTokens { get; set; } = 200_000;

    /// <summary>Gets or sets how many mixtures, spanning the range of the first CLIMB round's proxy objectives, get a target model for the proxy-to-target transfer check (per proxy kind).</summary>
    public int TransferMixtures { get; set; } = 8;

    /// <summary>Gets or sets the proxy budget every searching strategy gets (Best-of-N, RegMix, CLIMB).</summary>
    public int Budget { get; set; } = 32;

    /// <summary>Gets or sets CLIMB's round budgets (they must sum to <see cref="Budget"/>); default half, quarter, quarter.</summary>
    public int[]? ClimbRounds { get; set; }

    /// <summary>Gets or sets the domains whose held-out documents form the target.</summary>
    public string[] TargetDomains { get; set; } = ["foldoc", "python"];

    /// <summary>Gets or sets the held-out documents per target domain.</summary>
    public int HeldOutPerDomain { get; set; } = 40;

    /// <summary>Gets or sets the characters of each held-out document scored (its beginning).</summary>
    public int HeldOutMaxChars { get; set; } = 800;

    /// <summary>Gets or sets the folder of the full corpus (<c>build-sample-corpus.py --full</c>); built into the output folder when null.</summary>
    public string? Corpus { get; set; }

    /// <summary>Gets or sets the results file.</summary>
    public string OutputMarkdown { get; set; } = "docs/results-issue8.md";

    /// <summary>Gets or sets the working folder (pipeline artifacts, checkpoints, journals: a rerun continues).</summary>
    public string WorkFolder { get; set; } = "benchmarks/out/evidence";

    /// <summary>Gets or sets the super-clusters the merge stage produces (the pipeline default is 20).</summary>
    public int SuperClusters { get; set; } = 20;

    /// <summary>Gets or sets the tokens each proxy trains on (continuing the base).</summary>
    public long ProxyTokens { get; set; } = 50_000;

    /// <summary>Gets or sets the tokens of the proxy-size base model (uniform mixture).</summary>
    public long BaseTokens { get; set; } = 300_000;

    /// <summary>Gets or sets the tokens each target model trains on (continuing the target-size base).</summary>
    public long TargetTokens { get; set; } = 100_000;

    /// <summary>Gets or sets the tokens of the target-size base model (uniform mixture).</summary>
    public long TargetBaseTokens { get; set; } = 300_000;

    /// <summary>Gets or sets the target model's layers.</summary>
    public int TargetLayers { get; set; } = 4;

    /// <summary>Gets or sets the target model's width.</summary>
    public int TargetDimension { get; set; } = 192;

    /// <summary>Gets or sets the PIQA validation items scored on each target model (0 = skip PIQA).</summary>
    public int PiqaItems { get; set; } = 500;

    /// <summary>Gets or sets the proxy tokenizer: <c>byte</c> (default here: a 257-entry softmax keeps CPU proxies cheap) or <c>cl100k_base</c>/<c>o200k_base</c> (the pipeline default; its 61k-entry compacted softmax dominates a tiny model's cost).</summary>
    public string Tokenizer { get; set; } = "byte";

    /// <summary>Gets or sets a value indicating whether this is the few-minute smoke configuration.</summary>
    public bool Quick { get; set; }

    /// <summary>Gets or sets the sequences per optimiser step (bases, proxies and target models).</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Gets or sets the stable-stage learning rate of the base pre-training (warmup + stable only); every proxy and target model decays from it to 0.1× over its own tokens.</summary>
    public double BaseLearningRate { get; set; } = 3e-3;


    /// <summary>Gets or sets a value indicating whether only the results file is rewritten from the run's saved facts (no training).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool ReportOnly { get; set; }

    /// <summary>Gets or sets the torch threads (0 = all cores).</summary>
    public int Threads { get; set; }

    public int[] RoundBudgets
    {
        get
        {
            if (ClimbRounds is { Length: > 0 } r)
            {
                return r;
            }

            int first = Budget / 2, second = (Budget - first) / 2;
            return [first, second, Budget - first - second];
        }
    }

    /// <summary>Gets a short fingerprint of everything the proxies and target models depend on (runs with other settings get their own folder).</summary>
    public string RunTag => (Quick ? "quick-" : "run-") + Fingerprint.Of(
        "evidence/v4-decay-stage",
        string.Join(",", ProxyKinds),
        NGramBudget,
        string.Join(",", NGramRounds),
        NGramTokens,
        TransferMixtures,
        Budget,
        string.Join(",", RoundBudgets),
        string.Join(",", TargetDomains),
        HeldOutPerDomain,
        HeldOutMaxChars,
        SuperClusters,
        Tokenizer,
        BatchSize,
        BaseLearningRate,
        ProxyTokens,
        BaseTokens,
        TargetTokens,
        TargetBaseTokens,
        TargetLayers,
        TargetDimension,
        PiqaItems)[..10];

    public static EvidenceSettings Parse(IReadOnlyList<string> args)
    {
        var s = new EvidenceSettings();
        bool quick = args.Contains("--quick");
        s.ReportOnly = args.Contains("--report-only");
        if (quick)
        {
            s.Quick = true;
            s.Seeds = 2;
            s.Budget = 8;
            s.ClimbRounds = [4, 2, 2];
            s.HeldOutMaxChars = 300; // same held-out documents as the default run: the pipeline artifacts are shared
            s.ProxyTokens = 8_000;
            s.BaseTokens = 40_000;
            s.TargetTokens = 8_000;
            s.TargetBaseTokens = 40_000;
            s.PiqaItems = 100;
            s.NGramBudget = 16;
            s.NGramRounds = [8, 4, 4];
            s.NGramTokens = 20_000;
            s.TransferMixtures = 3;
        }

        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a is "--quick" or "--report-only")
            {
                continue;
            }

            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {a} needs a value.");
            switch (a)
            {
                case "--seeds": s.Seeds = Int(a, Value(), 1); break;
                case "--budget": s.Budget = Int(a, Value(), 3); break;
                case "--climb-rounds": s.ClimbRounds = Value().Split(',').Select(v => Int(a, v, 1)).ToArray(); break;
                case "--target-domains": s.TargetDomains = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries); break;
                case "--heldout-per-domain": s.HeldOutPerDomain = Int(a, Value(), 1); break;
                case "--heldout-max-chars": s.HeldOutMaxChars = Int(a, Value(), 100); break;
                case "--corpus": s.Corpus = Value(); break;
                case "--out": s.OutputMarkdown = Value(); break;
                case "--work": s.WorkFolder = Value(); break;
                case "--super-clusters": s.SuperClusters = Int(a, Value(), 2); break;
                case "--proxy-tokens": s.ProxyTokens = Long(a, Value()); break;
                case "--base-tokens": s.BaseTokens = Long(a, Value()); break;
                case "--target-tokens": s.TargetTokens = Long(a, Value()); break;
                case "--target-base-tokens": s.TargetBaseTokens = Long(a, Value()); break;
                case "--target-layers": s.TargetLayers = Int(a, Value(), 1); break;
                case "--target-dim": s.TargetDimension = Int(a, Value(), 16); break;
                case "--piqa-items": s.PiqaItems = Int(a, Value(), 0); break;
                case "--batch": s.BatchSize = Int(a, Value(), 1); break;
                case "--base-lr": s.BaseLearningRate = Double(a, Value()); break;
                case "--tokenizer": s.Tokenizer = Value(); break;
                case "--proxy-kinds":
                    s.ProxyKinds = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    if (s.ProxyKinds.Length == 0 || s.ProxyKinds.Any(k => k is not ("transformer" or "ngram")))
                    {
                        throw new ArgumentException($"--proxy-kinds takes transformer and/or ngram, not '{string.Join(",", s.ProxyKinds)}'.");
                    }

                    break;
                case "--ngram-budget": s.NGramBudget = Int(a, Value(), 3); break;
                case "--ngram-rounds": s.NGramRounds = Value().Split(',').Select(v => Int(a, v, 1)).ToArray(); break;
                case "--ngram-tokens": s.NGramTokens = Long(a, Value()); break;
                case "--transfer-mixtures": s.TransferMixtures = Int(a, Value(), 0); break;
                case "--threads": s.Threads = Int(a, Value(), 0); break;
                default: throw new ArgumentException($"Unknown option '{a}'. " + Usage);
            }
        }

        if (s.RoundBudgets.Sum() != s.Budget)
        {
            throw new ArgumentException($"--climb-rounds {string.Join(",", s.RoundBudgets)} sums to {s.RoundBudgets.Sum()}, not the --budget {s.Budget}: CLIMB must get the same proxy budget as the baselines.");
        }

        if (s.NGramRounds.Sum() != s.NGramBudget)
        {
            throw new ArgumentException($"--ngram-rounds {string.Join(",", s.NGramRounds)} sums to {s.NGramRounds.Sum()}, not the --ngram-budget {s.NGramBudget}.");
        }

        if (s.TargetDimension % 4 != 0)
        {
            throw new ArgumentException("--target-dim must be a multiple of 4 (4 attention heads).");
        }

        return s;
    }

    public const string Usage =
        "Usage: evidence [--quick] [--report-only] [--seeds 5] [--proxy-kinds transformer,ngram] [--ngram-budget 112] [--ngram-rounds 64,32,16] [--ngram-tokens 200k] [--transfer-mixtures 8] [--budget 32] [--climb-rounds 16,8,8] [--target-domains foldoc,python] " +
        "[--heldout-per-domain 40] [--heldout-max-chars 800] [--corpus DIR] [--out docs/results-issue8.md] [--work benchmarks/out/evidence] " +
        "[--super-clusters 20] [--proxy-tokens N] [--base-tokens N] [--target-tokens N] [--target-base-tokens N] [--target-layers 4] [--target-dim 192] [--piqa-items 500] [--tokenizer byte|cl100k_base] [--batch 8] [--base-lr 3e-3] [--threads 0]";

    public string Describe() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = false });

    /// <summary>Parses an integer option of at least <paramref name="min"/> (shared with <see cref="PowerSettings"/>).</summary>
    internal static int Int(string option, string value, int min) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min
            ? v
            : throw new ArgumentException($"Option {option} needs an integer ≥ {min}, not '{value}'.");

    private static double Double(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
            ? v
            : throw new ArgumentException($"Option {option} needs a positive number, not '{value}'.");

    /// <summary>Parses a positive token count with an optional k or M suffix (shared with <see cref="PowerSettings"/>).</summary>
    internal static long Long(string option, string value)
    {
        string v = value.Replace("_", string.Empty, StringComparison.Ordinal);
        long mult = 1;
        if (v.EndsWith('k') || v.EndsWith('K'))
        {
            mult = 1000;
            v = v[..^1];
        }
        else if (v.EndsWith('M') || v.EndsWith('m'))
        {
            mult = 1_000_000;
            v = v[..^1];
        }

        return long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) && n > 0
            ? n * mult
            : throw new ArgumentException($"Option {option} needs a positive token count (e.g. 60000, 60k, 1M), not '{value}'.");
    }
}

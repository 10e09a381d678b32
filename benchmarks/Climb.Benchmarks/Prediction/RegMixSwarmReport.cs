using System.Globalization;
using System.Text;

namespace Climb.Benchmarks.Prediction;

/// <summary>The markdown of <see cref="RegMixSwarmBenchmark"/>: its tables, and the "Published swarms: RegMix" section of docs/results.md.</summary>
internal static class RegMixSwarmReport
{
    public const string Heading = "## Published swarms: RegMix";

    /// <summary>RegMix's notebook (regression_fitting/regression.ipynb, its printed output): LightGBM's Spearman × 100 at 1M, early-stopped on the 1M test mixtures.</summary>
    private static readonly Dictionary<string, double> Notebook = new(StringComparer.Ordinal)
    {
        ["arxiv"] = 99.6, ["freelaw"] = 99.71, ["pubmed_central"] = 99.08, ["wikipedia_en"] = 99.45, ["dm_mathematics"] = 97.2,
        ["github"] = 99.77, ["stackexchange"] = 99.73, ["gutenberg_pg_19"] = 99.18, ["pile_cc"] = 98.92, ["ubuntu_irc"] = 96.87,
        ["hackernews"] = 98.51, ["pubmed_abstracts"] = 99.19, ["uspto_backgrounds"] = 99.12,
    };

    internal static string Tables(IReadOnlyList<SwarmBenchmarkRow> rows, string[] predictors, string[] metrics)
    {
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("Summary over the losses (Spearman of predicted and measured loss on held-out mixtures; regret in nats among the 64 1B mixtures):");
        sb.AppendLine();
        sb.AppendLine("| predictor | losses | mean CV ρ | mean ρ 1M | mean ρ 60M | mean ρ 1B | mean regret 1B | regret 0 | Pile-CC ρ 1M | Pile-CC ρ 1B | Pile-CC regret | fit s (mean) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (string p in predictors)
        {
            var r = rows.Where(x => x.Predictor == p).ToList();
            if (r.Count == 0)
            {
                continue;
            }

            var cc = r.FirstOrDefault(x => x.Metric.Contains("pile_cc", StringComparison.Ordinal));
            sb.AppendLine(string.Create(inv, $"| {p} | {r.Count} | {Mean(r, x => x.CrossValidated)} | {r.Average(x => x.Spearman1M):F4} | {r.Average(x => x.Spearman60M):F4} | {r.Average(x => x.Spearman1B):F4} | {r.Average(x => x.Regret1B):F4} | {r.Count(x => x.Regret1B == 0)}/{r.Count} | {(cc is null ? "–" : cc.Spearman1M.ToString("F4", inv))} | {(cc is null ? "–" : cc.Spearman1B.ToString("F4", inv))} | {(cc is null ? "–" : cc.Regret1B.ToString("F4", inv))} | {r.Average(x => x.Seconds):F1} |"));
        }

        var present = predictors.Where(p => rows.Any(x => x.Predictor == p)).ToArray();
        void Matrix(string title, Func<SwarmBenchmarkRow, string> cell, string[]? columns = null, (string Name, Func<string, string> Cell)? extra = null)
        {
            columns ??= present;
            sb.AppendLine();
            sb.AppendLine(title);
            sb.AppendLine();
            sb.AppendLine("| loss | " + string.Join(" | ", columns) + (extra is { } e ? " | " + e.Name : string.Empty) + " |");
            sb.AppendLine("|---|" + string.Concat(columns.Select(_ => "---|")) + (extra is null ? string.Empty : "---|"));
            foreach (string m in metrics)
            {
                var cells = columns.Select(p => rows.FirstOrDefault(x => x.Predictor == p && x.Metric == m) is { } x ? cell(x) : "–");
                sb.AppendLine($"| {RegMixSwarmBenchmark.Short(m)} | " + string.Join(" | ", cells) + (extra is { } f ? " | " + f.Cell(m) : string.Empty) + " |");
            }
        }

        Matrix(
            "Spearman at 1M (256 held-out mixtures), and RegMix's notebook (LightGBM early-stopped on these mixtures, its printed figures ÷ 100):",
            x => x.Spearman1M.ToString("F4", inv),
            extra: ("RegMix notebook", m => Notebook.TryGetValue(RegMixSwarmBenchmark.Short(m), out double v) ? (v / 100).ToString("F4", inv) : "–"));
        Matrix("Spearman at 60M (the same 256 mixtures):", x => x.Spearman60M.ToString("F4", inv));
        Matrix("Spearman at 1B (64 mixtures):", x => x.Spearman1B.ToString("F4", inv));
        Matrix("Top-1 regret among the 64 1B mixtures, nats (rank of the pick by measured 1B loss):", x => string.Create(inv, $"{x.Regret1B:F4} ({x.PickRank})"));
        Matrix("Cross-validated Spearman the predictor reports on the 512 training runs (5 folds):", x => double.IsNaN(x.CrossValidated) ? "–" : x.CrossValidated.ToString("F4", inv));
        Matrix("Auto's choice (by cross-validated Spearman) and the trees RegMix's early stopping kept:", x => x.Chosen.Length == 0 ? "–" : x.Predictor == "auto" && !x.Chosen.Contains("from the candidates", StringComparison.Ordinal) ? RegMixSwarmBenchmark.Kind(x.Chosen) + " (Auto's own fit)" : x.Chosen, present.Where(p => p is "auto" or "regmix-reference").ToArray());
        sb.AppendLine();
        sb.AppendLine("Identities:");
        sb.AppendLine();
        foreach (string p in present)
        {
            sb.AppendLine($"- {p}: `{rows.First(x => x.Predictor == p).Identity}`");
        }

        return sb.ToString();
    }

    /// <summary>The section: protocol, a reading computed from the rows, and the tables.</summary>
    public static string Section(IReadOnlyList<SwarmBenchmarkRow> rows, string tables, string cpu)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(Heading);
        sb.AppendLine();
        sb.AppendLine("RegMix (Liu et al. 2024, arXiv 2407.01492) published its proxy results, copied with their MIT licence into");
        sb.AppendLine("`data/swarms/regmix`: 512 runs of 1M-parameter models on 17 Pile domains, and held-out mixtures trained at 1M (256),");
        sb.AppendLine("60M (the same 256) and 1B (64) parameters, each with 13 validation losses. **Protocol.** Each predictor is fitted on the");
        sb.AppendLine("512 training runs of one loss (target: the negated loss, seed 42) and ranks the held-out mixtures. ρ is the Spearman");
        sb.AppendLine("correlation of its predictions with the measured losses; the top-1 regret is the 1B loss of the mixture it ranks");
        sb.AppendLine("first among the 64 minus the best of the 64 (0: it found the best). A constant predictor has no correlation, and a");
        sb.AppendLine("random pick has regret 0 with probability 1/64. CV ρ is the 5-fold cross-validated Spearman the predictor reports");
        sb.AppendLine("on its training runs, which is what Auto chooses by.");
        sb.AppendLine();
        sb.AppendLine("Predictors: `ridge`, `gp`, `lightgbm` (Climb's defaults); `lightgbm-regmix` (`LightGbmMixturePredictorOptions.RegMix()`:");
        sb.AppendLine("RegMix's notebook settings, with the rounds chosen on a 20 % split of the training runs); `loglinear` (Ye et al.'s");
        sb.AppendLine("law c + exp(t·w), fitted as Olmix does with a Huber loss); `auto` (Climb's default: the candidate among ridge, GP and");
        sb.AppendLine("LightGBM with the best CV ρ); `regmix-reference` (RegMix's notebook exactly: LightGBM early-stopped on the 1M test");
        sb.AppendLine("mixtures, so its 1M column is not held out; it is here to show the protocol is reproduced).");
        sb.AppendLine();
        var loads = rows.Select(r => r.Load).Where(double.IsFinite).ToArray();
        sb.AppendLine(string.Create(inv, $"Generated by `dotnet run -c Release --project benchmarks/Climb.Benchmarks -- regmix-swarm --docs docs/results.md` from its results file. CPU: {cpu}, 2 cores, shared with other jobs") +
            (loads.Length > 0 ? string.Create(inv, $" (1-minute load average {loads.Min():F0}–{loads.Max():F0} where recorded)") : string.Empty) +
            ": fit times compare predictors with one another, not with an idle machine. Auto's rows are read off its candidates' rows (same seed and folds: Auto returns the chosen candidate's own fit).");
        sb.AppendLine();
        sb.AppendLine("Wall time of the fits and predictions, summed over the losses (the machine's other jobs included): " + string.Join(", ", rows
            .Where(r => !r.Chosen.Contains("from the candidates", StringComparison.Ordinal))
            .GroupBy(r => r.Predictor)
            .Select(g => string.Create(inv, $"{g.Key} {Duration(g.Sum(r => r.Seconds))}"))) + " (Auto: its own fits only; a row read off the candidates' rows costs nothing more). The results file" +
            " (`artifacts/regmix-swarm/results.jsonl`, one row per fit) may be filled by several runs, resumed or restricted with `--predictors` and `--metrics`; the section is written from all its rows.");
        sb.AppendLine();
        sb.AppendLine("**Reading** (computed from the tables below):");
        sb.AppendLine();
        foreach (string line in Reading(rows))
        {
            sb.AppendLine("- " + line);
        }

        sb.AppendLine();
        sb.Append(tables.TrimEnd());
        sb.AppendLine();
        return sb.ToString();
    }

    /// <summary>
    /// Writes the section as the last of the file: it replaces everything from the line that is <see cref="Heading"/> to
    /// the end of the file, or is appended when the file has no such line. Every byte before the heading stays as it was.
    /// </summary>
    public static void WriteSection(string path, string section)
    {
        string text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
        int start = text.StartsWith(Heading + "\n", StringComparison.Ordinal) ? 0 : text.IndexOf("\n" + Heading + "\n", StringComparison.Ordinal);
        string before = start < 0
            ? text + (text.Length == 0 ? string.Empty : text.EndsWith("\n\n", StringComparison.Ordinal) ? string.Empty : text.EndsWith('\n') ? "\n" : "\n\n")
            : text[..(start == 0 ? 0 : start + 1)];
        File.WriteAllText(path, before + section);
    }

    private static IEnumerable<string> Reading(IReadOnlyList<SwarmBenchmarkRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        SwarmBenchmarkRow? Row(string p, string m) => rows.FirstOrDefault(r => r.Predictor == p && r.Metric.Contains(m, StringComparison.Ordinal));
        if (Row("auto", "pile_cc") is { } cc)
        {
            bool ok = cc.Spearman1M >= 0.98 && cc.Spearman1B >= 0.95 && cc.Regret1B == 0;
            yield return string.Create(inv, $"**Issue 21's bars** (Pile-CC: Auto ρ ≥ 0.98 at 1M, ≥ 0.95 at 1B, top-1 regret 0 among the 64 1B mixtures): Auto chose {RegMixSwarmBenchmark.Kind(cc.Chosen)} and has ρ {cc.Spearman1M:F4} at 1M, {cc.Spearman1B:F4} at 1B and regret {cc.Regret1B:F4} (its pick ranks {cc.PickRank} of 64): the bars {(ok ? "hold" : "do **not** hold")}.");
        }

        var reference = rows.Where(r => r.Predictor == "regmix-reference").ToList();
        if (reference.Count > 0)
        {
            var pairs = reference.Select(r => (Here: r.Spearman1M * 100, Published: Notebook.GetValueOrDefault(RegMixSwarmBenchmark.Short(r.Metric), double.NaN))).Where(p => double.IsFinite(p.Published)).ToList();
            yield return string.Create(inv, $"**RegMix's protocol is reproduced.** Its notebook reports LightGBM at 1M of {pairs.Min(p => p.Published):F2}–{pairs.Max(p => p.Published):F2} (×100); the same settings and stopping rule here (ML.NET's LightGBM) give {pairs.Min(p => p.Here):F2}–{pairs.Max(p => p.Here):F2}, within {pairs.Max(p => Math.Abs(p.Here - p.Published)):F2} of the published figure on every loss. That protocol stops boosting on the test mixtures; stopped on a split of the training runs instead (`lightgbm-regmix`), it has mean ρ 1M {Avg("lightgbm-regmix", r => r.Spearman1M)} against {Avg("regmix-reference", r => r.Spearman1M)}.");
        }

        string[] predictors = rows.Select(r => r.Predictor).Where(p => p != "regmix-reference").Distinct().ToArray();
        foreach (var (name, f) in new (string, Func<SwarmBenchmarkRow, double>)[] { ("1M", r => r.Spearman1M), ("60M", r => r.Spearman60M), ("1B", r => r.Spearman1B) })
        {
            var ranked = predictors.Select(p => (P: p, M: rows.Where(r => r.Predictor == p).Average(f))).OrderByDescending(x => x.M).ToList();
            yield return $"Mean ρ at {name}: " + string.Join(", ", ranked.Select(x => string.Create(inv, $"{x.P} {x.M:F4}"))) + ".";
        }

        yield return "Regret 0 (the best of the 64 1B mixtures ranked first) on " +
            string.Join(", ", predictors.Select(p => $"{p} {rows.Count(r => r.Predictor == p && r.Regret1B == 0)} of {rows.Count(r => r.Predictor == p)}")) + " losses.";

        var metrics = rows.Select(r => r.Metric).Distinct().ToArray();
        int logBest = metrics.Count(m => Row("loglinear", m) is { } l && new[] { "ridge", "gp", "lightgbm" }.All(p => Row(p, m) is { } o && l.CrossValidated > o.CrossValidated));
        int logBest1B = metrics.Count(m => Row("loglinear", m) is { } l && new[] { "ridge", "gp", "lightgbm" }.All(p => Row(p, m) is { } o && l.Spearman1B > o.Spearman1B));
        if (rows.Any(r => r.Predictor == "loglinear"))
        {
            yield return string.Create(inv, $"**The log-linear law as an Auto candidate.** Its CV ρ beats ridge, GP and LightGBM on {logBest} of {metrics.Length} losses, so Auto, which chooses by CV ρ, would pick it {logBest} times: it stays out of Auto's candidates (docs/search.md). Its ρ at 1B beats all three on {logBest1B} of {metrics.Length} losses") + (logBest1B > 0 ? ": a law with 18 parameters can transfer across scale where its fit at 1M is worse, which a CV at 1M cannot see." : ".");
        }

        string Avg(string p, Func<SwarmBenchmarkRow, double> f) =>
            rows.Any(r => r.Predictor == p) ? rows.Where(r => r.Predictor == p).Average(f).ToString("F4", inv) : "–";
    }

    private static string Duration(double seconds) => seconds >= 3600
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:F1} h")
        : seconds >= 120 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:F0} min") : string.Create(CultureInfo.InvariantCulture, $"{seconds:F0} s");

    private static string Mean(List<SwarmBenchmarkRow> r, Func<SwarmBenchmarkRow, double> f)
    {
        var v = r.Select(f).Where(double.IsFinite).ToList();
        return v.Count == 0 ? "–" : v.Average().ToString("F4", CultureInfo.InvariantCulture);
    }
}

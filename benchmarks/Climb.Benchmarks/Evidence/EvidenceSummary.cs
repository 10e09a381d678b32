using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// The cross-kind summary of an evidence run: per proxy kind, the paired target-model differences of CLIMB against RegMix
/// and Best-of-N, the final predictor's held-out Spearman, the measured signal-to-noise ratio and the proxy-to-target
/// transfer correlation; as markdown for docs/results-issue8.md and as docs/results-issue8.json for other tools.
/// </summary>
internal static class EvidenceSummary
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Json(RunFacts f)
    {
        var runs = new JsonArray();
        foreach (var r in f.Runs.OrderBy(r => r.Proxy, StringComparer.Ordinal).ThenBy(r => r.Seed).ThenBy(r => Array.IndexOf(EvidenceExperiment.StrategyNames, r.Strategy)))
        {
            runs.Add(new JsonObject
            {
                ["proxy"] = r.Proxy,
                ["seed"] = r.Seed,
                ["strategy"] = r.Strategy,
                ["target_loss"] = Num(r.Target.Loss),
                ["heldout_spearman"] = r.AnswerSpearman is double sp && double.IsFinite(sp) ? sp : null,
                ["answer_source"] = r.AnswerSource,
                ["answer_predictor"] = r.AnswerPredictor,
                ["best_proxy_objective"] = Num(r.BestProxyLoss),
                ["answer_proxy_objective"] = r.AnswerMeasuredLoss is double a ? Num(a) : null,
                ["signal_to_noise"] = Num(r.SignalToNoise),
                ["proxy_runs"] = r.ProxyRuns,
                ["compute_tokens"] = r.ComputeTokens,
                ["target_domain_share"] = Num(r.TargetDomainShare),
                ["piqa_acc_norm"] = r.Target.PiqaAccNorm is double p ? Num(p) : null,
            });
        }

        var kinds = new JsonObject();
        foreach (var k in Kinds(f))
        {
            kinds[k.Proxy] = new JsonObject
            {
                ["seeds"] = k.Seeds,
                ["climb_minus_regmix_mean"] = Num(k.VsRegMix.Mean),
                ["climb_minus_regmix_sd"] = Num(k.VsRegMix.Sd),
                ["climb_better_than_regmix_seeds"] = k.VsRegMix.Wins,
                ["climb_minus_best_of_n_mean"] = Num(k.VsBest.Mean),
                ["climb_minus_best_of_n_sd"] = Num(k.VsBest.Sd),
                ["climb_better_than_best_of_n_seeds"] = k.VsBest.Wins,
                ["climb_minus_doremi_mean"] = Num(k.VsDoReMi.Mean),
                ["climb_minus_doremi_sd"] = Num(k.VsDoReMi.Sd),
                ["climb_better_than_doremi_seeds"] = k.VsDoReMi.Wins,
                ["doremi_seeds"] = k.VsDoReMi.Count,
                ["climb_final_heldout_spearman_mean"] = Num(k.Spearman),
                ["signal_to_noise_mean"] = Num(k.Snr),
                ["transfer_spearman"] = k.Transfer is { } t ? Num(t.Spearman) : null,
            };
        }

        var root = new JsonObject
        {
            ["run"] = f.Settings.RunTag,
            ["seeds_done"] = f.SeedsDone,
            ["settings"] = JsonNode.Parse(JsonSerializer.Serialize(f.Settings)),
            ["runs"] = runs,
            ["by_proxy"] = kinds,
            ["transfer"] = new JsonArray(f.Transfer.Select(t => (JsonNode)new JsonObject
            {
                ["proxy"] = t.Proxy,
                ["spearman"] = Num(t.Spearman),
                ["proxy_objectives"] = new JsonArray(t.ProxyObjectives.Select(v => (JsonNode?)Num(v)).ToArray()),
                ["target_losses"] = new JsonArray(t.TargetLosses.Select(v => (JsonNode?)Num(v)).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Markdown(RunFacts f)
    {
        var md = new StringBuilder();
        void L(string line = "") => md.Append(line).Append('\n');
        string F(double v, string fmt = "F4") => double.IsFinite(v) ? v.ToString(fmt, Inv) : "n/a";
        L("## Summary by proxy kind (paired over seeds; negative = CLIMB's target model has the lower loss)");
        L();
        L("| proxy | seeds | CLIMB − RegMix | CLIMB better | CLIMB − Best-of-N | CLIMB better | CLIMB − DoReMi | CLIMB better | CLIMB final held-out Spearman | SNR | transfer Spearman |");
        L("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var k in Kinds(f))
        {
            L($"| {k.Proxy} | {k.Seeds} | {F(k.VsRegMix.Mean)} ± {F(k.VsRegMix.Sd)} | {k.VsRegMix.Wins}/{k.Seeds} | {F(k.VsBest.Mean)} ± {F(k.VsBest.Sd)} | {k.VsBest.Wins}/{k.Seeds} | {(k.VsDoReMi.Count == 0 ? "— | —" : $"{F(k.VsDoReMi.Mean)} ± {F(k.VsDoReMi.Sd)} | {k.VsDoReMi.Wins}/{k.VsDoReMi.Count}")} | {F(k.Spearman, "F2")} | {F(k.Snr, "F1")} | {(k.Transfer is { } t ? F(t.Spearman, "F2") + $" ({t.ProxyObjectives.Count} mixtures)" : "n/a")} |");
        }

        L();
        L("DoReMi trains transformer proxies itself, so it is compared in the transformer row only; its compute equals the other strategies' proxy tokens. SNR: standard deviation of the first round's proxy objectives ÷ the proxy's noise floor (the prior mixture under 3 data seeds). Transfer: Spearman between proxy objective and target-model loss on mixtures spanning seed 1's first CLIMB round. Every figure is also in `docs/results-issue8.json`.");
        return md.ToString();
    }

    private static double? Num(double v) => double.IsFinite(v) ? v : null;

    private static IEnumerable<KindSummary> Kinds(RunFacts f)
    {
        foreach (var g in f.Runs.GroupBy(r => r.Proxy, StringComparer.Ordinal))
        {
            var bySeed = g.GroupBy(r => r.Seed).Where(s => s.Any(r => r.Strategy == "climb")).ToList();
            (double Mean, double Sd, int Wins, int Count) Paired(string other)
            {
                var d = bySeed.Where(s => s.Any(r => r.Strategy == other))
                    .Select(s => s.First(r => r.Strategy == "climb").Target.Loss - s.First(r => r.Strategy == other).Target.Loss).ToArray();
                if (d.Length == 0)
                {
                    return (double.NaN, double.NaN, 0, 0);
                }

                double mean = d.Average();
                double sd = d.Length > 1 ? Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (d.Length - 1)) : double.NaN;
                return (mean, sd, d.Count(x => x < 0), d.Length);
            }

            var climb = g.Where(r => r.Strategy == "climb").ToList();
            var sp = climb.Select(r => r.AnswerSpearman ?? double.NaN).Where(double.IsFinite).ToArray();
            var snr = climb.Select(r => r.SignalToNoise).Where(double.IsFinite).ToArray();
            yield return new KindSummary(
                g.Key,
                bySeed.Count,
                Paired("regmix"),
                Paired("best-of-n"),
                Paired("doremi"),
                sp.Length == 0 ? double.NaN : sp.Average(),
                snr.Length == 0 ? double.NaN : snr.Average(),
                f.Transfer.FirstOrDefault(t => t.Proxy == g.Key));
        }
    }

    private sealed record KindSummary(
        string Proxy, int Seeds, (double Mean, double Sd, int Wins, int Count) VsRegMix, (double Mean, double Sd, int Wins, int Count) VsBest, (double Mean, double Sd, int Wins, int Count) VsDoReMi, double Spearman, double Snr, TransferFacts? Transfer);
}

using System.Globalization;
using System.Text;

namespace Climb.Benchmarks.Evidence;

/// <summary>Writes <c>docs/results-issue8.md</c> from the measured facts of a run (no number in it is typed by hand).</summary>
internal static class EvidenceReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Everything from this line on is written by hand and kept when the file is regenerated.</summary>
    public const string DiscussionMarker = "<!-- discussion: written by hand, kept when the file is regenerated -->";

    public static string Write(RunFacts all, string? discussion = null)
    {
        // The detailed tables describe the first proxy kind; the summary after them compares every kind.
        string primary = all.Settings.ProxyKinds.FirstOrDefault() ?? "transformer";
        var f = System.Text.Json.JsonSerializer.Deserialize<RunFacts>(System.Text.Json.JsonSerializer.Serialize(all, EvidenceExperiment.Json), EvidenceExperiment.Json)!;
        f.Runs = all.Runs.Where(r => r.Proxy == primary).ToList();
        var s = f.Settings;
        var md = new StringBuilder();
        void L(string line = "") => md.Append(line).Append('\n');
        string F(double v, string fmt = "F4") => double.IsFinite(v) ? v.ToString(fmt, Inv) : "n/a";
        string MS(IEnumerable<double> values, string fmt = "F4")
        {
            var v = values.Where(double.IsFinite).ToArray();
            return v.Length == 0 ? "n/a" : v.Length == 1 ? F(v[0], fmt) : $"{F(v.Average(), fmt)} ± {F(Std(v), fmt)}";
        }

        var seeds = f.Runs.Select(r => r.Seed).Distinct().Order().ToArray();
        IEnumerable<StrategyRun> Of(string name) => f.Runs.Where(r => r.Strategy == name).OrderBy(r => r.Seed);

        L("# Results: CLIMB against its baselines at small scale");
        L();
        md.Append(EvidenceSummary.Markdown(all));
        L();
        L($"## Details: {primary} proxies");
        L();
        L(s.Quick
            ? "> **Smoke-run settings (`--quick`).** The budgets below are far too small for conclusions; the file shows that the experiment runs end to end. Rerun without `--quick` for the evidence."
            : $"> Run `{f.Settings.RunTag}`: {seeds.Length} seeds, {s.Budget} proxy runs per searching strategy, proxies of {s.ProxyTokens:N0} tokens, target models of {s.TargetTokens:N0} tokens.");
        L();
        var defaults = new EvidenceSettings();
        if (!s.Quick && (s.Seeds, s.Budget, s.ProxyTokens, s.BaseTokens, s.TargetTokens, s.TargetBaseTokens, s.PiqaItems) != (defaults.Seeds, defaults.Budget, defaults.ProxyTokens, defaults.BaseTokens, defaults.TargetTokens, defaults.TargetBaseTokens, defaults.PiqaItems))
        {
            L($"> **Reduced settings, not the default run.** Defaults: {defaults.Seeds} seeds, budget {defaults.Budget}, proxies of {defaults.ProxyTokens:N0} tokens on a {defaults.BaseTokens:N0}-token base, target models of {defaults.TargetTokens:N0} tokens on a {defaults.TargetBaseTokens:N0}-token base, {defaults.PiqaItems} PIQA items.");
            L();
        }

        if (f.SeedsDone < s.Seeds)
        {
            L($"> **Partial: {f.SeedsDone} of the {s.Seeds} seeds are done** (the file is rewritten after every seed; rerun the command to continue).");
            L();
        }

        L("Produced by");
        L();
        L("```");
        L(f.Command.TrimEnd());
        L("```");
        L();
        L($"on {f.Machine}; {F(f.WallSeconds / 60, "F1")} min wall time for this invocation (load average {f.LoadStart} at the start, {f.LoadEnd} at the end: the machine was shared, so times are pessimistic).");
        L("Every figure below is computed by that command from its own run; the work folder (`" + s.WorkFolder + "`) keeps checkpoints and journals, so rerunning continues an interrupted run and regenerates this file.");
        L();

        L("## Setup");
        L();
        L("| | |");
        L("|---|---|");
        L($"| corpus | the full multi-domain corpus (`scripts/build-sample-corpus.py --full`): {f.CorpusDocuments:N0} documents, domains {string.Join(", ", f.Pipeline.Domains)} |");
        L($"| target | held-out documents of {string.Join(" + ", f.HeldOut.Select(kv => $"{kv.Key} ({kv.Value})"))}, not in the training corpus; first {s.HeldOutMaxChars:N0} characters each, {f.TargetScoredTokens:N0} scored tokens; objective = mean next-token loss (nats/token), lower is better |");
        L($"| training corpus | {f.TrainingDocuments:N0} documents, {f.Tokens:N0} tokens ({f.TokenizerIdentity} tokenizer, model vocabulary {f.Vocabulary:N0}) after pruning |");
        L($"| pipeline | GloVe-SIF embedder, k-means K_init = {f.Pipeline.FineClusters}, rule-based quality scores + NVIDIA pruning recipe → {f.Pipeline.KeptClusters} kept, Ward merge → K_enhanced = {f.Pipeline.SuperClusters} super-clusters |");
        L($"| proxy model | {f.ProxyModel}, {f.ProxyParameters:N0} parameters; base pre-trained once on the uniform mixture for {f.ProxyBase.Tokens:N0} tokens ({F(f.ProxyBase.Seconds, "F0")} s, target loss {F(f.ProxyBase.TargetLoss)}); every proxy resumes it at the end of its stable stage and runs only the decay stage for {s.ProxyTokens:N0} tokens of its mixture (batch {s.BatchSize} × {f.ContextLength} tokens; bases: warmup + stable at {s.BaseLearningRate.ToString("G3", Inv)}; proxies and target models: linear decay from it to 0.1×, no re-warm) |");
        L($"| target model | {f.TargetModel}, {f.TargetParameters:N0} parameters ({F((double)f.TargetParameters / f.ProxyParameters, "F1")}× the proxy); its own base (a different size cannot continue the proxy base) pre-trained once on the uniform mixture for {f.TargetBase.Tokens:N0} tokens ({F(f.TargetBase.Seconds, "F0")} s, target loss {F(f.TargetBase.TargetLoss)}); each strategy's answer continues it for {s.TargetTokens:N0} tokens |");
        L($"| strategies | uniform weights (1 proxy run, the reference); Best-of-N (N = {s.Budget} Dirichlet draws, best measured); RegMix (one round of {s.Budget}, the default Auto predictor picks the answer); CLIMB ({s.RoundBudgets.Length} rounds of {string.Join("/", s.RoundBudgets)}, Auto predictor (ridge, Gaussian process or LightGBM, chosen each round by cross-validated Spearman), iterative bootstrapping, paper's argmax answer rule with the library's measured-answer safeguard); DoReMi (transformer block only: a reference proxy on the prior and a Group DRO proxy, both resumed from the proxy base, together training the tokens of {s.Budget} proxies; its answer is the averaged DRO weights) |");
        L($"| seeds | {string.Join(", ", seeds)}: the seed drives the Dirichlet draws, the proxies' data order and the target model's data order; within a seed the strategies share the same draws (common random numbers) and a proxy already trained for one strategy is reused by another ({f.ProxiesTrained} distinct proxies trained in all) |");
        L($"| secondary | PIQA validation ({(f.PiqaUsed ? $"the first {f.PiqaItems:N0} items whose answers fit the model context ({f.PiqaSkipped} of 1,838 do not)" : "not found: skipped")}), acc and acc_norm of the target models; chance is 50 % |");
        L();

        L("## Pipeline: clustering, pruning, merging");
        L();
        L("| measure | value |");
        L("|---|---|");
        L($"| NMI of the {f.Pipeline.FineClusters} k-means clusters vs the domain tags (all {f.Pipeline.Documents:N0} training documents) | {F(f.Pipeline.NmiFineAll, "F3")} (ARI {F(f.Pipeline.AriFineAll, "F3")}) |");
        L($"| NMI of the k-means clusters vs domains, documents kept by pruning | {F(f.Pipeline.NmiFineKept, "F3")} |");
        L($"| NMI of the {f.Pipeline.SuperClusters} merged super-clusters vs domains, kept documents | {F(f.Pipeline.NmiSuperKept, "F3")} (ARI {F(f.Pipeline.AriSuperKept, "F3")}) |");
        int dropped = f.Pipeline.DroppedByDomain.Values.Sum();
        L($"| pruning | {f.Pipeline.FineClusters - f.Pipeline.KeptClusters} of {f.Pipeline.FineClusters} clusters dropped, {dropped:N0} of {f.Pipeline.Documents:N0} documents ({F(100.0 * dropped / Math.Max(1, f.Pipeline.Documents), "F1")} %) |");
        L($"| dropped documents by domain | {string.Join(", ", f.Pipeline.Domains.Select(d => $"{d} {f.Pipeline.DroppedByDomain.GetValueOrDefault(d):N0}/{f.Pipeline.DocumentsByDomain.GetValueOrDefault(d):N0}"))} |");
        L($"| reasons (clusters, a cluster may fail several) | {(f.Pipeline.DroppedReasons.Count == 0 ? "none" : string.Join(", ", f.Pipeline.DroppedReasons.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")))} |");
        L($"| stage times (s) | {string.Join(", ", f.StageSeconds.Select(kv => $"{kv.Key} {F(kv.Value, "F0")}"))} (outcomes this invocation: {string.Join(", ", f.StageOutcomes.Select(kv => $"{kv.Key} {kv.Value.ToLowerInvariant()}"))}) |");
        L();
        if (f.Pipeline.KeptClusters == f.Pipeline.FineClusters)
        {
            L("Pruning removed nothing here: with the rule-based scorer, every cluster's mean scores clear the NVIDIA recipe's thresholds (advertisement ≥ 2, the others ≥ 1). The corpus is curated reference text (dictionaries, scripture, quotations, library source) with no spam or boilerplate clusters, so this is the expected outcome, not a failure of the stage; on web text the same recipe drops clusters.");
            L();
        }

        L("NMI is 1 when clusters reproduce the domains exactly and 0 when they are independent of them; the fine clusters split domains into topics, so their NMI is bounded by the extra entropy of the split. Merging into super-clusters should keep most of the domain information with far fewer components.");
        L();

        // The per-kind sections: the first proxy kind under level-2 headings, every other kind after it under its own.
        void Sections(string h)
        {
            L(h + " Main result: target models trained on each strategy's mixture");
            L();
            L($"Mean ± standard deviation over {seeds.Length} seed(s). Target loss: the {f.TargetModel} model's loss on the held-out text after continuing its base on the mixture for {s.TargetTokens:N0} tokens (lower is better). Best proxy loss: the best proxy measured during the search.");
            L();
            L("| strategy | proxy runs | compute (proxy tokens) | best proxy loss | target model loss | Δ vs uniform | PIQA acc | PIQA acc_norm | target-domain share of the mixture |");
            L("|---|---|---|---|---|---|---|---|---|");
            var uniform = Of("uniform").ToDictionary(r => r.Seed);
            foreach (string name in EvidenceExperiment.StrategyNames)
            {
                var runs = Of(name).ToList();
                if (runs.Count == 0)
                {
                    continue;
                }

                var delta = runs.Where(r => uniform.ContainsKey(r.Seed)).Select(r => r.Target.Loss - uniform[r.Seed].Target.Loss);
                L($"| {name} | {runs[0].ProxyRuns} | {runs.Average(r => (double)r.ComputeTokens):N0} | {MS(runs.Select(r => r.BestProxyLoss))} | {MS(runs.Select(r => r.Target.Loss))} | {(name == "uniform" ? "—" : MS(delta))} | " +
                  $"{(f.PiqaUsed ? MS(runs.Select(r => 100 * (r.Target.PiqaAcc ?? double.NaN)), "F1") + " %" : "—")} | {(f.PiqaUsed ? MS(runs.Select(r => 100 * (r.Target.PiqaAccNorm ?? double.NaN)), "F1") + " %" : "—")} | {MS(runs.Select(r => 100 * r.TargetDomainShare), "F1")} % |");
            }

            L();
            L("Paired differences (same seed), target model loss of CLIMB minus the other strategy (negative = CLIMB better):");
            L();
            L("| comparison | mean ± std | CLIMB better in |");
            L("|---|---|---|");
            var climb = Of("climb").ToDictionary(r => r.Seed);
            var pairs = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (string other in EvidenceExperiment.StrategyNames.Where(n => n != "climb" && Of(n).Any()))
            {
                var d = Of(other).Where(r => climb.ContainsKey(r.Seed)).Select(r => climb[r.Seed].Target.Loss - r.Target.Loss).ToArray();
                pairs[other] = d;
                L($"| climb − {other} | {MS(d)} | {d.Count(x => x < 0)} of {d.Length} seeds |");
            }

            L();

            L(h + " CLIMB round by round");
            L();
            L("Best proxy loss found so far after each round (the search's own measurement), and the chosen predictor's quality: held-out Spearman is the cross-validated rank correlation of predicted vs measured loss on the proxies seen before the round (the predictor that chose the round's mixtures); prospective Spearman compares the predictions made for the round's mixtures with what their proxies then measured.");
            L();
            L("| round | proxies | best proxy loss so far | best proxy loss of the round | predictor held-out Spearman | prospective Spearman |");
            L("|---|---|---|---|---|---|");
            var climbRuns = Of("climb").ToList();
            int rounds = climbRuns.Count == 0 ? 0 : climbRuns.Max(r => r.Rounds.Count);
            for (int i = 0; i < rounds; i++)
            {
                var rs = climbRuns.Where(r => r.Rounds.Count > i).Select(r => r.Rounds[i]).ToList();
                L($"| {i + 1} | {rs[0].Proxies} | {MS(rs.Select(r => r.BestLossSoFar))} | {MS(rs.Select(r => r.BestLossThisRound))} | {MS(rs.Select(r => r.HeldOutSpearman), "F2")} | {MS(rs.Select(r => r.ProspectiveSpearman), "F2")} |");
            }

            if (climbRuns.Count > 0)
            {
                L($"| answer | all {climbRuns[0].ProxyRuns} | | | {MS(climbRuns.Select(r => r.AnswerSpearman ?? double.NaN), "F2")} (fit on {climbRuns[0].AnswerPredictorPoints}) | |");
            }

            var regmix = Of("regmix").ToList();
            if (regmix.Count > 0)
            {
                L();
                L($"RegMix's predictor, fitted once on its {regmix[0].ProxyRuns} random proxies: held-out Spearman {MS(regmix.Select(r => r.AnswerSpearman ?? double.NaN), "F2")}.");
            }

            L();
            L(h + " Per seed");
            L();
            L("| seed | strategy | best proxy loss | target model loss | PIQA acc_norm | answer |");
            L("|---|---|---|---|---|---|");
            foreach (var r in f.Runs.OrderBy(r => r.Seed).ThenBy(r => Array.IndexOf(EvidenceExperiment.StrategyNames, r.Strategy)))
            {
                L($"| {r.Seed} | {r.Strategy} | {F(r.BestProxyLoss)} | {F(r.Target.Loss)} | {(r.Target.PiqaAccNorm is double a ? F(100 * a, "F1") + " %" : "—")} | {r.AnswerMethod} |");
            }

            L();
            L(h + " Reading (generated from the numbers above)");
            L();
            foreach (string line in Reading(f, pairs, climbRuns, Of))
            {
                L("- " + line);
            }

            L();
        }

        Sections("##");
        foreach (string kind in all.Settings.ProxyKinds.Skip(1).Where(k => all.Runs.Any(r => r.Proxy == k)))
        {
            f.Runs = all.Runs.Where(r => r.Proxy == kind).ToList();
            seeds = f.Runs.Select(r => r.Seed).Distinct().Order().ToArray();
            L($"## Details: {kind} proxies");
            L();
            L($"The same target models and seeds; the search proxy is the {kind} proxy ({(kind == "ngram" ? $"order-4 Kneser-Ney on {s.NGramTokens:N0} tokens, CLIMB rounds {string.Join("/", s.NGramRounds)}, budget {s.NGramBudget}" : "see Setup")}).");
            L();
            Sections("###");
        }

        f.Runs = all.Runs.ToList();
        L("## Cost");
        L();
        L($"{f.ProxiesTrained} distinct proxies trained, {F(f.ProxySecondsMean, "F1")} s each on average (training at {F(f.ProxyTokensPerSecond, "F0")} tokens/s; the time includes scoring the target), {F(f.ProxySecondsTotal / 60, "F1")} min in all; target models {F(f.Runs.Average(r => r.Target.Seconds), "F0")} s each ({F(f.Runs.Average(r => r.Target.TokensPerSecond), "F0")} tokens/s, PIQA scoring included in the time).");
        if (discussion is not null)
        {
            L();
            md.Append(discussion.TrimEnd()).Append('\n');
        }

        return md.ToString();
    }

    private static IEnumerable<string> Reading(RunFacts f, Dictionary<string, double[]> pairs, List<StrategyRun> climb, Func<string, IEnumerable<StrategyRun>> of)
    {
        string F(double v, string fmt = "F4") => double.IsFinite(v) ? v.ToString(fmt, Inv) : "n/a";
        int n = climb.Count;
        if (f.Settings.Quick)
        {
            yield return "This is a smoke run: with so few proxies and tokens the differences are noise; read the structure of the report, not its numbers.";
        }

        foreach (var (other, d) in pairs)
        {
            if (d.Length == 0)
            {
                continue;
            }

            double mean = d.Average(), sd = d.Length > 1 ? Std(d) : double.NaN;
            string verdict = mean < 0
                ? (d.Length > 1 && Math.Abs(mean) > sd ? "beats" : "is ahead of, within the seeds' spread,")
                : (d.Length > 1 && Math.Abs(mean) > sd ? "loses to" : "is behind, within the seeds' spread,");
            yield return $"Target model: CLIMB {verdict} {other} by {F(Math.Abs(mean))} nats/token on average (paired difference {F(mean)} ± {F(sd)}, CLIMB better in {d.Count(x => x < 0)} of {d.Length} seeds).";
        }

        if (n > 0 && climb[0].Rounds.Count >= 2)
        {
            var first = climb.Select(r => r.Rounds[0].BestLossSoFar).ToArray();
            var last = climb.Select(r => r.Rounds[^1].BestLossSoFar).ToArray();
            var firstRound = climb.Select(r => r.Rounds[0].BestLossThisRound).ToArray();
            var lastRound = climb.Select(r => r.Rounds[^1].BestLossThisRound).ToArray();
            yield return $"Iterating: the best proxy loss went from {F(first.Average())} after round 1 to {F(last.Average())} after round {climb[0].Rounds.Count} (improved in {first.Zip(last).Count(p => p.Second < p.First)} of {n} seeds); the best proxy of the last round alone scored {F(lastRound.Average())} vs {F(firstRound.Average())} for round 1 (better in {firstRound.Zip(lastRound).Count(p => p.Second < p.First)} of {n} seeds).";
            var sp = climb.Select(r => r.AnswerSpearman ?? double.NaN).Where(double.IsFinite).ToArray();
            if (sp.Length > 0)
            {
                yield return $"Predictor: the chosen predictor's held-out Spearman on all of CLIMB's proxies is {F(sp.Average(), "F2")} (the paper reports about 0.94 with far more and larger proxies); per round it is in the table above.";
            }
        }

        var best = of("best-of-n").ToDictionary(r => r.Seed);
        var proxyGap = climb.Where(r => best.ContainsKey(r.Seed)).Select(r => r.BestProxyLoss - best[r.Seed].BestProxyLoss).ToArray();
        if (proxyGap.Length > 0)
        {
            double gap = proxyGap.Average(), gapSd = proxyGap.Length > 1 ? Std(proxyGap) : double.NaN;
            bool clear = proxyGap.Length > 1 && Math.Abs(gap) > gapSd;
            yield return $"Search quality at equal budget: CLIMB's best measured proxy is {F(Math.Abs(gap))} nats/token {(gap < 0 ? "below" : "above")} Best-of-N's on average (± {F(gapSd)} over seeds; CLIMB lower in {proxyGap.Count(x => x < 0)} of {proxyGap.Length} seeds). " +
                (!clear
                    ? "That is within the seeds' spread: at this budget the predictor-steered rounds found no clearly better mixtures than independent draws."
                    : gap < 0
                        ? "Its later rounds spent the budget where the predictor expected low loss, and found better mixtures than independent draws."
                        : "The predictor-steered rounds found worse mixtures than independent draws: the predictor ranks poorly here (see its Spearman).");
        }

        string[] label = ["the uniform mixture", "Best-of-N's", "RegMix's", "CLIMB's", "DoReMi's"];
        var shares = EvidenceExperiment.StrategyNames.Select((name, i) => (Label: label[i], Share: of(name).Select(r => r.TargetDomainShare).DefaultIfEmpty(double.NaN).Average()))
            .Where(p => double.IsFinite(p.Share)).Select(p => $"{F(100 * p.Share, "F0")} % of {p.Label}").ToList();
        yield return $"Where the weight goes: the target domains ({string.Join(", ", f.Settings.TargetDomains)}) hold {string.Join(", ", shares)} answer (character shares of the super-clusters).";
        if (f.PiqaUsed)
        {
            yield return "PIQA is a secondary figure only: the target models are far too small for commonsense reasoning, so their PIQA accuracy stays near chance (50 %) whatever the mixture, and the corpus (fortunes, bible, dictionaries, Python) holds little physical commonsense text.";
        }
    }

    private static double Std(IReadOnlyList<double> v)
    {
        if (v.Count < 2)
        {
            return double.NaN;
        }

        double m = v.Average();
        return Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Count - 1));
    }
}

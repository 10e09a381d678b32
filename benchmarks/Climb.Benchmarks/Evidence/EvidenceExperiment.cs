using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Issue 8: reproduces CLIMB's central claims at small scale on the full multi-domain corpus. Runs the real pipeline
/// (GloVe-SIF embedding, k-means, rule-based pruning, Ward merging, tokenisation) once, pre-trains a tiny base model on
/// the uniform mixture, runs uniform / Best-of-N / RegMix / CLIMB at the same proxy budget per seed, trains a larger
/// target model on each strategy's answer and writes <c>docs/results-issue8.md</c>. Everything lives under a fixed work folder,
/// so a rerun continues where an interrupted one stopped.
/// </summary>
internal sealed class EvidenceExperiment(EvidenceSettings settings)
{
    internal static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    internal static readonly string[] StrategyNames = ["uniform", "best-of-n", "regmix", "climb", "doremi"];
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static async Task<int> MainAsync(string[] args)
    {
        EvidenceSettings settings;
        try
        {
            settings = EvidenceSettings.Parse(args);
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
            await new EvidenceExperiment(settings).RunAsync(cts.Token);
            return 0;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("Interrupted: finished work is kept in the work folder; run the same command again to continue.");
            return 130;
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        string root = FindRepoRoot();
        string work = Path.GetFullPath(Path.IsPathRooted(settings.WorkFolder) ? settings.WorkFolder : Path.Combine(root, settings.WorkFolder));
        string runFolder = Path.Combine(work, settings.RunTag);
        Directory.CreateDirectory(runFolder);
        if (settings.ReportOnly)
        {
            string saved = Path.Combine(runFolder, "facts.json");
            if (!File.Exists(saved))
            {
                throw new FileNotFoundException($"--report-only: no saved run at {saved}; run the experiment with the same settings first.", saved);
            }

            var old = JsonSerializer.Deserialize<RunFacts>(await File.ReadAllTextAsync(saved, ct), Json)!;
            string output = Path.IsPathRooted(settings.OutputMarkdown) ? settings.OutputMarkdown : Path.Combine(root, settings.OutputMarkdown);
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, EvidenceReport.Write(old, KeptDiscussion(output)), ct);
            await File.WriteAllTextAsync(Path.Combine(Path.GetDirectoryName(output)!, Path.GetFileNameWithoutExtension(output) + ".json"), EvidenceSummary.Json(old), ct);
            Say($"wrote {output} and its .json from {saved}");
            return;
        }

        string loadStart = LoadAverage();
        Say($"evidence: work folder {work}, run {settings.RunTag}, load average {loadStart}");
        await File.WriteAllTextAsync(Path.Combine(runFolder, "settings.json"), JsonSerializer.Serialize(settings, Json), ct);

        // 1. The full corpus, and the held-out target documents taken out of it.
        string corpusFolder = settings.Corpus ?? Path.Combine(work, "corpus");
        await EnsureFullCorpusAsync(root, corpusFolder, settings.Corpus is null, ct);
        var all = new List<Document>();
        await foreach (var d in ClimbCorpus.FromFiles([corpusFolder], new CorpusReaderOptions { FilePattern = "*.jsonl.gz" }).ReadAsync(ct))
        {
            all.Add(d);
        }

        var (training, heldOut) = Split(all);
        var target = new TextTarget("heldout", heldOut.Select(d => d.Text.Length <= settings.HeldOutMaxChars ? d.Text : d.Text[..settings.HeldOutMaxChars]).ToList());
        Say($"corpus: {all.Count} documents; {heldOut.Count} held out as the target ({string.Join(", ", settings.TargetDomains)}), {training.Count} for training");

        // 2. The real pipeline up to tokenisation (reused from the artifacts folder when complete).
        string artifacts = Path.Combine(work, $"artifacts-k{settings.SuperClusters.ToString(CultureInfo.InvariantCulture)}-{settings.Tokenizer}");
        var pipeline = new ClimbPipelineBuilder()
            .WithArtifactsFolder(artifacts)
            .Configure(o =>
            {
                o.Merging = new CentroidMergerOptions { TargetClusterCount = settings.SuperClusters };
                o.Device = ComputeDevice.Cpu;
                o.Tokenizer = settings.Tokenizer;
            })
            .Build();
        var lastReport = Stopwatch.StartNew();
        var progress = new Progress<ClimbProgress>(p =>
        {
            if (lastReport.Elapsed.TotalSeconds >= 10 || p.Message is "running" or "reused" or "resuming")
            {
                lastReport.Restart();
                Say($"  pipeline {p.Stage}: {p.Message} {(p.Completed is long d ? d.ToString(CultureInfo.InvariantCulture) : string.Empty)}{(p.Total is long t ? "/" + t.ToString(CultureInfo.InvariantCulture) : string.Empty)}");
            }
        });
        var stageReports = await pipeline.RunUntilAsync(ClimbCorpus.FromDocuments(training), [], "tokenize", progress, ct);
        var pipelineFacts = AnalysePipeline(artifacts, training);
        using var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store"));
        Say($"pipeline: {pipelineFacts.FineClusters} clusters, {pipelineFacts.KeptClusters} kept, {pipelineFacts.SuperClusters} super-clusters, {store.TotalTokens:N0} tokens, vocabulary {store.ModelVocabularySize}");

        var names = Enumerable.Range(0, store.ClusterCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c), names);

        // 3. Base models on the uniform mixture: one of the proxy size, one of the target size.
        var proxyModel = ProxyModelOptions.FromPreset(ProxyModelSize.Tiny);
        if (store.Tokenizer.Identity == "byte")
        {
            proxyModel.ContextLength = 256; // bytes carry a quarter of what BPE tokens do: keep about the same text span
        }

        var targetModel = new ProxyModelOptions { Layers = settings.TargetLayers, ModelDimension = settings.TargetDimension, Heads = 4, ContextLength = proxyModel.ContextLength };
        var proxyBase = await EnsureBaseAsync(Path.Combine(runFolder, "proxy-base"), proxyModel, settings.BaseTokens, store, target, ct);
        var targetBase = await EnsureBaseAsync(Path.Combine(runFolder, "target-base"), targetModel, settings.TargetBaseTokens, store, target, ct);
        var proxyOptions = new TorchSharpProxyTrainerOptions
        {
            Model = proxyModel,
            TokenBudget = settings.ProxyTokens,
            BaseCheckpointPath = proxyBase.Path,
            BatchSize = settings.BatchSize,
            Threads = settings.Threads,
            Device = ComputeDevice.Cpu,
        };
        var proxyTrainer = new TorchSharpProxyTrainer(proxyOptions);
        var targetTrainer = new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions
        {
            Model = targetModel,
            TokenBudget = settings.TargetTokens,
            BaseCheckpointPath = targetBase.Path,
            BatchSize = settings.BatchSize,
            Threads = settings.Threads,
            Device = ComputeDevice.Cpu,
        });

        MultipleChoiceTarget? piqa = null;
        int piqaSkipped = 0;
        string piqaFolder = Path.Combine(root, "data", "eval", "piqa");
        if (settings.PiqaItems > 0)
        {
            if (File.Exists(Path.Combine(piqaFolder, "valid.jsonl")))
            {
                // The models see ContextLength tokens: items whose answers do not fit (long byte-level answers) are left out, first N of the rest.
                var allItems = MultipleChoiceTarget.LoadPiqa(Path.Combine(piqaFolder, "valid.jsonl"), Path.Combine(piqaFolder, "valid-labels.lst")).Items;
                var ids = new List<int>();
                var fitting = allItems.Where(item => item.Choices.All(c =>
                {
                    ids.Clear();
                    store.EncodeForModel(" " + c, ids);
                    return ids.Count < proxyModel.ContextLength - 8;
                })).ToList();
                piqaSkipped = allItems.Count - fitting.Count;
                piqa = new MultipleChoiceTarget("piqa", fitting.Take(settings.PiqaItems).ToList());
                Say($"PIQA: {piqa.Items.Count} items scored ({piqaSkipped} of {allItems.Count} have an answer longer than the context)");
            }
            else
            {
                Say($"PIQA not found in {piqaFolder}: the secondary PIQA figure is skipped");
            }
        }

        // 4. Per seed and proxy kind: every strategy at the same proxy budget, then a target model on its answer.
        var ngramTrainer = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = settings.NGramTokens, EvaluationWindow = proxyModel.ContextLength + 1 });
        var runs = new List<StrategyRun>();
        var transfer = new List<TransferFacts>();
        var firstClimbRound = new Dictionary<string, IReadOnlyList<ProxyResult>>(StringComparer.Ordinal);
        var targetDomainShare = pipelineFacts.TargetShares(settings.TargetDomains);
        for (int s = 1; s <= settings.Seeds; s++)
        {
            string seedFolder = Path.Combine(runFolder, "seed-" + s.ToString(CultureInfo.InvariantCulture));
            foreach (string kind in settings.ProxyKinds)
            {
                string kindFolder = Path.Combine(seedFolder, kind);
                Directory.CreateDirectory(kindFolder);
                var cache = new ProxyCache(Path.Combine(kindFolder, "proxy-cache.jsonl"));
                int proxiesDone = 0;
                int seedNow = s;
                ProxyEvaluator train = async (mixture, seed, token) =>
                {
                    var request = new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = store, Targets = [target] };
                    var r = kind == "ngram" ? await ngramTrainer.TrainAsync(request, null, token) : await proxyTrainer.TrainAsync(request, null, token);
                    proxiesDone++;
                    if (kind != "ngram" || proxiesDone % 16 == 0)
                    {
                        Say($"  seed {seedNow} {kind}: proxy {proxiesDone} trained in {r.Elapsed.TotalSeconds:F1} s, target loss {r.Objective:F4}");
                    }

                    return r;
                };
                var evaluator = cache.Wrap(train);
                foreach (string name in StrategyNames)
                {
                    if (name == "doremi" && kind == "ngram")
                    {
                        continue; // DoReMi trains transformer proxies itself: it runs once per seed, in the transformer block
                    }

                    string folder = Path.Combine(kindFolder, name);
                    Directory.CreateDirectory(folder);
                    var strategy = CreateStrategy(name, kind, proxyOptions);
                    if (strategy is DoReMiSearchStrategy doremi)
                    {
                        // The same proxy model, base and protocol as the transformer proxies, resumable in its own folder.
                        strategy = doremi.Bind(store, Path.Combine(folder, "work"), proxyBase.Path);
                    }

                    Say($"seed {s} {kind}: {name} ({strategy.RoundBudgets.Sum()} proxy runs)");
                    var search = new MixtureSearch(strategy, new MixtureSearchOptions
                    {
                        Seed = s,
                        JournalPath = Path.Combine(folder, "journal.jsonl"),
                        // The measured-answer check is this library's addition to CLIMB; the baselines run as published.
                        KeepBestMeasuredWhenAnswerIsWorse = name == "climb",
                        ProxyConfiguration = kind == "ngram"
                            ? $"evidence {settings.RunTag} {ngramTrainer.Identity}"
                            : $"evidence {settings.RunTag} tiny tokens={settings.ProxyTokens} base={settings.BaseTokens}",
                    });
                    var result = await search.RunAsync(prior, evaluator, null, ct);
                    if (name == "climb" && s == 1)
                    {
                        firstClimbRound[kind] = result.Rounds[0].Results;
                    }

                    // The uniform answer is the same for every proxy kind: one target model per seed.
                    string targetPath = name == "uniform" ? Path.Combine(seedFolder, "uniform-target.json") : Path.Combine(folder, "target.json");
                    var outcome = await EnsureTargetModelAsync(targetPath, targetTrainer, result.Mixture, 7919 * s + 17, store, target, piqa, ct);
                    var run = StrategyRun.From(name, s, result, outcome, targetDomainShare, answerMeasurementChooses: name == "climb");
                    run.Proxy = kind;
                    runs.Add(run);
                    await File.WriteAllTextAsync(Path.Combine(folder, "run.json"), JsonSerializer.Serialize(run, Json), ct);
                    Say($"seed {s} {kind}: {name} answer {result.Answer.Method} ({result.AnswerSource}); best proxy loss {run.BestProxyLoss:F4}; SNR {result.SignalToNoise:F1}; target model loss {outcome.Loss:F4}" +
                        (outcome.PiqaAccNorm is double an ? $", PIQA acc_norm {an:P1}" : string.Empty));
                }
            }

            if (s == 1)
            {
                // The transfer check the paper relies on: target models on mixtures spanning the first round's proxy objectives.
                foreach (var (kind, results) in firstClimbRound)
                {
                    var sorted = results.OrderBy(r => r.Objective).ToList();
                    int m = Math.Min(settings.TransferMixtures, sorted.Count);
                    var facts = new TransferFacts { Proxy = kind };
                    for (int i = 0; i < m; i++)
                    {
                        var r = sorted[m == 1 ? 0 : (int)Math.Round(i * (sorted.Count - 1) / (double)(m - 1))];
                        var outcome = await EnsureTargetModelAsync(
                            Path.Combine(runFolder, "transfer", kind, $"mixture-{i.ToString(CultureInfo.InvariantCulture)}.json"), targetTrainer, r.Mixture, 101, store, target, null, ct);
                        facts.ProxyObjectives.Add(r.Objective);
                        facts.TargetLosses.Add(outcome.Loss);
                    }

                    facts.Spearman = facts.ProxyObjectives.Count >= 3
                        ? MathNet.Numerics.Statistics.Correlation.Spearman(facts.ProxyObjectives, facts.TargetLosses)
                        : double.NaN;
                    transfer.Add(facts);
                    Say($"transfer {kind}: Spearman(proxy objective, target loss) = {facts.Spearman:F2} over {facts.ProxyObjectives.Count} mixtures");
                }
            }

            if (s < settings.Seeds)
            {
                await WriteReportAsync(s);
            }
        }

        // 5. The report (rewritten after every seed, so a run cut short still leaves the seeds it finished).
        async Task WriteReportAsync(int seedsDone)
        {
            var proxyTimes = Directory.EnumerateFiles(runFolder, "proxy-cache.jsonl", SearchOption.AllDirectories)
                .SelectMany(p => new ProxyCache(p).Entries).ToList();
            var facts = new RunFacts
            {
                Settings = settings,
                CorpusDocuments = all.Count,
                TrainingDocuments = training.Count,
                HeldOut = heldOut.GroupBy(d => d.Source ?? "?").ToDictionary(g => g.Key, g => g.Count()),
                TargetScoredTokens = proxyTimes.Select(e => e.Metrics.GetValueOrDefault("target:heldout/tokens")).FirstOrDefault(),
                Pipeline = pipelineFacts,
                StageSeconds = StageSeconds(artifacts),
                StageOutcomes = stageReports.ToDictionary(r => r.Stage, r => r.Outcome.ToString()),
                Tokens = store.TotalTokens,
                Vocabulary = store.ModelVocabularySize,
                TokenizerIdentity = store.Tokenizer.Identity,
                ProxyModel = proxyModel.Describe(),
                ContextLength = proxyModel.ContextLength,
                ProxyParameters = proxyModel.ParameterCount(store.ModelVocabularySize),
                TargetModel = targetModel.Describe(),
                TargetParameters = targetModel.ParameterCount(store.ModelVocabularySize),
                ProxyBase = proxyBase,
                TargetBase = targetBase,
                ProxiesTrained = proxyTimes.Count,
                ProxySecondsMean = proxyTimes.Count == 0 ? 0 : proxyTimes.Average(e => e.Seconds),
                ProxySecondsTotal = proxyTimes.Sum(e => e.Seconds),
                ProxyTokensPerSecond = proxyTimes.Count == 0 ? 0 : proxyTimes.Average(e => e.Metrics.GetValueOrDefault("train/tokens_per_second")),
                Runs = runs,
                Transfer = transfer,
                SeedsDone = seedsDone,
                WallSeconds = Clock.Elapsed.TotalSeconds,
                LoadStart = loadStart,
                LoadEnd = LoadAverage(),
                PiqaUsed = piqa is not null,
                PiqaItems = piqa?.Items.Count ?? 0,
                PiqaSkipped = piqaSkipped,
                Machine = $"{Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}",
                Command = "dotnet run -c Release --project benchmarks/Climb.Benchmarks -- evidence " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
            };
            await File.WriteAllTextAsync(Path.Combine(runFolder, "facts.json"), JsonSerializer.Serialize(facts, Json), ct);
            string md = Path.IsPathRooted(settings.OutputMarkdown) ? settings.OutputMarkdown : Path.Combine(root, settings.OutputMarkdown);
            Directory.CreateDirectory(Path.GetDirectoryName(md)!);
            await File.WriteAllTextAsync(md, EvidenceReport.Write(facts, KeptDiscussion(md)), ct);
            string resultsJson = Path.Combine(Path.GetDirectoryName(md)!, Path.GetFileNameWithoutExtension(md) + ".json");
            await File.WriteAllTextAsync(resultsJson, EvidenceSummary.Json(facts), ct);
            Say($"wrote {md} ({Clock.Elapsed.TotalMinutes:F1} min, load average {facts.LoadEnd})");
        }

        await WriteReportAsync(settings.Seeds);
    }

    private IMixtureSearchStrategy CreateStrategy(string name, string kind, TorchSharpProxyTrainerOptions proxyOptions)
    {
        int budget = kind == "ngram" ? settings.NGramBudget : settings.Budget;
        int[] rounds = kind == "ngram" ? settings.NGramRounds : settings.RoundBudgets;
        return name switch
        {
            "uniform" => new UniformSearchStrategy(),
            "best-of-n" => new BestOfNSearchStrategy(budget),
            "regmix" => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = budget }),
            "climb" => new ClimbSearchStrategy(new ClimbSearchStrategyOptions { RoundBudgets = rounds.ToList() }),
            // Equal compute: its reference and DRO proxies together train the tokens of the others' `budget` proxies.
            "doremi" => new DoReMiSearchStrategy(
                new DoReMiSearchStrategyOptions { EquivalentProxyRuns = budget },
                proxyOptions),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private (List<Document> Training, List<Document> HeldOut) Split(List<Document> all)
    {
        var heldIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (string domain in settings.TargetDomains)
        {
            var pool = all.Where(d => string.Equals(d.Source, domain, StringComparison.Ordinal)).OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
            if (pool.Count < settings.HeldOutPerDomain * 2)
            {
                var known = string.Join(", ", all.Select(d => d.Source).Distinct());
                throw new ArgumentException($"--target-domains: domain '{domain}' has {pool.Count} documents, too few to hold out {settings.HeldOutPerDomain}; domains are {known}.");
            }

            // A seeded choice, independent of the experiment seeds: every seed and strategy is scored on the same text.
            var random = new Random(20251123);
            foreach (var d in pool.OrderBy(_ => random.Next()).Take(settings.HeldOutPerDomain))
            {
                heldIds.Add(d.Id);
            }
        }

        return (all.Where(d => !heldIds.Contains(d.Id)).ToList(), all.Where(d => heldIds.Contains(d.Id)).ToList());
    }

    private Task<BaseFacts> EnsureBaseAsync(string folder, ProxyModelOptions model, long tokens, TokenizedClusterStore store, TextTarget target, CancellationToken ct) =>
        EvidenceModels.EnsureBaseAsync(folder, model, tokens, store, target, settings.Threads, settings.BatchSize, settings.BaseLearningRate, Say, ct);

    private static Task<TargetOutcome> EnsureTargetModelAsync(
        string path, TorchSharpProxyTrainer trainer, MixtureWeights mixture, int seed, TokenizedClusterStore store, TextTarget target, MultipleChoiceTarget? piqa, CancellationToken ct) =>
        EvidenceModels.EnsureTargetModelAsync(path, trainer, mixture, seed, store, target, piqa, ct);

    private static PipelineFacts AnalysePipeline(string artifacts, List<Document> training)
    {
        var ids = EmbeddingStore.Open(Path.Combine(artifacts, "01-embed", "store")).ReadDocumentIds();
        var byId = training.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var domainNames = training.Select(d => d.Source ?? "?").Distinct().Order(StringComparer.Ordinal).ToArray();
        var domainIndex = domainNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var domain = ids.Select(id => domainIndex[byId[id].Source ?? "?"]).ToArray();
        var chars = ids.Select(id => (long)byId[id].Text.Length).ToArray();
        int[] assignments = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(artifacts, "02-cluster", "assignments.i32"))).ToArray();
        using var merge = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "05-merge", "merge.json")));
        int supers = merge.RootElement.GetProperty("SuperClusterCount").GetInt32();
        int[] superOf = merge.RootElement.GetProperty("SuperClusterOf").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        using var kept = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "04-prune", "kept.json")));
        var reasons = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in kept.RootElement.GetProperty("Clusters").EnumerateArray())
        {
            if (!c.GetProperty("Kept").GetBoolean())
            {
                foreach (string r in (c.GetProperty("Reasons").GetString() ?? string.Empty).Split("; ", StringSplitOptions.RemoveEmptyEntries))
                {
                    string key = r.Split(' ', 2)[0];
                    reasons[key] = reasons.GetValueOrDefault(key) + 1;
                }
            }
        }

        var keptDocs = Enumerable.Range(0, ids.Count).Where(i => superOf[assignments[i]] >= 0).ToArray();
        var droppedByDomain = new Dictionary<string, int>(StringComparer.Ordinal);
        var docsByDomain = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            string dn = domainNames[domain[i]];
            docsByDomain[dn] = docsByDomain.GetValueOrDefault(dn) + 1;
            if (superOf[assignments[i]] < 0)
            {
                droppedByDomain[dn] = droppedByDomain.GetValueOrDefault(dn) + 1;
            }
        }

        // Character share of every domain in every super-cluster (a proxy for its token share).
        var superDomainChars = new double[supers][];
        for (int s = 0; s < supers; s++)
        {
            superDomainChars[s] = new double[domainNames.Length];
        }

        foreach (int i in keptDocs)
        {
            superDomainChars[superOf[assignments[i]]][domain[i]] += chars[i];
        }

        int fine = assignments.Max() + 1;
        return new PipelineFacts
        {
            Documents = ids.Count,
            FineClusters = fine,
            KeptClusters = superOf.Count(s => s >= 0),
            SuperClusters = supers,
            Domains = domainNames,
            DocumentsByDomain = docsByDomain,
            DroppedByDomain = droppedByDomain,
            DroppedReasons = reasons,
            NmiFineAll = ClusteringMetrics.NormalizedMutualInformation(assignments, domain),
            AriFineAll = ClusteringMetrics.AdjustedRandIndex(assignments, domain),
            NmiFineKept = ClusteringMetrics.NormalizedMutualInformation(keptDocs.Select(i => assignments[i]).ToArray(), keptDocs.Select(i => domain[i]).ToArray()),
            NmiSuperKept = ClusteringMetrics.NormalizedMutualInformation(keptDocs.Select(i => superOf[assignments[i]]).ToArray(), keptDocs.Select(i => domain[i]).ToArray()),
            AriSuperKept = ClusteringMetrics.AdjustedRandIndex(keptDocs.Select(i => superOf[assignments[i]]).ToArray(), keptDocs.Select(i => domain[i]).ToArray()),
            SuperDomainShares = superDomainChars.Select(row =>
            {
                double total = Math.Max(1, row.Sum());
                return row.Select(v => v / total).ToArray();
            }).ToArray(),
        };
    }

    private static Dictionary<string, double> StageSeconds(string artifacts)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (string dir in Directory.GetDirectories(artifacts).Order(StringComparer.Ordinal))
        {
            if (StageManifest.TryLoad(dir) is { Complete: true } m)
            {
                result[m.Stage] = m.Seconds;
            }
        }

        return result;
    }

    private static async Task EnsureFullCorpusAsync(string root, string folder, bool build, CancellationToken ct)
    {
        string marker = Path.Combine(folder, ".complete");
        if (File.Exists(marker) || (!build && Directory.Exists(folder) && Directory.GetFiles(folder, "*.jsonl.gz").Length > 0))
        {
            return;
        }

        if (!build)
        {
            throw new DirectoryNotFoundException($"--corpus {folder}: no *.jsonl.gz files there (build them with python3 scripts/build-sample-corpus.py --full {folder}).");
        }

        string tmp = folder + ".tmp";
        if (Directory.Exists(tmp))
        {
            Directory.Delete(tmp, recursive: true);
        }

        Directory.CreateDirectory(tmp);
        Say($"corpus: building the full corpus from the Debian packages (scripts/build-sample-corpus.py --full {tmp})");
        var psi = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(root, "scripts", "build-sample-corpus.py"));
        psi.ArgumentList.Add("--full");
        psi.ArgumentList.Add(tmp);
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start python3.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/build-sample-corpus.py --full failed (exit {process.ExitCode}): {await stderr}\nInstall its Debian packages: sudo apt-get install fortunes fortunes-min bible-kjv dict-foldoc jargon-text dict-devil python3.11");
        }

        Console.WriteLine((await stdout).TrimEnd());
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(tmp, folder);
        await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), ct);
    }

    internal static string FindRepoRoot()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException("Run the experiment from inside the Climb repository (Climb.sln not found above the current directory).");
    }

    /// <summary>The hand-written discussion at the end of an existing results file (kept when the file is regenerated).</summary>
    private static string? KeptDiscussion(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        string text = File.ReadAllText(path);
        int i = text.IndexOf(EvidenceReport.DiscussionMarker, StringComparison.Ordinal);
        return i < 0 ? null : text[i..];
    }

    internal static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private static void Say(string message) => Console.WriteLine($"[{Clock.Elapsed:hh\\:mm\\:ss}] {message}");
}

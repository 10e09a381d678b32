using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Climb.Cli;

/// <summary>The pipeline commands: <c>climb run</c> and one command per stage (<c>climb embed</c> … <c>climb export</c>),
/// which run the pipeline up to and including that stage, reusing what the artifacts folder holds.</summary>
internal static class PipelineCommands
{
    /// <summary>Creates the pipeline commands.</summary>
    public static IReadOnlyList<Command> Create()
    {
        var corpusOption = new Option<string[]>("--corpus", "-c")
        {
            Description = "Corpus files or folders (JSONL, .jsonl.gz, .jsonl.zst, Parquet, or folders of .txt). Default: the bundled sample corpus.",
            AllowMultipleArgumentsPerToken = true,
        };
        var textFieldOption = new Option<string>("--text-field") { Description = "JSON/Parquet field holding the text.", DefaultValueFactory = _ => "text" };
        var targetOption = new Option<string[]>("--target", "-t")
        {
            Description = "Target text files (JSONL with a text field): the proxies are scored by their loss on them. Default with the sample corpus: data/sample-targets/computing.jsonl.gz.",
            AllowMultipleArgumentsPerToken = true,
        };
        var piqaOption = new Option<string?>("--piqa") { Description = "A PIQA-format folder (valid.jsonl + valid-labels.lst) scored as a multiple-choice target." };
        var artifactsOption = new Option<string>("--artifacts", "-a") { Description = "Artifacts folder: every stage's output; re-running reuses and resumes it.", DefaultValueFactory = _ => "climb-artifacts" };
        var clustersOption = new Option<int?>("--clusters", "-k") { Description = "Fine clusters (K_init). Default: min(1000, documents/100)." };
        var superOption = new Option<int>("--super-clusters") { Description = "Super-clusters after merging (K_enhanced).", DefaultValueFactory = _ => 20 };
        var budgetsOption = new Option<string>("--budgets") { Description = "Proxy runs per CLIMB round, comma-separated.", DefaultValueFactory = _ => "64,32,16" };
        var strategyOption = new Option<SearchStrategyKind>("--strategy") { Description = "Search strategy: Climb, RegMix, BestOfN, Uniform or DoReMi.", DefaultValueFactory = _ => SearchStrategyKind.Climb };
        var proxyOption = new Option<ProxyKind>("--proxy") { Description = "Proxy model: Auto (transformer on CUDA, n-gram on CPU), Transformer, NGram or Command (your own trainer, --proxy-command).", DefaultValueFactory = _ => ProxyKind.Auto };
        var proxyCommandOption = new Option<string?>("--proxy-command")
        {
            Description = "With --proxy Command: the command that trains one proxy, run by /bin/sh once per proxy, with {mixture} (a JSON file of weights by super-cluster name), {data} (the data folder), " +
                "{output} (the result JSON to write) and {seed} replaced by quoted paths and the seed; do not quote them yourself. See docs/external-proxies.md.",
        };
        var proxyTimeoutOption = new Option<double?>("--proxy-timeout") { Description = "With --proxy Command: seconds a proxy's command may run before it is killed and recorded as failed (default: no limit)." };
        var proxyTokensOption = new Option<long?>("--proxy-tokens") { Description = "Tokens each proxy trains on (default: 1,000,000)." };
        var tokenizerOption = new Option<string>("--tokenizer") { Description = "Proxy tokenizer: byte, cl100k_base or o200k_base.", DefaultValueFactory = _ => "cl100k_base" };
        var deviceOption = new Option<ComputeDevice>("--device") { Description = "Auto, Cpu or Cuda.", DefaultValueFactory = _ => ComputeDevice.Auto };
        var exportTokensOption = new Option<long>("--export-tokens") { Description = "Tokens in the exported dataset.", DefaultValueFactory = _ => 10_000_000 };
        var targetTokensOption = new Option<long?>("--target-tokens") { Description = "Tokens of the training set the mixture is for (default: --export-tokens); with --max-repetition it bounds each super-cluster's weight by its tokens x repetition / target tokens." };
        var maxRepetitionOption = new Option<double?>("--max-repetition") { Description = "Most passes over one super-cluster's tokens a mixture may ask for (default 4, as Olmix); the export repeats a super-cluster as often." };
        var noFeasibilityOption = new Option<bool>("--no-feasibility") { Description = "Do not bound the weights by what the data can supply (the export may then fall short of its budget)." };
        var formatOption = new Option<DatasetFormat>("--format") { Description = "Exported dataset format: Jsonl or Parquet.", DefaultValueFactory = _ => DatasetFormat.Jsonl };
        var seedOption = new Option<int>("--seed") { Description = "Seed of every seeded stage.", DefaultValueFactory = _ => 42 };
        var parallelOption = new Option<int>("--parallel") { Description = "Proxies trained at the same time.", DefaultValueFactory = _ => 1 };
        var executorOption = new Option<ExecutorKind>("--executor") { Description = "Where the parallel work runs: Local (this process) or Slurm (one sbatch job per proxy, job arrays for the embedding and k-means assignment shards; the artifacts folder must be on storage every node sees).", DefaultValueFactory = _ => ExecutorKind.Local };
        var slurmPartitionOption = new Option<string?>("--slurm-partition") { Description = "Slurm partition of the proxy jobs (default: the cluster's default partition)." };
        var slurmGpusOption = new Option<int>("--slurm-gpus-per-proxy") { Description = "GPUs per proxy job (--gres=gpu:N).", DefaultValueFactory = _ => 0 };
        var slurmArgsOption = new Option<string?>("--slurm-args") { Description = "Extra sbatch arguments, for example \"--account=proj --time=60 --mem=32G --qos=high\"." };
        var slurmWorkerOption = new Option<string?>("--slurm-worker") { Description = "Shell command that starts a worker on a node (default: this climb, by its path, which the nodes must see)." };
        var embedderOption = EmbedderOption.Create();
        var pruningOption = new Option<PruningPreset>("--pruning") { Description = "Cluster-pruning thresholds: Default (quality and advertisement >= 3, informational value >= 1, with guards), Paper (mean score >= 3 on each criterion, for scores trained on A.8-style annotations) or NvidiaRecipe (lower thresholds, keeps more).", DefaultValueFactory = _ => PruningPreset.Default };

        // How the library's messages name the options this tool exposes.
        var optionNames = new Dictionary<string, string>
        {
            ["ArtifactsFolder"] = "--artifacts",
            ["ClusterCount"] = "--clusters",
            ["Merging.TargetClusterCount"] = "--super-clusters",
            ["Merging"] = "--super-clusters",
            ["Pruning"] = "--pruning",
            ["Search.RoundBudgets"] = "--budgets",
            ["Search"] = "--budgets",
            ["Strategy"] = "--strategy",
            ["Proxy"] = "--proxy",
            ["CommandProxy.Command"] = "--proxy-command",
            ["CommandProxy.Timeout"] = "--proxy-timeout",
            ["CommandProxy"] = "--proxy-command",
            ["Tokenizer"] = "--tokenizer",
            ["Device"] = "--device",
            ["Export.TokenBudget"] = "--export-tokens",
            ["Export"] = "--export-tokens",
            ["Feasibility.TargetTokens"] = "--target-tokens",
            ["Feasibility.MaxRepetition"] = "--max-repetition",
            ["Feasibility"] = "--max-repetition",
            ["ProxyParallelism"] = "--parallel",
            ["Executor"] = "--executor",
            ["Slurm"] = "--slurm-*",
        };

        Option[] shared = [corpusOption, textFieldOption, embedderOption, targetOption, piqaOption, artifactsOption, clustersOption, superOption, budgetsOption, strategyOption, proxyOption, proxyCommandOption, proxyTimeoutOption, proxyTokensOption, tokenizerOption, deviceOption, exportTokensOption, targetTokensOption, maxRepetitionOption, noFeasibilityOption, formatOption, seedOption, parallelOption, pruningOption, executorOption, slurmPartitionOption, slurmGpusOption, slurmArgsOption, slurmWorkerOption];

        // `climb run`, then one command per stage of the pipeline's stage table, in order.
        var commands = new List<Command> { StageCommand("run", "Run the whole pipeline (reusing complete stages).", ClimbPipeline.StageNames[^1]) };
        foreach (var stage in ClimbPipeline.Stages)
        {
            string description = stage.Number == 1
                ? $"{char.ToUpperInvariant(stage.Description[0])}{stage.Description[1..]} (stage 1)."
                : $"... then {stage.Description} (stages 1-{stage.Number}{(stage.Number == ClimbPipeline.Stages.Count ? ", the same as run" : string.Empty)}).";
            commands.Add(StageCommand(stage.Name, description, stage.Name));
        }

        return commands;

        Command StageCommand(string name, string description, string lastStage)
        {
            var command = new Command(name, description);
            foreach (var o in shared)
            {
                command.Options.Add(o);
            }

            command.SetAction((parse, ct) => RunAsync(parse, lastStage, ct));
            return command;
        }

        async Task<int> RunAsync(ParseResult parse, string lastStage, CancellationToken ct)
        {
            string artifacts = Path.GetFullPath(parse.GetValue(artifactsOption)!);
            using var fileLog = new FileLoggerProvider(Path.Combine(artifacts, "climb.log"));
            using var loggers = LoggerFactory.Create(b => b.AddProvider(fileLog).SetMinimumLevel(LogLevel.Debug));
            var log = loggers.CreateLogger("climb");
            try
            {
                string[] corpusPaths = parse.GetValue(corpusOption) ?? [];
                ClimbCorpus corpus;
                string[] targetPaths = parse.GetValue(targetOption) ?? [];
                if (corpusPaths.Length == 0)
                {
                    string sample = CliPaths.FindUp("data/sample-corpus") ?? throw new UserError("no --corpus given and the bundled sample corpus (data/sample-corpus) was not found; run from the repository or pass --corpus.");
                    corpus = ClimbCorpus.SampleCorpus(sample);
                    if (targetPaths.Length == 0 && parse.GetValue(piqaOption) is null)
                    {
                        targetPaths = [CliPaths.FindUp("data/sample-targets/computing.jsonl.gz") ?? throw new UserError("the sample target data/sample-targets/computing.jsonl.gz was not found; pass --target.")];
                    }
                }
                else
                {
                    foreach (string p in corpusPaths)
                    {
                        if (!File.Exists(p) && !Directory.Exists(p))
                        {
                            throw new UserError($"corpus path '{p}' does not exist.");
                        }
                    }

                    corpus = ClimbCorpus.FromFiles(corpusPaths, new CorpusReaderOptions { TextField = parse.GetValue(textFieldOption)! });
                }

                var targets = new List<EvaluationTarget>();
                foreach (string t in targetPaths)
                {
                    if (!File.Exists(t))
                    {
                        throw new UserError($"target file '{t}' does not exist.");
                    }

                    var target = TextTarget.FromJsonl(Path.GetFileName(t).Split('.')[0], t, parse.GetValue(textFieldOption)!);
                    if (target.Texts.Count == 0)
                    {
                        throw new UserError($"target file '{t}' holds no texts.");
                    }

                    targets.Add(target);
                }

                if (parse.GetValue(piqaOption) is string piqa)
                {
                    targets.Add(MultipleChoiceTarget.LoadPiqa(Path.Combine(piqa, "valid.jsonl"), Path.Combine(piqa, "valid-labels.lst")));
                }

                int[] budgets;
                try
                {
                    budgets = parse.GetValue(budgetsOption)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
                }
                catch (FormatException)
                {
                    throw new UserError($"--budgets '{parse.GetValue(budgetsOption)}' is not a comma-separated list of integers.");
                }

                var builder = new ClimbPipelineBuilder()
                    .WithArtifactsFolder(artifacts)
                    .WithLoggerFactory(loggers)
                    .WithOptionNames(optionNames)
                    .Configure(o =>
                    {
                        o.ClusterCount = parse.GetValue(clustersOption);
                        o.Pruning = parse.GetValue(pruningOption).ToOptions();
                        o.Merging = new CentroidMergerOptions { TargetClusterCount = parse.GetValue(superOption) };
                        o.Strategy = parse.GetValue(strategyOption);
                        o.Proxy = parse.GetValue(proxyOption);
                        o.CommandProxy.Command = parse.GetValue(proxyCommandOption);
                        if (parse.GetValue(proxyTimeoutOption) is double timeout)
                        {
                            o.CommandProxy.Timeout = double.IsFinite(timeout) && timeout > 0 && timeout < TimeSpan.MaxValue.TotalSeconds
                                ? TimeSpan.FromSeconds(timeout)
                                : throw new UserError($"--proxy-timeout {timeout.ToString(CultureInfo.InvariantCulture)}: give a positive number of seconds.");
                        }

                        o.Tokenizer = parse.GetValue(tokenizerOption)!;
                        o.Device = parse.GetValue(deviceOption);
                        o.Seed = parse.GetValue(seedOption);
                        o.ProxyParallelism = parse.GetValue(parallelOption);
                        o.Executor = parse.GetValue(executorOption);
                        o.Slurm = new SlurmExecutorOptions
                        {
                            Partition = parse.GetValue(slurmPartitionOption),
                            GpusPerProxy = parse.GetValue(slurmGpusOption),
                            ExtraArguments = SlurmExecutorOptions.ParseArguments(parse.GetValue(slurmArgsOption)),
                            WorkerCommand = parse.GetValue(slurmWorkerOption) ?? WorkerCommand.ThisProcessWorkerCommand(),
                        };
                        o.Export = new MixedDatasetExporterOptions { TokenBudget = parse.GetValue(exportTokensOption), Format = parse.GetValue(formatOption), Seed = parse.GetValue(seedOption) };
                        o.Feasibility = new MixtureFeasibilityOptions { Enabled = !parse.GetValue(noFeasibilityOption), TargetTokens = parse.GetValue(targetTokensOption) };
                        if (parse.GetValue(maxRepetitionOption) is double repetition)
                        {
                            o.Feasibility.MaxRepetition = repetition;
                            if (double.IsFinite(repetition) && repetition > o.Export.MaxEpochs && repetition <= 1e6)
                            {
                                o.Export.MaxEpochs = (int)Math.Ceiling(repetition); // the export makes as many passes as the mixture may ask for
                            }
                        }

                        if (parse.GetValue(proxyTokensOption) is long tokens)
                        {
                            o.NGramProxy.TokenBudget = tokens;
                            o.ProxyTraining.TokenBudget = tokens;
                        }
                    })
                    .ConfigureSearch(s => s.RoundBudgets = budgets);
                using var embedder = EmbedderOption.Build(parse.GetValue(embedderOption)!, parse.GetValue(deviceOption), loggers);
                if (embedder is not null)
                {
                    builder.WithEmbedder(embedder);
                }

                ClimbPipeline pipeline;
                try
                {
                    pipeline = builder.Build();
                }
                catch (ValidationException ex)
                {
                    throw new UserError(ex.Message);
                }

                AnsiConsole.MarkupLine($"[bold]climb[/] {lastStage}: corpus [blue]{Markup.Escape(corpus.Description)}[/], artifacts [blue]{Markup.Escape(artifacts)}[/]");
                IReadOnlyList<StageReport> stages;
                ClimbResult? result = null;
                // Progress bars on a terminal; plain timestamped lines when output is redirected (CI, logs).
                async Task<(IReadOnlyList<StageReport>, ClimbResult?)> Work(IProgress<ClimbProgress> sink)
                {
                    if (lastStage == ClimbPipeline.StageNames[^1])
                    {
                        var r = await pipeline.RunAsync(corpus, targets, sink, ct);
                        return (r.Stages, r);
                    }

                    return (await pipeline.RunUntilAsync(corpus, targets, lastStage, sink, ct), null);
                }

                (stages, result) = AnsiConsole.Profile.Capabilities.Interactive
                    ? await ProgressBars.RunAsync(async bars =>
                    {
                        var outcome = await Work(bars);
                        ((ProgressBars)bars).Finish();
                        return outcome;
                    })
                    : await Work(new ConsoleProgress(interactive: false));

                var table = new Table().AddColumns("stage", "outcome", "seconds", "folder");
                foreach (var s in stages)
                {
                    table.AddRow(s.Stage, s.Outcome.ToString(), s.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture), Markup.Escape(s.Folder));
                }

                AnsiConsole.Write(table);
                if (result is not null)
                {
                    var weights = new Table().AddColumns("super-cluster", "weight");
                    for (int i = 0; i < result.Mixture.Count; i++)
                    {
                        weights.AddRow(Markup.Escape(result.ComponentNames[i]), result.Mixture[i].ToString("0.000", CultureInfo.InvariantCulture));
                    }

                    AnsiConsole.Write(weights);
                    var best = result.Search.BestMeasured;
                    AnsiConsole.MarkupLine($"search: {result.Search.Strategy}, {result.Search.ProxyResults.Count} proxy runs, best measured objective {best.Objective:G5} ({best.Goal})");
                    var s = result.Search;
                    AnsiConsole.MarkupLine(Markup.Escape(
                        $"answer: {s.AnswerSource}{(s.Answer.Reason is { } why ? " (" + why + ")" : string.Empty)}, measured objective {s.AnswerMeasured?.Objective.ToString("G5", CultureInfo.InvariantCulture) ?? "-"}; " +
                        $"predictor {s.Answer.Predictor?.Predictor ?? "-"} held-out Spearman {s.Answer.Predictor?.HeldOutSpearman ?? double.NaN:F2}; proxy signal-to-noise {s.SignalToNoise:F1}"));
                    AnsiConsole.MarkupLine($"weights: [green]{Markup.Escape(result.WeightsPath)}[/]");
                    if (result.Dataset is { } d)
                    {
                        AnsiConsole.MarkupLine($"dataset: [green]{Markup.Escape(d.Folder)}[/] ({d.Documents:N0} documents, {d.Tokens:N0} tokens)");
                        if (d.IsShortOfBudget)
                        {
                            AnsiConsole.MarkupLine(
                                $"[yellow]warning[/]: the dataset holds {d.Tokens:N0} of the {d.TokenBudget:N0} tokens asked for (--export-tokens): some super-clusters ran out of documents, " +
                                $"so the written shares differ from the weights by up to {d.MaxShareDeviation:0.000} (written: {string.Join(", ", d.WrittenShares.Select(x => x.ToString("0.000", CultureInfo.InvariantCulture)))}).");
                        }
                    }

                    AnsiConsole.MarkupLine($"report:  [green]{Markup.Escape(result.ReportPath ?? "-")}[/]");
                }

                AnsiConsole.MarkupLine($"log:     {Markup.Escape(fileLog.Path)}");
                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                log.LogWarning("Interrupted.");
                AnsiConsole.MarkupLine($"[yellow]interrupted[/]: finished work is kept in {Markup.Escape(artifacts)}; run the same command again to resume.");
                return 130;
            }
            catch (Exception ex) when (ex is UserError or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or FormatException or CorpusFormatException or ValidationException or InvalidOperationException)
            {
                log.LogError(ex, "Failed.");
                string message = ex.Message.Split('\n')[0].Trim();
                if (ex is ValidationException or UserError && ex.Message.Contains('\n', StringComparison.Ordinal))
                {
                    message = ex.Message.Replace(Environment.NewLine, " ", StringComparison.Ordinal);
                }

                AnsiConsole.MarkupLine($"[red]error[/]: {Markup.Escape(message)}");
                AnsiConsole.MarkupLine($"log: {Markup.Escape(fileLog.Path)}");
                return 1;
            }
        }
    }
}

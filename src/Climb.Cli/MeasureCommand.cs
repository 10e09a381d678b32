using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Climb.Cli;

/// <summary>
/// <c>climb measure &lt;mixture&gt;...</c>: re-measures mixtures with the run's proxy on fresh data seeds that its search
/// never used, and prints each one's mean ± standard deviation. A mixture is a weights.json, a CSV of mixtures (a
/// <c>run</c> column and one column per super-cluster, named as in weights.json), <c>uniform</c> or <c>prior</c>.
/// The corpus, target and proxy options must be the run's, so the measurement uses its super-clusters and proxy.
/// </summary>
internal static class MeasureCommand
{
    public static Command Create()
    {
        var mixturesArgument = new Argument<string[]>("mixtures")
        {
            Description = "weights.json files, CSV files of mixtures (run + one column per super-cluster), 'uniform' or 'prior'.",
            Arity = ArgumentArity.OneOrMore,
        };
        var seedsOption = new Option<int>("--seeds") { Description = "Fresh data seeds per mixture (none of them used by the search).", DefaultValueFactory = _ => 5 };
        var outOption = new Option<string?>("--out", "-o") { Description = "Also write the measurements as JSON to this file." };
        var corpusOption = new Option<string[]>("--corpus", "-c") { Description = "The run's corpus files or folders. Default: the bundled sample corpus.", AllowMultipleArgumentsPerToken = true };
        var textFieldOption = new Option<string>("--text-field") { Description = "JSON/Parquet field holding the text.", DefaultValueFactory = _ => "text" };
        var targetOption = new Option<string[]>("--target", "-t") { Description = "The run's target files (JSONL). Default with the sample corpus: data/sample-targets/computing.jsonl.gz.", AllowMultipleArgumentsPerToken = true };
        var piqaOption = new Option<string?>("--piqa") { Description = "The run's PIQA-format folder, if it had one." };
        var artifactsOption = new Option<string>("--artifacts", "-a") { Description = "The run's artifacts folder.", DefaultValueFactory = _ => "climb-artifacts" };
        var clustersOption = new Option<int?>("--clusters", "-k") { Description = "The run's fine clusters (K_init)." };
        var superOption = new Option<int>("--super-clusters") { Description = "The run's super-clusters.", DefaultValueFactory = _ => 20 };
        var pruningOption = new Option<PruningPreset>("--pruning") { Description = "The run's pruning preset.", DefaultValueFactory = _ => PruningPreset.Default };
        var proxyOption = new Option<ProxyKind>("--proxy") { Description = "The run's proxy: Auto, Transformer or NGram.", DefaultValueFactory = _ => ProxyKind.Auto };
        var proxyTokensOption = new Option<long?>("--proxy-tokens") { Description = "The run's tokens per proxy." };
        var tokenizerOption = new Option<string>("--tokenizer") { Description = "The run's tokenizer.", DefaultValueFactory = _ => "cl100k_base" };
        var deviceOption = new Option<ComputeDevice>("--device") { Description = "Auto, Cpu or Cuda.", DefaultValueFactory = _ => ComputeDevice.Auto };
        var seedOption = new Option<int>("--seed") { Description = "The run's seed; the fresh data seeds derive from it.", DefaultValueFactory = _ => 42 };
        var parallelOption = new Option<int>("--parallel") { Description = "Proxies trained at the same time.", DefaultValueFactory = _ => 1 };

        var command = new Command("measure", "Re-measure mixtures with the run's proxy on fresh data seeds the search never used; print mean ± sd per mixture.");
        command.Arguments.Add(mixturesArgument);
        foreach (var o in new Option[] { seedsOption, outOption, corpusOption, textFieldOption, targetOption, piqaOption, artifactsOption, clustersOption, superOption, pruningOption, proxyOption, proxyTokensOption, tokenizerOption, deviceOption, seedOption, parallelOption })
        {
            command.Options.Add(o);
        }

        command.SetAction(async (parse, ct) =>
        {
            string artifacts = Path.GetFullPath(parse.GetValue(artifactsOption)!);
            using var fileLog = new FileLoggerProvider(Path.Combine(artifacts, "climb.log"));
            using var loggers = LoggerFactory.Create(b => b.AddProvider(fileLog).SetMinimumLevel(LogLevel.Debug));
            try
            {
                var (corpus, targets) = CorpusAndTargets(parse.GetValue(corpusOption) ?? [], parse.GetValue(targetOption) ?? [], parse.GetValue(piqaOption), parse.GetValue(textFieldOption)!);
                ClimbPipeline pipeline;
                try
                {
                    pipeline = new ClimbPipelineBuilder()
                        .WithArtifactsFolder(artifacts)
                        .WithLoggerFactory(loggers)
                        .Configure(o =>
                        {
                            o.ClusterCount = parse.GetValue(clustersOption);
                            o.Pruning = parse.GetValue(pruningOption).ToOptions();
                            o.Merging = new CentroidMergerOptions { TargetClusterCount = parse.GetValue(superOption) };
                            o.Proxy = parse.GetValue(proxyOption);
                            o.Tokenizer = parse.GetValue(tokenizerOption)!;
                            o.Device = parse.GetValue(deviceOption);
                            o.Seed = parse.GetValue(seedOption);
                            if (parse.GetValue(proxyTokensOption) is long tokens)
                            {
                                o.NGramProxy.TokenBudget = tokens;
                                o.ProxyTraining.TokenBudget = tokens;
                            }
                        })
                        .Build();
                }
                catch (ValidationException ex)
                {
                    throw new UserError(ex.Message.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
                }

                var options = new MixtureMeasurementOptions { Seeds = parse.GetValue(seedsOption), Seed = parse.GetValue(seedOption), MaxDegreeOfParallelism = parse.GetValue(parallelOption) };
                if (options.Seeds < 1 || options.MaxDegreeOfParallelism < 1)
                {
                    throw new UserError("--seeds and --parallel must be at least 1.");
                }

                AnsiConsole.MarkupLine($"[bold]climb[/] measure: corpus [blue]{Markup.Escape(corpus.Description)}[/], artifacts [blue]{Markup.Escape(artifacts)}[/]");
                var measurement = await pipeline.CreateMeasurementAsync(corpus, targets, options, new ConsoleProgress(interactive: false), ct);

                // Every input is read (and checked) before the first proxy trains.
                var mixtures = new List<NamedMixture>();
                foreach (string source in parse.GetValue(mixturesArgument)!)
                {
                    mixtures.AddRange(MixtureFiles.Read(source, measurement.Prior));
                }

                var duplicate = mixtures.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (duplicate is not null)
                {
                    throw new UserError($"two mixtures are named '{duplicate.Key}'; give each CSV run a distinct name.");
                }

                AnsiConsole.MarkupLine(
                    $"measuring {mixtures.Count} mixture(s) on {measurement.Seeds.Count} fresh data seeds ({string.Join(", ", measurement.Seeds)}); " +
                    $"{measurement.ExcludedSeeds.Count} seed(s) of the search journal excluded");
                var results = await measurement.MeasureAsync(mixtures, new SyncProgress(r => AnsiConsole.MarkupLine(Markup.Escape(Line(r)))), ct);

                var table = new Table().AddColumns("mixture", "mean objective", "sd", "runs", "goal");
                foreach (var r in results)
                {
                    table.AddRow(
                        Markup.Escape(r.Name),
                        r.MeanObjective.ToString("F4", CultureInfo.InvariantCulture),
                        r.StandardDeviation.ToString("F4", CultureInfo.InvariantCulture),
                        $"{r.Results.Count}/{measurement.Seeds.Count}",
                        r.Goal.ToString().ToLowerInvariant());
                }

                AnsiConsole.Write(table);
                if (parse.GetValue(outOption) is string output)
                {
                    await File.WriteAllTextAsync(output, JsonSerializer.Serialize(
                        new
                        {
                            seeds = measurement.Seeds,
                            excluded_seeds = measurement.ExcludedSeeds.Count,
                            components = measurement.ComponentNames,
                            mixtures = results.Select(r => new
                            {
                                name = r.Name,
                                weights = r.Mixture.ToArray(),
                                goal = r.Goal.ToString(),
                                mean_objective = r.MeanObjective,
                                sd = r.StandardDeviation,
                                objectives = r.Results.Select(x => x.Objective).ToArray(),
                                failed_seeds = r.FailedSeeds,
                            }),
                        },
                        new JsonSerializerOptions { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }), ct);
                    AnsiConsole.MarkupLine($"written: [green]{Markup.Escape(output)}[/]");
                }

                return 0;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("[yellow]interrupted[/]");
                return 130;
            }
            catch (Exception ex) when (ex is UserError or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or FormatException or CorpusFormatException or ValidationException or InvalidOperationException)
            {
                loggers.CreateLogger("climb").LogError(ex, "Failed.");
                AnsiConsole.MarkupLine($"[red]error[/]: {Markup.Escape(ex.Message.Split('\n')[0].Trim())}");
                return 1;
            }
        });
        return command;
    }

    private static string Line(MixtureMeasurementResult r) => string.Create(
        CultureInfo.InvariantCulture,
        $"  {r.Name}: {r.MeanObjective:F4} ± {r.StandardDeviation:F4} ({r.Results.Count} runs{(r.FailedSeeds.Count > 0 ? $", {r.FailedSeeds.Count} failed" : string.Empty)})");

    private static (ClimbCorpus Corpus, List<EvaluationTarget> Targets) CorpusAndTargets(string[] corpusPaths, string[] targetPaths, string? piqa, string textField)
    {
        ClimbCorpus corpus;
        if (corpusPaths.Length == 0)
        {
            string sample = CliPaths.FindUp("data/sample-corpus") ?? throw new UserError("no --corpus given and the bundled sample corpus (data/sample-corpus) was not found; pass --corpus.");
            corpus = ClimbCorpus.SampleCorpus(sample);
            if (targetPaths.Length == 0 && piqa is null)
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

            corpus = ClimbCorpus.FromFiles(corpusPaths, new CorpusReaderOptions { TextField = textField });
        }

        var targets = new List<EvaluationTarget>();
        foreach (string t in targetPaths)
        {
            if (!File.Exists(t))
            {
                throw new UserError($"target file '{t}' does not exist.");
            }

            targets.Add(TextTarget.FromJsonl(Path.GetFileName(t).Split('.')[0], t, textField));
        }

        if (piqa is not null)
        {
            targets.Add(MultipleChoiceTarget.LoadPiqa(Path.Combine(piqa, "valid.jsonl"), Path.Combine(piqa, "valid-labels.lst")));
        }

        if (targets.Count == 0)
        {
            throw new UserError("no target: pass --target (the run's).");
        }

        return (corpus, targets);
    }

    /// <summary>Calls the handler on the reporting thread.</summary>
    private sealed class SyncProgress(Action<MixtureMeasurementResult> handler) : IProgress<MixtureMeasurementResult>
    {
        public void Report(MixtureMeasurementResult value) => handler(value);
    }
}

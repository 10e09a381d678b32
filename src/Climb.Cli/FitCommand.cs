using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb.Cli;

/// <summary>
/// <c>climb fit --ratios ratios.csv --metrics metrics.csv [--metric NAME | --mean] [--prior tokens.csv]
/// [--target-tokens T --max-repetition R] [--candidates mixtures.csv]</c>: fits the default predictor on a swarm trained
/// anywhere (RegMix's and Olmix's CSV shapes) and prints the proposed mixture, its predicted value, the predictor's
/// cross-validated Spearman and the measured runs nearest it. No Climb pipeline is involved (<see cref="SwarmFitter"/>).
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var ratios = new Option<string>("--ratios") { Description = "CSV of the swarm's mixtures: a run column ('run', 'run_id' or 'index') and one weight column per domain.", Required = true };
        var metrics = new Option<string>("--metrics") { Description = "CSV of what each run measured: the run column and one column per metric.", Required = true };
        var metric = new Option<string?>("--metric") { Description = "The metric to optimise: a column name, or a part only one column contains (e.g. pile_cc)." };
        var mean = new Option<bool>("--mean") { Description = "Optimise the mean of every metric column." };
        var goal = new Option<ObjectiveGoal?>("--goal") { Description = "Minimize or Maximize; by default inferred from the metric names (losses are minimised) and printed." };
        var prior = new Option<string?>("--prior") { Description = "CSV of the tokens each domain holds (header, then 'domain,tokens' rows): candidates are drawn around these shares (default: the mean of the swarm's mixtures)." };
        var targetTokens = new Option<double?>("--target-tokens") { Description = "Tokens the final model trains on: with --prior, a domain's weight is at most its tokens x --max-repetition / this." };
        var maxRepetition = new Option<double>("--max-repetition") { Description = "Most times a domain's tokens may be repeated at --target-tokens.", DefaultValueFactory = _ => 4 };
        var candidates = new Option<string?>("--candidates") { Description = "CSV of mixtures (ratios shape) to choose the answer from, instead of drawing candidates." };
        var count = new Option<int>("--candidate-count") { Description = "Candidates drawn around the prior.", DefaultValueFactory = _ => 100_000 };
        var topK = new Option<int>("--top-k") { Description = "The answer averages the predicted top K drawn candidates (RegMix's rule); 1 takes the predicted best.", DefaultValueFactory = _ => 128 };
        var nearest = new Option<int>("--nearest") { Description = "Measured runs nearest the answer to print.", DefaultValueFactory = _ => 5 };
        var seed = new Option<int>("--seed") { Description = "Seed of the predictor's folds and the candidate draw.", DefaultValueFactory = _ => 42 };
        var command = new Command("fit", "Fit the default predictor on a swarm trained anywhere (ratios and metrics CSV files) and propose a mixture; no pipeline needed.");
        foreach (var o in new Option[] { ratios, metrics, metric, mean, goal, prior, targetTokens, maxRepetition, candidates, count, topK, nearest, seed })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) =>
        {
            try
            {
                var options = new SwarmFitOptions
                {
                    Metric = parse.GetValue(metric),
                    Mean = parse.GetValue(mean),
                    Goal = parse.GetValue(goal),
                    TargetTokens = parse.GetValue(targetTokens) is { } t
                        ? t >= 1 && t < 9.2e18 && t == Math.Floor(t) ? (long)t : throw new UserError($"--target-tokens {t.ToString(CultureInfo.InvariantCulture)} is not a positive whole number of tokens.")
                        : null,
                    MaxRepetition = parse.GetValue(maxRepetition),
                    CandidateCount = parse.GetValue(count),
                    TopK = parse.GetValue(topK),
                    NearestCount = parse.GetValue(nearest),
                    Seed = parse.GetValue(seed),
                };
                string? priorPath = parse.GetValue(prior);
                if (options.TargetTokens is not null && priorPath is null)
                {
                    throw new UserError("--target-tokens needs --prior: a domain's bound is its tokens x --max-repetition / --target-tokens.");
                }

                string? candidatesPath = parse.GetValue(candidates);
                foreach (string? path in new[] { parse.GetValue(ratios), parse.GetValue(metrics), priorPath, candidatesPath })
                {
                    if (path is not null && !File.Exists(path))
                    {
                        throw new UserError($"'{path}' does not exist.");
                    }
                }

                if (priorPath is not null)
                {
                    foreach (var (name, tokens) in MixtureSwarm.LoadTokenCounts(priorPath))
                    {
                        options.TokenCounts[name] = tokens;
                    }
                }

                var fitter = new SwarmFitter(options);
                var swarm = MixtureSwarm.Load(parse.GetValue(ratios)!, parse.GetValue(metrics)!);
                var list = candidatesPath is null ? null : MixtureSwarm.Load(candidatesPath);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"swarm: {swarm.Runs.Count} runs in {swarm.RatiosSource} ({swarm.Components.Count} domains), {swarm.Metrics.Count} metrics in {swarm.MetricsSource}"));
                var result = fitter.Fit(swarm, list, ct);
                Print(result, priorPath);
                return Task.FromResult(0);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                Console.Error.WriteLine("climb fit: interrupted.");
                return Task.FromResult(130);
            }
            catch (Exception ex) when (ex is UserError or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or ValidationException)
            {
                string message = ex is ArgumentException { ParamName: { } name } ? ex.Message.Replace($" (Parameter '{name}')", string.Empty, StringComparison.Ordinal) : ex.Message;
                Console.Error.WriteLine("climb fit: error: " + message.Replace(Environment.NewLine, " ", StringComparison.Ordinal));
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static void Print(SwarmFitResult r, string? priorPath)
    {
        var inv = CultureInfo.InvariantCulture;
        string better = r.Goal == ObjectiveGoal.Minimize ? "lower is better" : "higher is better";
        Console.WriteLine($"objective: {r.Objective} ({better}; {r.GoalSource})");
        string skipped = r.RunsWithoutObjective > 0 ? string.Create(inv, $", {r.RunsWithoutObjective} without a value skipped") : string.Empty;
        Console.WriteLine(string.Create(inv, $"runs: {r.RunsUsed} fitted{skipped}"));
        var p = r.Predictor;
        Console.WriteLine(string.Create(inv, $"predictor: {p.Predictor}"));
        Console.WriteLine(string.Create(inv, $"cross-validated Spearman: {p.HeldOutSpearman:F4} ({p.Folds} folds over {p.TrainingCount} runs)"));
        if (p.Candidates is { } cands)
        {
            foreach (var c in cands)
            {
                Console.WriteLine(string.Create(inv, $"  {(c.Chosen ? "*" : " ")} {c.HeldOutSpearman:F4}  {c.Predictor}"));
            }
        }

        Console.WriteLine($"answer: {r.Method}" + (r.CandidateRun is { } run ? $": run {run}" : string.Empty) + (priorPath is null && r.CandidateRun is null ? " (prior: the mean of the swarm's mixtures)" : priorPath is null ? string.Empty : $" (prior: {priorPath})"));
        if (r.MaximumWeights is { } max)
        {
            Console.WriteLine(string.Create(inv, $"feasibility: weights bounded by tokens x repetition / target tokens; {r.CandidatesInfeasible} infeasible candidates dropped"));
        }

        Console.WriteLine(string.Create(inv, $"predicted {r.Objective}: {r.PredictedValue:F4}"));
        Console.WriteLine("mixture (largest first):");
        int width = r.Components.Max(c => c.Length);
        foreach (int j in Enumerable.Range(0, r.Components.Count).OrderByDescending(j => r.Mixture[j]).ThenBy(j => j))
        {
            string bound = r.MaximumWeights is { } m && m[j] < 1 ? string.Create(inv, $"  (at most {m[j]:F4})") : string.Empty;
            Console.WriteLine(string.Create(inv, $"  {r.Components[j].PadRight(width)}  {r.Mixture[j]:F4}{bound}"));
        }

        Console.WriteLine("as a ratios row: " + string.Join(",", r.Components) + Environment.NewLine + "                 " + string.Join(",", Enumerable.Range(0, r.Components.Count).Select(j => r.Mixture[j].ToString("0.######", inv))));
        Console.WriteLine(string.Create(inv, $"best measured run: {r.BestMeasured.Run}: {r.BestMeasured.Measured:F4} (L1 distance from the answer {r.BestMeasured.Distance:F3})"));
        if (r.Nearest.Count > 0)
        {
            Console.WriteLine("nearest measured runs (L1 distance, measured, predicted out of fold):");
            foreach (var n in r.Nearest)
            {
                Console.WriteLine(string.Create(inv, $"  {n.Run,-12} {n.Distance:F3}  {n.Measured:F4}  {(n.PredictedOutOfFold is { } o ? o.ToString("F4", inv) : "-")}"));
            }
        }

        Console.WriteLine(string.Create(inv, $"time: {r.Elapsed.TotalSeconds:F1} s ({r.CandidatesConsidered} candidates ranked)"));
    }
}

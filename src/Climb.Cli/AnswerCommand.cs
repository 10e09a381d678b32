using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;

namespace Climb.Cli;

/// <summary>
/// <c>climb answer</c>: the session's answer once every round (and the answer's measuring run) has its results: prints
/// the mixture with each domain's bound and repetition, and writes it to <c>weights.json</c> (the shape <c>climb run</c>
/// writes). Exits 1 with what is still waiting when the search is not finished.
/// </summary>
internal static class AnswerCommand
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var session = ProposeCommand.SessionOption();
        var output = new Option<string?>("--out", "-o") { Description = "Where to write the answer. Default: <session>/weights.json." };
        var command = new Command("answer", "Ask/tell search: print and write the answer once every proposed run has a result (or failed, or its round was closed).");
        command.Options.Add(session);
        command.Options.Add(output);
        command.SetAction((parse, ct) => SessionFolder.RunAsync(async () =>
        {
            var store = SessionFolder.Load(parse.GetValue(session)!);
            using var search = await store.OpenAsync(ct);
            MixtureSearchResult result;
            try
            {
                result = await search.AnswerAsync(ct);
            }
            catch (InvalidOperationException ex) when (ex.Message.StartsWith("The search is not finished", StringComparison.Ordinal))
            {
                throw new UserError(ex.Message + $" (climb propose --session {store.Folder} writes the waiting runs.)");
            }

            var prior = search.Prior;
            double[] epochs = Repetitions(prior, result.Mixture);
            var table = new Table().AddColumns("domain", "weight", "max weight", "epochs at target");
            for (int i = 0; i < result.Mixture.Count; i++)
            {
                table.AddRow(
                    Markup.Escape(prior.Names[i]),
                    result.Mixture[i].ToString("0.0000", CultureInfo.InvariantCulture),
                    prior.MaxWeights[i].ToString("0.0000", CultureInfo.InvariantCulture),
                    double.IsNaN(epochs[i]) ? "-" : epochs[i].ToString("0.00", CultureInfo.InvariantCulture));
            }

            AnsiConsole.Write(table);
            var a = result.Answer;
            var objective = store.Settings.Objective;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"answer: {a.Method} ({a.Source}){(a.Reason is { } why ? "; " + why : string.Empty)}; measured objective {result.AnswerMeasured?.Objective.ToString("G6", CultureInfo.InvariantCulture) ?? "-"}, best measured {result.BestMeasured.Objective:G6} of {result.ProxyResults.Count} runs ({result.Failures.Count} failed); objective {objective?.Describe() ?? "-"}"));
            string path = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(store.Folder, "weights.json"));
            string json = JsonSerializer.Serialize(
                new
                {
                    strategy = result.Strategy,
                    method = a.Method,
                    source = a.Source.ToString(),
                    reason = a.Reason,
                    fingerprint = result.Fingerprint,
                    target_tokens = prior.TargetTokens,
                    max_repetition = prior.MaxRepetition,
                    objective = objective is null ? null : new { metric = objective.Metric, mean_of = objective.Columns, goal = objective.Goal.ToString() },
                    components = Enumerable.Range(0, prior.Count).Select(i => new
                    {
                        index = i, name = prior.Names[i], weight = result.Mixture[i], tokens = prior.TokenCounts![i], max_weight = prior.MaxWeights[i], epochs = epochs[i],
                    }),
                    answer_measured = result.AnswerMeasured?.Objective,
                    best_measured = new { objective = result.BestMeasured.Objective, goal = result.BestMeasured.Goal.ToString(), mixture = result.BestMeasured.Mixture.ToArray() },
                    proxy_runs = result.ProxyResults.Count,
                    failed_runs = result.Failures.Count,
                    signal_to_noise = result.SignalToNoise,
                },
                Json);
            File.WriteAllText(path + ".tmp", json);
            File.Move(path + ".tmp", path, overwrite: true);
            Console.WriteLine($"weights: {path}");
            return 0;
        }));
        return command;
    }

    /// <summary>The passes over each domain's tokens the weight asks for at the session's target budget (NaN when the session has no target).</summary>
    private static double[] Repetitions(MixturePrior prior, MixtureWeights w) =>
        Enumerable.Range(0, prior.Count).Select(i =>
            prior.TargetTokens is not { } t ? double.NaN
            : w[i] == 0 ? 0
            : prior.TokenCounts![i] == 0 ? double.PositiveInfinity
            : w[i] * t / prior.TokenCounts[i]).ToArray();
}

using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace Climb.Cli;

/// <summary>
/// <c>climb tell results.csv</c>: reads proxy results (CSV with a <c>run</c> column and metric columns, or JSON lines) and
/// tells the session each one. The whole file is checked first; any error (unknown run, missing column, non-finite
/// value, duplicate) is reported with its file, line and column and nothing of the file is told. A run told again with
/// the same value is skipped, so a growing results file can be told again and again.
/// </summary>
internal static class TellCommand
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "run", "seed", "status", "error" };

    public static Command Create()
    {
        var session = ProposeCommand.SessionOption();
        var files = new Argument<string[]>("results") { Description = "Results files: CSV (run + metric columns, optional status=ok|failed and error columns) or JSON lines (.jsonl: {\"run\": ..., \"objective\" or metrics ..., \"status\", \"error\"}).", Arity = ArgumentArity.ZeroOrMore };
        var metric = new Option<string?>("--metric") { Description = "The column that is the objective (the first tell fixes the session's objective)." };
        var mean = new Option<bool>("--mean") { Description = "The objective is the mean of every metric column." };
        var goal = new Option<ObjectiveGoal?>("--goal") { Description = "Minimize (losses) or Maximize (accuracies); needed by the first tell." };
        var close = new Option<bool>("--close") { Description = "Then close the open round with what arrived: runs without a result are recorded as failed, and the next `climb propose` goes on." };
        var command = new Command("tell", "Ask/tell search: tell the session the results of the proposed runs (any order, any subset; a failed run has status=failed).");
        command.Arguments.Add(files);
        foreach (var o in new Option[] { session, metric, mean, goal, close })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => SessionFolder.RunAsync(async () =>
        {
            var store = SessionFolder.Load(parse.GetValue(session)!);
            string[] paths = parse.GetValue(files) ?? [];
            if (paths.Length == 0 && !parse.GetValue(close))
            {
                throw new UserError("give a results file (CSV or JSON lines), or --close to close the open round.");
            }

            if (parse.GetValue(metric) is not null && parse.GetValue(mean))
            {
                throw new UserError("give --metric NAME or --mean, not both.");
            }

            using var search = await store.OpenAsync(ct);
            int told = 0, failed = 0, skipped = 0;
            foreach (string path in paths)
            {
                if (!File.Exists(path))
                {
                    throw new UserError($"results file '{path}' does not exist.");
                }

                var table = Path.GetExtension(path).Equals(".jsonl", StringComparison.OrdinalIgnoreCase) || Path.GetExtension(path).Equals(".json", StringComparison.OrdinalIgnoreCase)
                    ? ReadJsonLines(path)
                    : ReadCsv(path);
                var objective = Objective(store, table, path, parse.GetValue(metric), parse.GetValue(mean), parse.GetValue(goal));
                var rows = Check(table, path, objective, search, store.Settings.Names);
                if (store.Settings.Objective is null)
                {
                    store.Settings.Objective = objective;
                    store.Save();
                }

                foreach (var row in rows)
                {
                    switch (row.Action)
                    {
                        case RowAction.Skip:
                            skipped++;
                            break;
                        case RowAction.Fail:
                            search.TellFailure(row.Run, row.Error);
                            failed++;
                            break;
                        default:
                            search.Tell(row.Run, row.Objective, objective.Goal, row.Metrics);
                            told++;
                            break;
                    }
                }
            }

            Console.WriteLine($"told {told} result(s) and {failed} failure(s){(skipped > 0 ? $"; {skipped} already told with the same value, skipped" : string.Empty)}");
            if (parse.GetValue(close))
            {
                int round = search.CurrentRound;
                int closed = search.CloseRound();
                Console.WriteLine($"closed round {round}: {closed} run(s) without a result are recorded as failed");
            }

            var open = Status(search);
            Console.WriteLine(open);
            return 0;
        }));
        return command;
    }

    /// <summary>Where the session stands, in one line.</summary>
    private static string Status(MixtureSearchSession search)
    {
        int round = search.CurrentRound;
        if (round < 0)
        {
            return "the search is finished: climb answer";
        }

        var all = search.GetProposals(round);
        int waiting = all.Count(p => search.GetOutcome(p.Id) is (null, null));
        string what = round == search.RoundCount ? "the answer's measuring run" : $"round {round}";
        return waiting > 0
            ? $"{what}: {all.Count - waiting} of {all.Count} runs have an outcome, {waiting} waiting (tell them, or --close the round with what arrived)"
            : round == search.RoundCount
            ? "every run has an outcome: climb answer"
            : $"round {round} is complete: climb propose writes {(round + 1 == search.RoundCount ? "the answer's measuring run (or climb answer, when it needs none)" : $"round {round + 1}")}";
    }

    /// <summary>A results file as a table: a header and rows of named cells, with where each cell came from.</summary>
    private sealed record Table(string[] Columns, List<(int Line, Dictionary<string, (string Text, int Column)> Cells)> Rows, bool Json);

    private enum RowAction
    {
        Tell,
        Fail,
        Skip,
    }

    private sealed record CheckedRow(string Run, RowAction Action, double Objective, Dictionary<string, double> Metrics, string Error);

    private static Table ReadCsv(string path)
    {
        var (header, rows) = CsvFile.Read(path);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int c = 0; c < header.Length; c++)
        {
            if (header[c].Length == 0 || !seen.Add(header[c]))
            {
                throw new UserError($"{path} line 1, column {c + 1}: {(header[c].Length == 0 ? "the column has no name" : $"column '{header[c]}' appears twice")}.");
            }
        }

        var table = new Table(header, [], false);
        foreach (var row in rows)
        {
            if (row.Cells.Length > header.Length)
            {
                throw new UserError($"{path} line {row.Line}, column {header.Length + 1}: the row has {row.Cells.Length} cells; the header has {header.Length} columns.");
            }

            var cells = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
            for (int c = 0; c < header.Length; c++)
            {
                cells[header[c]] = (c < row.Cells.Length ? row.Cells[c].Trim() : string.Empty, c + 1);
            }

            table.Rows.Add((row.Line, cells));
        }

        return table;
    }

    private static Table ReadJsonLines(string path)
    {
        var columns = new List<string>();
        var table = new Table([], [], true);
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw new UserError($"{path} line {line}: not valid JSON ({ex.Message}).");
            }

            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new UserError($"{path} line {line}: a result is a JSON object ({{\"run\": ..., \"objective\": ...}}).");
                }

                var cells = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
                void Add(string name, JsonElement value)
                {
                    string s = value.ValueKind switch
                    {
                        JsonValueKind.String => value.GetString()!,
                        JsonValueKind.Number => value.GetRawText(),
                        JsonValueKind.Null => string.Empty,
                        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
                        _ => throw new UserError($"{path} line {line}, field '{name}': a {value.ValueKind.ToString().ToLowerInvariant()} is not a value."),
                    };
                    if (!cells.TryAdd(name, (s, 0)))
                    {
                        throw new UserError($"{path} line {line}, field '{name}': given twice.");
                    }

                    if (!columns.Contains(name))
                    {
                        columns.Add(name);
                    }
                }

                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    if (p.Name == "metrics" && p.Value.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var m in p.Value.EnumerateObject())
                        {
                            Add(m.Name, m.Value);
                        }
                    }
                    else
                    {
                        Add(p.Name, p.Value);
                    }
                }

                table.Rows.Add((line, cells));
            }
        }

        return table with { Columns = columns.ToArray() };
    }

    /// <summary>The objective of this tell: the options, else the session's, else the file's only metric column.</summary>
    private static SessionFolder.ObjectiveSettings Objective(SessionFolder store, Table table, string path, string? metric, bool mean, ObjectiveGoal? goal)
    {
        var names = new HashSet<string>(store.Settings.Names, StringComparer.Ordinal);
        var metrics = table.Columns.Where(c => !Reserved.Contains(c) && !names.Contains(c)).ToList();
        var stored = store.Settings.Objective;
        SessionFolder.ObjectiveSettings chosen;
        if (metric is not null)
        {
            chosen = new() { Metric = metric, Goal = goal ?? stored?.Goal ?? default };
        }
        else if (mean)
        {
            chosen = new() { Columns = metrics, Goal = goal ?? stored?.Goal ?? default };
        }
        else if (stored is not null)
        {
            chosen = new() { Metric = stored.Metric, Columns = stored.Columns, Goal = goal ?? stored.Goal };
        }
        else if (metrics.Count == 1)
        {
            chosen = new() { Metric = metrics[0], Goal = goal ?? default };
        }
        else
        {
            throw new UserError(metrics.Count == 0
                ? $"{path}: no metric column (a results file has a run column and one or more metric columns)."
                : $"{path} has the metric columns {string.Join(", ", metrics.Select(m => "'" + m + "'"))}: say which is the objective with --metric NAME, or --mean for their mean.");
        }

        if (stored is null && goal is null)
        {
            throw new UserError($"the first tell sets the objective's direction: add --goal Minimize (a loss) or --goal Maximize (an accuracy). The objective will be {chosen.Describe().Split(',')[0]}.");
        }

        if (chosen.Metric is null && chosen.Columns!.Count == 0)
        {
            throw new UserError($"{path}: no metric column to average.");
        }

        if (stored is not null && (stored.Goal != chosen.Goal || stored.Metric != chosen.Metric || (stored.Metric is null && !stored.Columns!.SequenceEqual(chosen.Columns!))))
        {
            throw new UserError($"this session's objective is {stored.Describe()} (set by its first tell); {path} is told as {chosen.Describe()}. One session has one objective.");
        }

        var missing = (chosen.Metric is { } m ? [m] : chosen.Columns!).FirstOrDefault(c => !table.Columns.Contains(c));
        if (missing is not null && table.Rows.Any(r => !IsFailed(r.Cells)))
        {
            throw new UserError($"{path} line 1: missing column '{missing}' (the objective is {chosen.Describe()}).");
        }

        return chosen;
    }

    private static bool IsFailed(Dictionary<string, (string Text, int Column)> cells) =>
        cells.TryGetValue("status", out var s) && s.Text.Equals("failed", StringComparison.OrdinalIgnoreCase);

    /// <summary>Checks every row before anything is told; throws one error listing the problems (up to 20), each with its file, line and column.</summary>
    private static List<CheckedRow> Check(Table table, string path, SessionFolder.ObjectiveSettings objective, MixtureSearchSession search, IReadOnlyList<string> names)
    {
        var errors = new List<string>();
        var result = new List<CheckedRow>();
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var nameSet = new HashSet<string>(names, StringComparer.Ordinal);
        if (!table.Columns.Contains("run"))
        {
            throw new UserError($"{path} line 1: missing column 'run' (the run ids of the mixtures file, for example r0-12).");
        }

        string Where(int line, string column, int index) =>
            table.Json ? $"{path} line {line}, field '{column}'" : $"{path} line {line}, column {index} ({column})";

        foreach (var (line, cells) in table.Rows)
        {
            var (run, runColumn) = cells.TryGetValue("run", out var r) ? r : (string.Empty, 0);
            if (run.Length == 0)
            {
                errors.Add($"{Where(line, "run", runColumn)}: the run id is empty.");
                continue;
            }

            if (lines.TryGetValue(run, out int first))
            {
                errors.Add($"{Where(line, "run", runColumn)}: run '{run}' is also on line {first}.");
                continue;
            }

            lines[run] = line;
            var proposal = search.FindProposal(run);
            if (proposal is null)
            {
                errors.Add($"{Where(line, "run", runColumn)}: unknown run '{run}' (the session has proposed rounds up to {Math.Max(search.CurrentRound, 0)}; run ids look like r0-12).");
                continue;
            }

            bool failed = false;
            string error = "failed (status=failed)";
            if (cells.TryGetValue("status", out var status) && status.Text.Length > 0)
            {
                if (status.Text.Equals("failed", StringComparison.OrdinalIgnoreCase))
                {
                    failed = true;
                }
                else if (!status.Text.Equals("ok", StringComparison.OrdinalIgnoreCase))
                {
                    errors.Add($"{Where(line, "status", status.Column)}: status '{status.Text}' is neither ok nor failed.");
                    continue;
                }
            }

            if (failed && cells.TryGetValue("error", out var e) && e.Text.Length > 0)
            {
                error = e.Text;
            }

            double value = double.NaN;
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            if (!failed)
            {
                bool bad = false;
                foreach (string column in table.Columns.Where(c => !Reserved.Contains(c) && !nameSet.Contains(c)))
                {
                    bool needed = objective.Metric is { } m ? column == m : objective.Columns!.Contains(column);
                    var (text, index) = cells.TryGetValue(column, out var cell) ? cell : (string.Empty, 0);
                    if (text.Length == 0 && !needed)
                    {
                        continue;
                    }

                    bool parsed = double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v);
                    if (!parsed && text.TrimStart('+', '-').ToLowerInvariant() is "nan" or "inf" or "infinity")
                    {
                        (parsed, v) = (true, double.NaN);
                    }

                    if (!parsed)
                    {
                        errors.Add($"{Where(line, column, index)}: '{text}' is not a number.");
                        bad = true;
                    }
                    else if (!double.IsFinite(v))
                    {
                        errors.Add($"{Where(line, column, index)}: {text} is not finite; a run that did not finish has status=failed.");
                        bad = true;
                    }
                    else
                    {
                        metrics[column] = v;
                    }
                }

                if (bad)
                {
                    continue;
                }

                value = objective.Metric is { } name ? metrics[name] : objective.Columns!.Average(c => metrics[c]);
            }

            var (told, fail) = search.GetOutcome(run);
            if (told is not null)
            {
                if (!failed && Math.Abs(told.Objective - value) <= 1e-12 * Math.Max(1, Math.Abs(value)))
                {
                    result.Add(new CheckedRow(run, RowAction.Skip, value, metrics, error));
                }
                else
                {
                    errors.Add(string.Create(CultureInfo.InvariantCulture, $"{Where(line, "run", runColumn)}: run '{run}' was already told objective {told.Objective:R}; this row says {(failed ? "failed" : value.ToString("R", CultureInfo.InvariantCulture))}. A told result is never replaced."));
                }

                continue;
            }

            if (fail is not null)
            {
                if (failed)
                {
                    result.Add(new CheckedRow(run, RowAction.Skip, value, metrics, error));
                }
                else
                {
                    errors.Add($"{Where(line, "run", runColumn)}: run '{run}' already has an outcome: it failed ({fail.Reason}); its result can no longer be used.");
                }

                continue;
            }

            result.Add(new CheckedRow(run, failed ? RowAction.Fail : RowAction.Tell, value, metrics, error));
        }

        if (errors.Count > 0)
        {
            throw new UserError($"nothing of {path} was told; fix these and tell it again:{Environment.NewLine}  " +
                string.Join(Environment.NewLine + "  ", errors.Take(20)) + (errors.Count > 20 ? $"{Environment.NewLine}  ... and {errors.Count - 20} more" : string.Empty));
        }

        return result;
    }
}

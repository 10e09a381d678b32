using System.CommandLine;
using System.Globalization;
using System.Text;

namespace Climb.Cli;

/// <summary>
/// <c>climb propose</c>: starts an ask/tell search session (the first time) and writes the open round's mixtures to train
/// as a CSV (a <c>run</c> column, a <c>seed</c> column, one column per super-cluster). See docs/external-proxies.md.
/// </summary>
internal static class ProposeCommand
{
    public static Command Create()
    {
        var session = SessionOption();
        var round = new Option<int?>("--round") { Description = "Write every proposal of this round (told or not) instead of the open round's waiting ones." };
        var output = new Option<string?>("--out", "-o") { Description = "The mixtures CSV to write. Default: <session>/round-<N>.csv." };
        var prior = new Option<string?>("--prior") { Description = "New session: a CSV with the columns name,tokens (each domain's name and token count); no Climb pipeline needed." };
        var artifacts = new Option<string?>("--artifacts", "-a") { Description = "New session: take the super-clusters and their token counts from this artifacts folder's tokenize stage (default: climb-artifacts, when it has one)." };
        var strategy = new Option<SearchStrategyKind?>("--strategy") { Description = "New session: Climb (default), RegMix, BestOfN or Uniform." };
        var budgets = new Option<string?>("--budgets") { Description = "New session: proxy runs per round, comma-separated (default 64,32,16; RegMix and BestOfN run their sum in one round)." };
        var pool = new Option<int?>("--candidate-pool") { Description = "New session: candidate mixtures the predictor ranks each round (default 100000)." };
        var seed = new Option<int?>("--seed") { Description = "New session: the search seed (default 42)." };
        var noise = new Option<int?>("--noise-replicates") { Description = "New session: runs of the prior mixture on other data seeds, proposed with round 0, to measure the proxy's noise (default 3; 0 turns it off)." };
        var measure = new Option<bool?>("--measure-answer") { Description = "New session: propose one more run that measures the answer (default true)." };
        var target = new Option<long?>("--target-tokens") { Description = "New session: the tokens of the training set the mixture is for (default 10,000,000); with --max-repetition it bounds each weight by tokens x repetition / target." };
        var repetition = new Option<double?>("--max-repetition") { Description = "New session: the most passes over one domain's tokens a mixture may ask for (default 4, as Olmix)." };
        var noBounds = new Option<bool>("--no-feasibility") { Description = "New session: do not bound the weights by what the data can supply." };
        var command = new Command("propose", "Ask/tell search: write the open round's mixtures to train (starting the session the first time). Train them anywhere, then `climb tell` the results.");
        foreach (var o in new Option[] { session, round, output, prior, artifacts, strategy, budgets, pool, seed, noise, measure, target, repetition, noBounds })
        {
            command.Options.Add(o);
        }

        command.SetAction((parse, ct) => SessionFolder.RunAsync(async () =>
        {
            string folder = Path.GetFullPath(parse.GetValue(session)!);
            var given = new SessionFolder.SessionSettings
            {
                Strategy = parse.GetValue(strategy) ?? SearchStrategyKind.Climb,
                Budgets = ParseBudgets(parse.GetValue(budgets) ?? "64,32,16"),
                CandidatePool = parse.GetValue(pool) ?? 100_000,
                Seed = parse.GetValue(seed) ?? 42,
                NoiseReplicates = parse.GetValue(noise) ?? 3,
                MeasureAnswer = parse.GetValue(measure) ?? true,
                Feasibility = new SessionFolder.FeasibilitySettings
                {
                    Enabled = !parse.GetValue(noBounds),
                    TargetTokens = parse.GetValue(target) ?? 10_000_000,
                    MaxRepetition = parse.GetValue(repetition) ?? 4,
                },
            };
            SessionFolder store;
            if (File.Exists(SessionFolder.SettingsFile(folder)))
            {
                store = SessionFolder.Load(folder);
                var s = store.Settings;
                var differs = new List<string>();
                void Check(Option option, string? value, string stored)
                {
                    if (value is not null && value != stored)
                    {
                        differs.Add($"{option.Name} {value} (the session has {stored})");
                    }
                }

                static string? Text<T>(T? value)
                    where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

                Check(strategy, parse.GetValue(strategy)?.ToString(), s.Strategy.ToString());
                Check(budgets, parse.GetValue(budgets) is { } b ? string.Join(",", ParseBudgets(b)) : null, string.Join(",", s.Budgets));
                Check(pool, Text(parse.GetValue(pool)), s.CandidatePool.ToString(CultureInfo.InvariantCulture));
                Check(seed, Text(parse.GetValue(seed)), s.Seed.ToString(CultureInfo.InvariantCulture));
                Check(noise, Text(parse.GetValue(noise)), s.NoiseReplicates.ToString(CultureInfo.InvariantCulture));
                Check(measure, parse.GetValue(measure)?.ToString(), s.MeasureAnswer.ToString());
                Check(target, Text(parse.GetValue(target)), s.Feasibility.TargetTokens.ToString(CultureInfo.InvariantCulture));
                Check(repetition, Text(parse.GetValue(repetition)), s.Feasibility.MaxRepetition.ToString(CultureInfo.InvariantCulture));
                Check(noBounds, parse.GetValue(noBounds) ? "on" : null, s.Feasibility.Enabled ? "off" : "on");
                if (parse.GetValue(prior) is not null || parse.GetValue(artifacts) is not null)
                {
                    differs.Add($"--prior/--artifacts (the session's prior came from {s.PriorSource})");
                }

                if (differs.Count > 0)
                {
                    throw new UserError($"session {folder} already exists with other settings: {string.Join("; ", differs)}. Leave these options out to continue it, or start a new session with another --session folder.");
                }
            }
            else
            {
                string? priorPath = parse.GetValue(prior);
                string? artifactsPath = parse.GetValue(artifacts);
                if (priorPath is not null && artifactsPath is not null)
                {
                    throw new UserError("give either --prior or --artifacts, not both.");
                }

                if (priorPath is null && artifactsPath is null)
                {
                    artifactsPath = Directory.Exists(Path.Combine("climb-artifacts", "06-tokenize")) ? "climb-artifacts"
                        : throw new UserError($"a new session ({folder}) needs a prior: --prior tokens.csv (columns name,tokens) or --artifacts DIR (a Climb artifacts folder with a finished tokenize stage).");
                }

                var (names, tokens) = priorPath is not null ? SessionFolder.ReadPriorCsv(priorPath) : SessionFolder.ReadArtifacts(artifactsPath!);
                given.Names = names;
                given.Tokens = tokens;
                given.PriorSource = Path.GetFullPath(priorPath ?? artifactsPath!);
                if (given.Budgets.Count == 0 || given.Budgets.Any(b => b < 1))
                {
                    throw new UserError("--budgets needs at least one round of at least one run.");
                }

                if (given.Feasibility.TargetTokens < 1 || !(given.Feasibility.MaxRepetition > 0) || !double.IsFinite(given.Feasibility.MaxRepetition))
                {
                    throw new UserError("--target-tokens and --max-repetition must be positive.");
                }

                var candidate = new SessionFolder.SessionSettings
                {
                    Strategy = given.Strategy, Budgets = given.Budgets, CandidatePool = given.CandidatePool, Seed = given.Seed, NoiseReplicates = given.NoiseReplicates,
                    MeasureAnswer = given.MeasureAnswer, Feasibility = given.Feasibility, Names = names, Tokens = tokens, PriorSource = given.PriorSource,
                };

                // Check the strategy and the bounds before anything is written.
                _ = MixturePrior.FromTokenCounts(tokens, names);
                if (candidate.Feasibility.Enabled)
                {
                    try
                    {
                        MixturePrior.FromTokenCounts(tokens, names).WithRepetitionLimit(candidate.Feasibility.TargetTokens, candidate.Feasibility.MaxRepetition);
                    }
                    catch (ArgumentException ex)
                    {
                        throw new UserError(ex.Message.Split(" (Parameter", 2)[0] + " (--target-tokens, --max-repetition)");
                    }
                }

                store = SessionFolder.Create(folder, candidate);
                _ = store.Strategy();
                Console.WriteLine($"new session {folder}: {candidate.Strategy} over {names.Count} domains ({tokens.Sum():N0} tokens) from {candidate.PriorSource}, rounds {string.Join(",", candidate.Budgets)}, seed {candidate.Seed}");
            }

            using var search = await store.OpenAsync(ct);
            IReadOnlyList<MixtureProposal> proposals;
            int shown;
            if (parse.GetValue(round) is int n)
            {
                try
                {
                    proposals = search.GetProposals(n);
                }
                catch (ArgumentOutOfRangeException ex)
                {
                    throw new UserError(ex.Message.Split(" (Parameter", 2)[0]);
                }

                shown = n;
            }
            else
            {
                proposals = await search.ProposeAsync(ct);
                if (proposals.Count == 0)
                {
                    Console.WriteLine($"the search is finished: run climb answer --session {folder}");
                    return 0;
                }

                shown = search.CurrentRound;
            }

            string path = Path.GetFullPath(parse.GetValue(output) ?? Path.Combine(folder, string.Create(CultureInfo.InvariantCulture, $"round-{shown}.csv")));
            Write(path, proposals, store.Settings.Names);
            int waiting = proposals.Count(p => search.GetOutcome(p.Id) is (null, null));
            string what = shown == search.RoundCount ? "the answer's measuring run" : $"round {shown} of {search.RoundCount}";
            var kinds = proposals.GroupBy(p => p.Kind).Select(g => $"{g.Count()} {g.Key switch { MixtureProposalKind.NoiseReplicate => "noise replicates (the prior mixture on other data seeds)", MixtureProposalKind.AnswerMeasurement => "answer measurement", _ => "mixtures" }}");
            Console.WriteLine($"{what}: {string.Join(", ", kinds)}; {waiting} waiting for a result");
            Console.WriteLine($"mixtures: {path}");
            Console.WriteLine($"train each row on its mixture with its data seed, then: climb tell --session {folder} results.csv");
            return 0;
        }));
        return command;
    }

    /// <summary>The --session option, shared by propose, tell and answer.</summary>
    public static Option<string> SessionOption() => new("--session", "-s")
    {
        Description = "The session folder: session.json (settings, prior), journal.jsonl (every result), round-N.csv, weights.json.",
        DefaultValueFactory = _ => SessionFolder.DefaultPath,
    };

    private static List<int> ParseBudgets(string text)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToList();
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            throw new UserError($"--budgets '{text}' is not a comma-separated list of whole numbers.");
        }
    }

    private static void Write(string path, IReadOnlyList<MixtureProposal> proposals, IReadOnlyList<string> names)
    {
        var sb = new StringBuilder();
        sb.Append("run,seed");
        foreach (string name in names)
        {
            sb.Append(',').Append(CsvFile.Field(name));
        }

        sb.Append('\n');
        foreach (var p in proposals)
        {
            sb.Append(p.Id).Append(',').Append(p.Seed.ToString(CultureInfo.InvariantCulture));
            for (int i = 0; i < p.Mixture.Count; i++)
            {
                sb.Append(',').Append(p.Mixture[i].ToString("0.##########", CultureInfo.InvariantCulture));
            }

            sb.Append('\n');
        }

        string? dir = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path + ".tmp", sb.ToString());
        File.Move(path + ".tmp", path, overwrite: true);
    }
}

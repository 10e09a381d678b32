using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb.Cli;

/// <summary>
/// The folder of an ask/tell search session (<c>climb propose</c>, <c>climb tell</c>, <c>climb answer</c>):
/// <c>session.json</c> (how the session was created: strategy, budgets, seed, the prior's names and token counts, the
/// feasibility bounds, and the objective once the first results are told), <c>journal.jsonl</c> (the search journal:
/// every result and failure, what the session resumes from), <c>round-N.csv</c> (the proposals <c>climb propose</c>
/// wrote) and <c>weights.json</c> (the answer <c>climb answer</c> wrote). See docs/external-proxies.md.
/// </summary>
internal sealed class SessionFolder
{
    public const string Kind = "climb-search-session";
    public const string DefaultPath = "climb-session";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private SessionFolder(string folder, SessionSettings settings)
    {
        Folder = folder;
        Settings = settings;
    }

    public string Folder { get; }

    public SessionSettings Settings { get; }

    public string SettingsPath => Path.Combine(Folder, "session.json");

    public string JournalPath => Path.Combine(Folder, "journal.jsonl");

    public static string SettingsFile(string folder) => Path.Combine(folder, "session.json");

    /// <summary>Loads an existing session folder.</summary>
    /// <exception cref="UserError">The folder holds no session, or its session.json is damaged.</exception>
    public static SessionFolder Load(string folder)
    {
        folder = Path.GetFullPath(folder);
        string path = SettingsFile(folder);
        if (!File.Exists(path))
        {
            throw new UserError($"no search session in {folder} (no session.json): start one with `climb propose --session {folder} --prior tokens.csv` (or --artifacts DIR).");
        }

        SessionSettings? settings;
        try
        {
            settings = JsonSerializer.Deserialize<SessionSettings>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            throw new UserError($"{path} is not a valid session file: {ex.Message}");
        }

        if (settings is null || settings.Kind != Kind || settings.Names.Count == 0 || settings.Names.Count != settings.Tokens.Count || settings.Budgets.Count == 0)
        {
            throw new UserError($"{path} is not a valid session file (kind '{settings?.Kind}', {settings?.Names.Count} names, {settings?.Tokens.Count} token counts).");
        }

        return new SessionFolder(folder, settings);
    }

    /// <summary>Creates a session folder (the folder may exist, but must hold no session).</summary>
    public static SessionFolder Create(string folder, SessionSettings settings)
    {
        folder = Path.GetFullPath(folder);
        Directory.CreateDirectory(folder);
        var created = new SessionFolder(folder, settings);
        created.Save();
        return created;
    }

    public void Save()
    {
        string tmp = SettingsPath + ".tmp";
        File.WriteAllText(tmp, JsonSerializer.Serialize(Settings, Json));
        File.Move(tmp, SettingsPath, overwrite: true);
    }

    /// <summary>The prior: token counts per super-cluster, bounded by the repetition limit when feasibility is on.</summary>
    /// <exception cref="UserError">The target budget is more than the data can supply.</exception>
    public MixturePrior Prior()
    {
        var prior = MixturePrior.FromTokenCounts(Settings.Tokens, Settings.Names);
        if (!Settings.Feasibility.Enabled)
        {
            return prior;
        }

        try
        {
            return prior.WithRepetitionLimit(Settings.Feasibility.TargetTokens, Settings.Feasibility.MaxRepetition);
        }
        catch (ArgumentException ex)
        {
            throw new UserError(ex.Message.Split(" (Parameter", 2)[0] + " (--target-tokens, --max-repetition)");
        }
    }

    /// <summary>The strategy the session was created with.</summary>
    public IMixtureSearchStrategy Strategy()
    {
        var s = Settings;
        int total = s.Budgets.Sum();
        return s.Strategy switch
        {
            SearchStrategyKind.Climb => new ClimbSearchStrategy(new ClimbSearchStrategyOptions { RoundBudgets = s.Budgets.ToArray(), CandidatePoolSize = s.CandidatePool }),
            SearchStrategyKind.RegMix => new RegMixSearchStrategy(new RegMixSearchStrategyOptions { Budget = total, CandidatePoolSize = s.CandidatePool }),
            SearchStrategyKind.BestOfN => new BestOfNSearchStrategy(total),
            SearchStrategyKind.Uniform => new UniformSearchStrategy(),
            _ => throw new UserError($"the {s.Strategy} strategy trains models itself and cannot run as an ask/tell session; use Climb, RegMix, BestOfN or Uniform."),
        };
    }

    /// <summary>Opens the session (reads the journal and plans the rounds it covers).</summary>
    public async Task<MixtureSearchSession> OpenAsync(CancellationToken cancellationToken)
    {
        var options = new MixtureSearchOptions
        {
            Seed = Settings.Seed,
            JournalPath = JournalPath,
            NoiseReplicates = Settings.NoiseReplicates,
            MeasureAnswer = Settings.MeasureAnswer,
            ProxyConfiguration = "external",
        };
        try
        {
            return await MixtureSearchSession.OpenAsync(Strategy(), Prior(), options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (ex.Message.Contains("in use", StringComparison.Ordinal))
        {
            throw new UserError($"session {Folder} is in use by another climb command; wait for it to finish.");
        }
    }

    /// <summary>Reads a prior file: a CSV with a name column and a tokens column (header names <c>name</c> and <c>tokens</c>).</summary>
    public static (List<string> Names, List<long> Tokens) ReadPriorCsv(string path)
    {
        if (!File.Exists(path))
        {
            throw new UserError($"prior file '{path}' does not exist.");
        }

        var (header, rows) = CsvFile.Read(path);
        int name = Array.FindIndex(header, h => h.Equals("name", StringComparison.OrdinalIgnoreCase));
        int tokens = Array.FindIndex(header, h => h.Equals("tokens", StringComparison.OrdinalIgnoreCase));
        if (name < 0 || tokens < 0)
        {
            throw new UserError($"{path} line 1: missing column '{(name < 0 ? "name" : "tokens")}' (a prior file has the columns name,tokens: each domain's name and token count).");
        }

        var names = new List<string>();
        var counts = new List<long>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            string n = Cell(row, name).Trim();
            string t = Cell(row, tokens).Trim();
            if (n.Length == 0)
            {
                throw new UserError($"{path} line {row.Line}, column {name + 1} (name): the name is empty.");
            }

            if (seen.TryGetValue(n, out int first))
            {
                throw new UserError($"{path} line {row.Line}, column {name + 1} (name): '{n}' is also on line {first}; names must be unique.");
            }

            if (n is "run" or "seed" or "status" or "error")
            {
                throw new UserError($"{path} line {row.Line}, column {name + 1} (name): '{n}' is a reserved column name of the ask/tell files; rename the domain.");
            }

            if (!long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out long count) || count < 0)
            {
                throw new UserError($"{path} line {row.Line}, column {tokens + 1} (tokens): '{t}' is not a non-negative whole number of tokens.");
            }

            seen[n] = row.Line;
            names.Add(n);
            counts.Add(count);
        }

        if (names.Count < 2 || counts.Sum() <= 0)
        {
            throw new UserError($"{path}: a prior needs at least two domains and some tokens ({names.Count} domains, {counts.Sum()} tokens).");
        }

        return (names, counts);
    }

    /// <summary>Reads the prior of a Climb artifacts folder: the super-cluster names and token counts of its finished tokenize stage.</summary>
    public static (List<string> Names, List<long> Tokens) ReadArtifacts(string artifacts)
    {
        string stage = Path.Combine(Path.GetFullPath(artifacts), "06-tokenize");
        string manifest = Path.Combine(stage, "manifest.json");
        string catalogue = Path.Combine(stage, "catalogue.json");
        if (!File.Exists(manifest) || !File.Exists(catalogue))
        {
            throw new UserError($"{stage} holds no finished tokenize stage: run `climb tokenize --artifacts {artifacts}` (with your --corpus) first, or give --prior tokens.csv.");
        }

        using (var m = JsonDocument.Parse(File.ReadAllText(manifest)))
        {
            if (!m.RootElement.TryGetProperty("Complete", out var complete) || complete.ValueKind != JsonValueKind.True)
            {
                throw new UserError($"{stage} is not finished (its manifest.json is not complete): run `climb tokenize --artifacts {artifacts}` to finish it.");
            }
        }

        using var c = JsonDocument.Parse(File.ReadAllText(catalogue));
        var entries = c.RootElement.GetProperty("Entries").EnumerateArray().ToList();
        return (entries.Select(e => e.GetProperty("Name").GetString()!).ToList(), entries.Select(e => e.GetProperty("Tokens").GetInt64()).ToList());
    }

    /// <summary>Runs a session command: a user error, a damaged file or a refused tell prints one line and exits 1; Ctrl+C exits 130 (everything told is in the journal).</summary>
    public static async Task<int> RunAsync(Func<Task<int>> command)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("interrupted: everything told so far is in the session's journal.");
            return 130;
        }
        catch (Exception ex) when (ex is UserError or ArgumentException or InvalidDataException or InvalidOperationException or IOException or JsonException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("error: " + ex.Message);
            return 1;
        }
    }

    private static string Cell(CsvFile.Row row, int column) => column < row.Cells.Length ? row.Cells[column] : string.Empty;

    /// <summary>What <c>session.json</c> holds.</summary>
    public sealed class SessionSettings
    {
        public string Kind { get; set; } = SessionFolder.Kind;

        public int Version { get; set; } = 1;

        public SearchStrategyKind Strategy { get; set; } = SearchStrategyKind.Climb;

        public List<int> Budgets { get; set; } = [];

        public int CandidatePool { get; set; } = 100_000;

        public int Seed { get; set; }

        public int NoiseReplicates { get; set; } = 3;

        public bool MeasureAnswer { get; set; } = true;

        /// <summary>Where the prior came from (a prior CSV or an artifacts folder), for the record.</summary>
        public string PriorSource { get; set; } = string.Empty;

        public List<string> Names { get; set; } = [];

        public List<long> Tokens { get; set; } = [];

        public FeasibilitySettings Feasibility { get; set; } = new();

        /// <summary>The objective, set by the first <c>climb tell</c>; later tells must agree.</summary>
        public ObjectiveSettings? Objective { get; set; }
    }

    /// <summary>The repetition limit of a session.</summary>
    public sealed class FeasibilitySettings
    {
        public bool Enabled { get; set; } = true;

        public long TargetTokens { get; set; } = 10_000_000;

        public double MaxRepetition { get; set; } = 4;
    }

    /// <summary>How a results file's columns make the objective.</summary>
    public sealed class ObjectiveSettings
    {
        /// <summary>The objective column, or <see langword="null"/> for the mean of <see cref="Columns"/>.</summary>
        public string? Metric { get; set; }

        /// <summary>The metric columns averaged (when <see cref="Metric"/> is null).</summary>
        public List<string>? Columns { get; set; }

        public ObjectiveGoal Goal { get; set; }

        public string Describe() => (Metric is { } m ? $"column '{m}'" : $"the mean of {string.Join(", ", Columns!.Select(c => "'" + c + "'"))}") + $", {Goal.ToString().ToLowerInvariant()}d";
    }
}

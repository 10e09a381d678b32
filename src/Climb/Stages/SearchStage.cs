using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// Stage 8: searches the mixture weights with proxy runs. Owns <c>journal.jsonl</c> (one line per finished proxy, what
/// an interrupted search resumes from), <c>result.json</c> (the whole <see cref="MixtureSearchResult"/>, what a reused
/// stage loads without refitting anything) and <c>weights.json</c> (published to the artifacts root).
/// </summary>
internal sealed class SearchStage(
    TokenizeStage tokenize, ProxyDataStage proxyData, IReadOnlyList<EvaluationTarget> targets, IProxyTrainer trainer, IMixtureSearchStrategy strategy, int seed, int parallelism,
    MixtureFeasibilityOptions feasibility, long exportBudget) : PipelineStage(tokenize, proxyData)
{
    private const string JournalFile = "journal.jsonl";
    private const string ResultFile = "result.json";
    private const string WeightsFile = "weights.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new MixtureWeightsConverter(), new JsonStringEnumConverter() },
    };

    private MixtureSearchResult? _result;

    public override bool Resumable => true;

    public override bool NeedsTargets => true;

    public override IReadOnlyList<string> PublishedFiles => [WeightsFile];

    /// <summary>Gets the search result.</summary>
    public MixtureSearchResult Result => Ready(_result, Name);

    protected override string OwnFingerprint() =>
        Climb.Fingerprint.Of("search/v4", TargetFingerprint(targets), trainer.Identity, strategy.Identity, seed, feasibility.Describe(exportBudget));

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var tokens = tokenize.Tokens;
        var catalogue = tokenize.Catalogue;

        // The data's repetition limit bounds every mixture; a budget no mixture can meet fails here, before any proxy runs.
        MixturePrior prior;
        try
        {
            prior = feasibility.Apply(MixturePrior.FromTokenCounts(tokens.TokenCounts, catalogue.Names), exportBudget);
        }
        catch (ArgumentException ex) when (ex.ParamName == "targetTokens")
        {
            string target = context.Names[feasibility.TargetTokens is null ? "Export.TokenBudget" : "Feasibility.TargetTokens"];
            throw new ArgumentException($"{ex.Message.Split(" (Parameter", 2)[0]} ({target}, {context.Names["Feasibility.MaxRepetition"]})", ex);
        }

        if (trainer.GetService<IPreparedProxyTrainer>() is { } prepared)
        {
            await prepared.PrepareAsync(tokens, folder, seed, m => context.Report(Name, m), cancellationToken).ConfigureAwait(false);
        }

        // The strategy the search runs must itself be bindable: a bound copy of a strategy found inside a wrapper would
        // run without the wrapper, so this is a type test on the strategy, not a GetService lookup.
        var runStrategy = strategy;
        if (strategy is IDataBoundSearchStrategy unbound)
        {
            string basePath = Path.Combine(folder, "base", "base.ckpt");
            runStrategy = unbound.Bind(tokens, Path.Combine(folder, "doremi"), File.Exists(basePath) ? basePath : null);
        }

        var search = new MixtureSearch(
            runStrategy,
            new MixtureSearchOptions
            {
                Seed = seed,
                MaxDegreeOfParallelism = parallelism,
                JournalPath = Path.Combine(folder, JournalFile),
                ProxyConfiguration = trainer.Identity + " targets=" + TargetFingerprint(targets),
            },
            context.Logger<MixtureSearch>());
        int total = strategy.RoundBudgets.Sum(), done = 0;
        Task<ProxyResult> Evaluate(MixtureWeights mixture, int proxySeed, CancellationToken ct) =>
            trainer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = proxySeed, Data = tokens, Targets = targets }, null, ct);

        var roundSink = new SyncProgress<MixtureSearchRound>(r =>
        {
            done += r.Results.Count;
            var goal = r.Results.Count > 0 ? r.Results[0].Goal : ObjectiveGoal.Maximize;
            double bestObjective = goal == ObjectiveGoal.Minimize ? -r.BestUtilitySoFar : r.BestUtilitySoFar;
            context.Report(Name, $"round {r.Round + 1} done, best objective so far {bestObjective:G5} ({goal.ToString().ToLowerInvariant()})", done, total);
            context.Rounds?.Report(r);
        });
        var result = await search.RunAsync(prior, Evaluate, roundSink, cancellationToken).ConfigureAwait(false);
        Log.SearchFinished(context.Loggers.CreateLogger<ClimbPipeline>(), strategy.Name, result.Mixture.ToString());
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, ResultFile), JsonSerializer.Serialize(result, Json), cancellationToken).ConfigureAwait(false);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, WeightsFile), WeightsJson(result, catalogue, prior), cancellationToken).ConfigureAwait(false);
        _result = result;
        var counts = new Dictionary<string, double>
        {
            ["proxy_runs"] = result.ProxyResults.Count,
            ["proxy_runs_resumed"] = result.ResumedCount,
            ["best_measured_objective"] = result.BestMeasured.Objective,
            ["answer_from_best_measured"] = result.AnswerSource == AnswerSource.BestMeasured ? 1 : 0,
            ["answer_measured_objective"] = result.AnswerMeasured?.Objective ?? double.NaN,
            ["signal_to_noise"] = result.SignalToNoise,
            ["proxy_runs_failed"] = result.Failures.Count,
        };
        if (result.Answer.Reason is { } reason)
        {
            context.Report(Name, "answer: " + reason);
        }

        for (int r = 0; r < result.Rounds.Count; r++)
        {
            counts[$"round{r + 1}_heldout_spearman"] = result.Rounds[r].HeldOutSpearman;
            counts[$"round{r + 1}_best_utility"] = result.Rounds[r].BestUtilitySoFar;
        }

        return counts;
    }

    public override void Load(StageContext context, string folder)
    {
        var result = JsonSerializer.Deserialize<MixtureSearchResult>(File.ReadAllText(Path.Combine(folder, ResultFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{ResultFile} is empty.");
        if (result.Mixture.Count != tokenize.Tokens.ClusterCount)
        {
            throw new InvalidDataException($"{folder}/{ResultFile}: the mixture has {result.Mixture.Count} weights for {tokenize.Tokens.ClusterCount} super-clusters.");
        }

        _result = result;
    }

    /// <summary>The user-facing answer: the mixture with each component's name and size, and the best measured run.</summary>
    private static string WeightsJson(MixtureSearchResult search, SuperClusterCatalogue catalogue, MixturePrior prior) => JsonSerializer.Serialize(
        new
        {
            strategy = search.Strategy,
            method = search.Answer.Method,
            fingerprint = search.Fingerprint,
            target_tokens = prior.TargetTokens,
            max_repetition = prior.MaxRepetition,
            components = catalogue.Entries.Select(e => new
            {
                index = e.SuperCluster, name = e.Name, weight = search.Mixture[e.SuperCluster], tokens = e.Tokens, documents = e.Documents, fine_clusters = e.FineClusters,
                max_weight = prior.MaxWeights[e.SuperCluster], epochs = prior.Repetitions(search.Mixture)[e.SuperCluster],
            }),
            best_measured = new { objective = search.BestMeasured.Objective, goal = search.BestMeasured.Goal.ToString(), mixture = search.BestMeasured.Mixture.ToArray() },
        },
        Json);

    private static string TargetFingerprint(IReadOnlyList<EvaluationTarget> targets) => Climb.Fingerprint.Of(targets.Select(t => t.ContentFingerprint()).ToArray());

    /// <summary>Writes a mixture as its array of weights.</summary>
    private sealed class MixtureWeightsConverter : JsonConverter<MixtureWeights>
    {
        public override MixtureWeights Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(JsonSerializer.Deserialize<double[]>(ref reader, options) ?? throw new JsonException("A mixture is null."));

        public override void Write(Utf8JsonWriter writer, MixtureWeights value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.ToArray(), options);
    }
}

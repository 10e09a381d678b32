using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// An ask/tell mixture search: the session proposes a round of mixtures, each with an id and a data seed; whoever trains
/// the proxies (anywhere: this process, a Slurm cluster, another lab's scripts) tells it each result, in any order; when
/// every proposal of the round has a result or a failure (or the round is closed with what arrived), the next
/// <see cref="ProposeAsync"/> plans the next round; after the last round the session proposes the answer's measuring run,
/// then <see cref="AnswerAsync"/> returns the answer. <see cref="MixtureSearch.RunAsync"/> is a driver over this same engine.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="MixtureSearchOptions.JournalPath"/> set, every result and failure is appended to the journal as it is
/// told, and opening the session again on the same journal (with the same strategy, prior and options) gives the same
/// state: the rounds are planned again (strategies are deterministic) and checked against what the journal holds. A
/// journal of another configuration is refused; a journal in use by another session is refused.
/// </para>
/// <para>
/// Round 0 carries the noise replicates as well (the prior mixture on <see cref="MixtureSearchOptions.NoiseReplicates"/>
/// other data seeds), so that they train in parallel with it. Proposals and the answer are kept within the prior's
/// bounds (<see cref="MixturePrior.MaxWeights"/>): a strategy's mixture above a bound is projected onto them
/// (<see cref="MixturePrior.Project"/>) and the log says so.
/// </para>
/// <para>Members are safe to call from several threads (results of parallel runs may be told concurrently).</para>
/// </remarks>
public sealed partial class MixtureSearchSession : IDisposable
{
    private readonly IMixtureSearchStrategy _strategy;
    private readonly MixtureSearchOptions _options;
    private readonly MixturePrior _prior;
    private readonly ILogger _logger;
    private readonly IProgress<MixtureSearchRound>? _progress;
    private readonly SearchJournal? _journal;
    private readonly int[] _budgets;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _advance = new(1, 1);
    private readonly Dictionary<(int Round, int Index), SearchJournal.Entry> _outcomes = [];
    private readonly HashSet<(int Round, int Index)> _resumed = [];
    private readonly Dictionary<string, MixtureProposal> _byId = new(StringComparer.Ordinal);
    private readonly List<Step> _steps = [];
    private readonly List<MixtureSearchRound> _rounds = [];
    private readonly List<ProxyResult> _all = [];
    private readonly List<ProxyFailure> _failures = [];
    private ProxyNoiseEstimate? _noise;
    private MixtureSearchAnswer? _answer;
    private ProxyResult? _answerMeasured;
    private ObjectiveGoal? _goal;
    private double _bestSoFar = double.NegativeInfinity;
    private int _resumedTotal;
    private bool _finished;
    private MixtureSearchResult? _result;

    private MixtureSearchSession(IMixtureSearchStrategy strategy, MixturePrior prior, MixtureSearchOptions options, IProgress<MixtureSearchRound>? progress, ILogger logger)
    {
        _strategy = strategy;
        _prior = prior;
        _options = options;
        _progress = progress;
        _logger = logger;
        _budgets = strategy.RoundBudgets.ToArray();
        Configuration = CanonicalConfiguration(strategy, options, prior);
        Fingerprint = FingerprintOf(Configuration);
        if (options.JournalPath is { } path)
        {
            _journal = SearchJournal.Open(path, Fingerprint, strategy.Name, Configuration);
            foreach (var entry in _journal.Entries)
            {
                _outcomes[(entry.Round, entry.Index)] = entry;
                _resumed.Add((entry.Round, entry.Index));
                _goal ??= entry.Result?.Goal;
            }
        }
    }

    /// <summary>Gets the configuration fingerprint (also in the journal's header).</summary>
    public string Fingerprint { get; }

    /// <summary>Gets the number of strategy rounds; the answer's measuring run is asked for in round <see cref="RoundCount"/>.</summary>
    public int RoundCount => _budgets.Length;

    /// <summary>Gets the prior the session searches over (its bounds included).</summary>
    public MixturePrior Prior => _prior;

    /// <summary>Gets the strategy.</summary>
    public IMixtureSearchStrategy Strategy => _strategy;

    /// <summary>Gets the round whose proposals are open (0 to <see cref="RoundCount"/>), or −1 once the search is finished.</summary>
    public int CurrentRound
    {
        get
        {
            lock (_gate)
            {
                return _finished || _steps.Count == 0 ? -1 : _steps[^1].Round;
            }
        }
    }

    /// <summary>Gets whether every round (and the answer's measurement) is done: <see cref="AnswerAsync"/> returns without asking for anything.</summary>
    public bool IsFinished
    {
        get
        {
            lock (_gate)
            {
                return _finished;
            }
        }
    }

    /// <summary>Gets how many results and failures were read back from the journal when the session was opened.</summary>
    public int ResumedCount => _resumed.Count;

    /// <summary>Gets the objective direction of the results told so far, or <see langword="null"/> before the first.</summary>
    public ObjectiveGoal? Goal
    {
        get
        {
            lock (_gate)
            {
                return _goal;
            }
        }
    }

    private string Configuration { get; }

    /// <summary>Opens a session: reads the journal, if any, and plans the rounds it covers, up to the first round still waiting for results.</summary>
    /// <param name="strategy">The strategy (for example <see cref="ClimbSearchStrategy"/>).</param>
    /// <param name="prior">The clusters' token shares and bounds.</param>
    /// <param name="options">The options (<see cref="MixtureSearchOptions.JournalPath"/> makes the session durable); defaults when <see langword="null"/>.</param>
    /// <param name="progress">Receives each round as it finishes (rounds already finished in the journal included).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="cancellationToken">Cancels the planning.</param>
    /// <returns>The open session; dispose it to release the journal.</returns>
    /// <exception cref="InvalidOperationException">The journal belongs to another configuration, or a finished round has no successful result.</exception>
    /// <exception cref="InvalidDataException">The journal is damaged, or does not match what the strategy proposes.</exception>
    /// <exception cref="IOException">Another session holds the journal.</exception>
    public static Task<MixtureSearchSession> OpenAsync(
        IMixtureSearchStrategy strategy,
        MixturePrior prior,
        MixtureSearchOptions? options = null,
        IProgress<MixtureSearchRound>? progress = null,
        ILogger<MixtureSearchSession>? logger = null,
        CancellationToken cancellationToken = default) =>
        OpenCoreAsync(strategy, prior, options, progress, logger ?? (ILogger)NullLogger<MixtureSearchSession>.Instance, cancellationToken);

    internal static async Task<MixtureSearchSession> OpenCoreAsync(
        IMixtureSearchStrategy strategy, MixturePrior prior, MixtureSearchOptions? options, IProgress<MixtureSearchRound>? progress, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(prior);
        var validated = OptionsValidation.Validate(options ?? new MixtureSearchOptions(), nameof(options));
        var session = new MixtureSearchSession(strategy, prior, validated, progress, logger);
        try
        {
            if (session._journal is { Count: > 0 } journal)
            {
                session.LogResuming(journal.Path, journal.Count);
            }

            await session.AdvanceAsync(cancellationToken).ConfigureAwait(false);
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Returns the open round's proposals that have no result yet. When every proposal of the open round has a result or
    /// a failure, plans the next round first (or chooses the answer and proposes its measuring run). An empty list means
    /// the search is finished.
    /// </summary>
    /// <param name="cancellationToken">Cancels the planning.</param>
    /// <returns>The proposals waiting for a result.</returns>
    /// <exception cref="InvalidOperationException">Every proxy of a round failed: the strategy has nothing to plan from.</exception>
    public async Task<IReadOnlyList<MixtureProposal>> ProposeAsync(CancellationToken cancellationToken = default)
    {
        await AdvanceAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            return _finished || _steps.Count == 0 ? [] : _steps[^1].Proposals.Where(p => !_outcomes.ContainsKey(Key(p))).ToArray();
        }
    }

    /// <summary>Returns every proposal of a round planned so far, told or not.</summary>
    /// <param name="round">The session round (0 to <see cref="RoundCount"/>).</param>
    /// <returns>The round's proposals, in order.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The round has not been planned yet.</exception>
    public IReadOnlyList<MixtureProposal> GetProposals(int round)
    {
        lock (_gate)
        {
            var step = _steps.FirstOrDefault(s => s.Round == round)
                ?? throw new ArgumentOutOfRangeException(nameof(round), round, $"Round {round} has not been proposed yet; the open round is {(_finished ? "none (the search is finished)" : _steps[^1].Round.ToString(CultureInfo.InvariantCulture))}.");
            return step.Proposals;
        }
    }

    /// <summary>Finds a proposal by id.</summary>
    /// <param name="id">The run id.</param>
    /// <returns>The proposal, or <see langword="null"/> when no planned round has it.</returns>
    public MixtureProposal? FindProposal(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _byId.GetValueOrDefault(id);
        }
    }

    /// <summary>Returns what was told for a run: its result, or its failure, or neither.</summary>
    /// <param name="id">The run id.</param>
    /// <returns>The result (or <see langword="null"/>) and the failure (or <see langword="null"/>).</returns>
    public (ProxyResult? Result, ProxyFailure? Failure) GetOutcome(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var p) && _outcomes.TryGetValue(Key(p), out var e) ? (e.Result, e.Failure) : (null, null);
        }
    }

    /// <summary>Tells the result of a proposed run. A non-finite objective is recorded as a failure, as the driver does.</summary>
    /// <param name="id">The run id (<see cref="MixtureProposal.Id"/>).</param>
    /// <param name="result">The result; its mixture and seed are taken from the proposal.</param>
    /// <exception cref="ArgumentException">No planned round proposed this id, or the result's goal differs from the results told before.</exception>
    /// <exception cref="InvalidOperationException">The run already has a result or a failure.</exception>
    public void Tell(string id, ProxyResult result)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            var p = Pending(id);
            if (!double.IsFinite(result.Objective))
            {
                RecordFailure(p, $"non-finite objective ({result.Objective.ToString(CultureInfo.InvariantCulture)})");
                return;
            }

            if (_goal is { } goal && goal != result.Goal)
            {
                throw new ArgumentException(
                    $"Run '{id}' is told with goal {result.Goal}, but the results told before {goal.ToString().ToLowerInvariant()} their objective; one session has one direction.", nameof(result));
            }

            var bound = Rebind(result, p.Mixture, p.Seed);
            _journal?.Append(p.JournalRound, p.Index, bound);
            _outcomes[Key(p)] = new SearchJournal.Entry(p.JournalRound, p.Index, bound, 0);
            _goal ??= bound.Goal;
            LogProxyFinished(p.JournalRound, p.Index, bound.Objective);
        }
    }

    /// <summary>Tells the result of a proposed run by its objective.</summary>
    /// <param name="id">The run id.</param>
    /// <param name="objective">The objective.</param>
    /// <param name="goal">Whether a smaller or a larger objective is better.</param>
    /// <param name="metrics">Every measured figure by name, or <see langword="null"/>.</param>
    public void Tell(string id, double objective, ObjectiveGoal goal, IReadOnlyDictionary<string, double>? metrics)
    {
        ArgumentNullException.ThrowIfNull(id);
        MixtureProposal p;
        lock (_gate)
        {
            p = _byId.GetValueOrDefault(id) ?? throw UnknownRun(id);
        }

        Tell(id, new ProxyResult
        {
            Mixture = p.Mixture,
            Seed = p.Seed,
            Objective = objective,
            Goal = goal,
            Metrics = metrics ?? new Dictionary<string, double>(),
            ProxyConfiguration = _options.ProxyConfiguration,
            Device = "external",
        });
    }

    /// <summary>Tells that a proposed run failed (it is recorded, excluded from fitting, and not proposed again).</summary>
    /// <param name="id">The run id.</param>
    /// <param name="reason">Why it failed.</param>
    /// <exception cref="ArgumentException">No planned round proposed this id.</exception>
    /// <exception cref="InvalidOperationException">The run already has a result or a failure.</exception>
    public void TellFailure(string id, string reason)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        lock (_gate)
        {
            RecordFailure(Pending(id), reason);
        }
    }

    /// <summary>
    /// Closes the open round with what arrived: every proposal without a result is recorded as a failure ("no result when
    /// the round was closed"), so the next <see cref="ProposeAsync"/> goes on. A result that arrives later for one of them is refused.
    /// </summary>
    /// <returns>How many proposals were closed without a result.</returns>
    /// <exception cref="InvalidOperationException">The search is finished, or the open strategy round has no successful result yet.</exception>
    public int CloseRound()
    {
        lock (_gate)
        {
            if (_finished || _steps.Count == 0)
            {
                throw new InvalidOperationException("The search is finished: there is no open round to close.");
            }

            var step = _steps[^1];
            if (step.Round < RoundCount && !step.Proposals.Any(p => p.Kind == MixtureProposalKind.Search && _outcomes.TryGetValue(Key(p), out var e) && e.Result is not null))
            {
                throw new InvalidOperationException(
                    $"Round {step.Round} has no successful result yet ({step.Proposals.Count(p => p.Kind == MixtureProposalKind.Search)} proposed): the strategy needs at least one to go on. Tell a result first.");
            }

            int closed = 0;
            foreach (var p in step.Proposals.Where(p => !_outcomes.ContainsKey(Key(p))))
            {
                RecordFailure(p, $"no result when round {step.Round} was closed");
                closed++;
            }

            return closed;
        }
    }

    /// <summary>Returns the search's answer with every round and result, as <see cref="MixtureSearch.RunAsync"/> does.</summary>
    /// <param name="cancellationToken">Cancels the choice.</param>
    /// <returns>The result.</returns>
    /// <exception cref="InvalidOperationException">The search is not finished: proposals still wait for results.</exception>
    public async Task<MixtureSearchResult> AnswerAsync(CancellationToken cancellationToken = default)
    {
        await AdvanceAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (!_finished)
            {
                var step = _steps[^1];
                var waiting = step.Proposals.Where(p => !_outcomes.ContainsKey(Key(p))).Select(p => p.Id).ToArray();
                string what = step.Round == RoundCount ? "the answer's measuring run" : $"round {step.Round}";
                throw new InvalidOperationException(
                    $"The search is not finished: {what} waits for {waiting.Length} result(s) ({string.Join(", ", waiting.Take(8))}{(waiting.Length > 8 ? ", ..." : string.Empty)}). Tell them, or close the round with what arrived.");
            }

            return _result ??= BuildResult();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _journal?.Dispose();
        _advance.Dispose();
    }

    /// <summary>The fingerprint of a canonical configuration: a hex SHA-256 prefix.</summary>
    internal static string FingerprintOf(string configuration) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configuration)))[..32];

    internal static string CanonicalConfiguration(IMixtureSearchStrategy strategy, MixtureSearchOptions options, MixturePrior prior) => string.Create(
        CultureInfo.InvariantCulture,
        $"strategy={strategy.Name};config={strategy.Identity};budgets=[{string.Join(",", strategy.RoundBudgets)}];seed={options.Seed};proxySeed={options.ProxySeed?.ToString(CultureInfo.InvariantCulture) ?? (options.CommonRandomNumbers ? "per-round" : "per-run")};noise={options.NoiseReplicates};measureAnswer={options.MeasureAnswer};keepBest={options.KeepBestMeasuredWhenAnswerIsWorse};prior={prior.Describe()};proxy={options.ProxyConfiguration}");

    private static (int, int) Key(MixtureProposal p) => (p.JournalRound, p.Index);

    private static ArgumentException UnknownRun(string id) =>
        new($"Unknown run '{id}': no proposed round has it (ids look like r0-12, r0-noise1, r3-answer).", nameof(id));

    /// <summary>The proposal of an id that has no outcome yet (under the gate).</summary>
    private MixtureProposal Pending(string id)
    {
        var p = _byId.GetValueOrDefault(id) ?? throw UnknownRun(id);
        if (_outcomes.TryGetValue(Key(p), out var e))
        {
            throw new InvalidOperationException(e.Failure is { } f
                ? $"Run '{id}' already has an outcome: it failed ({f.Reason})."
                : string.Create(CultureInfo.InvariantCulture, $"Run '{id}' already has a result (objective {e.Result!.Objective:G9})."));
        }

        return p;
    }

    /// <summary>Journals a failure (under the gate).</summary>
    private void RecordFailure(MixtureProposal p, string reason)
    {
        var failure = new ProxyFailure { Round = p.JournalRound, Index = p.Index, Mixture = p.Mixture, Seed = p.Seed, Reason = reason };
        _journal?.AppendFailure(failure);
        _outcomes[Key(p)] = new SearchJournal.Entry(p.JournalRound, p.Index, null, 0) { Failure = failure };
        LogProxyFailed(p.JournalRound, p.Index, p.Mixture.ToString(), reason);
    }

    /// <summary>Finishes complete rounds and plans the next ones until a round waits for results or the search ends.</summary>
    private async Task AdvanceAsync(CancellationToken cancellationToken)
    {
        await _advance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Step? current;
                lock (_gate)
                {
                    if (_finished)
                    {
                        return;
                    }

                    current = _steps.Count > 0 ? _steps[^1] : null;
                    if (current is not null && !current.Finished)
                    {
                        if (current.Proposals.Any(p => !_outcomes.ContainsKey(Key(p))))
                        {
                            return;
                        }

                        Finish(current);
                    }
                }

                int next = current is null ? 0 : current.Round + 1;
                if (next < RoundCount)
                {
                    await PlanRoundAsync(next, cancellationToken).ConfigureAwait(false);
                }
                else if (next == RoundCount)
                {
                    await ChooseAnswerAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    lock (_gate)
                    {
                        _finished = true;
                    }
                }
            }
        }
        finally
        {
            _advance.Release();
        }
    }

    private MixtureSearchContext Context(int round)
    {
        lock (_gate)
        {
            return new MixtureSearchContext { Prior = _prior, Seed = _options.Seed, Round = round, Results = _all.ToArray(), Failures = _failures.ToArray() };
        }
    }

    private async Task PlanRoundAsync(int round, CancellationToken cancellationToken)
    {
        var context = Context(round);
        var planStarted = Stopwatch.GetTimestamp();
        var plan = await Task.Run(() => _strategy.PlanRound(context, cancellationToken), cancellationToken).ConfigureAwait(false);
        var planningTime = Stopwatch.GetElapsedTime(planStarted);
        if (plan.Mixtures.Count != _budgets[round])
        {
            throw new InvalidOperationException($"Strategy '{_strategy.Name}' proposed {plan.Mixtures.Count} mixtures for round {round}; its budget is {_budgets[round]}.");
        }

        if (plan.Seeds is { } planned && planned.Count != plan.Mixtures.Count)
        {
            throw new InvalidOperationException($"Strategy '{_strategy.Name}' gave {planned.Count} seeds for the {plan.Mixtures.Count} mixtures of round {round}.");
        }

        LogRoundPlanned(round, plan.Mixtures.Count, plan.CandidatesConsidered, plan.Predictor?.Predictor ?? "none", plan.Predictor?.HeldOutSpearman ?? double.NaN);
        var proposals = new List<MixtureProposal>(plan.Mixtures.Count + _options.NoiseReplicates);
        int projected = 0;
        for (int i = 0; i < plan.Mixtures.Count; i++)
        {
            var mixture = plan.Mixtures[i];
            if (!_prior.IsFeasible(mixture))
            {
                mixture = _prior.Project(mixture);
                projected++;
            }

            proposals.Add(new MixtureProposal
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"r{round}-{i}"),
                Round = round,
                Index = i,
                Kind = MixtureProposalKind.Search,
                Mixture = mixture,
                Seed = plan.Seeds?[i] ?? ProxySeed(round, i),
                PredictedUtility = plan.PredictedUtilities?[i],
            });
        }

        if (projected > 0)
        {
            LogProjected(_strategy.Name, round, projected);
        }

        // The signal-to-noise ratio compares the spread of round 0 with the noise, so a first round of fewer than two runs
        // (DoReMi, Uniform) has no signal to compare and spends no runs on noise.
        if (round == 0 && _options.NoiseReplicates >= 2 && plan.Mixtures.Count >= 2)
        {
            var mixture = _prior.Project(new MixtureWeights(_prior.Shares));
            for (int j = 0; j < _options.NoiseReplicates; j++)
            {
                proposals.Add(new MixtureProposal
                {
                    Id = string.Create(CultureInfo.InvariantCulture, $"r0-noise{j}"),
                    Round = 0,
                    Index = j,
                    Kind = MixtureProposalKind.NoiseReplicate,
                    Mixture = mixture,
                    Seed = SeedMixer.Derive(_options.Seed, 0x5EED, j),
                });
            }
        }

        AddStep(new Step(round, proposals) { Plan = plan, PlanningTime = planningTime });
    }

    private async Task ChooseAnswerAsync(CancellationToken cancellationToken)
    {
        var final = Context(RoundCount);
        var answer = await Task.Run(() => _strategy.SelectAnswer(final, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (!_prior.IsFeasible(answer.Mixture))
        {
            var inside = _prior.Project(answer.Mixture);
            LogProjectedAnswer(_strategy.Name, answer.Mixture.ToString(), inside.ToString());
            answer = new MixtureSearchAnswer
            {
                Mixture = inside,
                Method = answer.Method + ", projected onto the data's bounds",
                Source = answer.Source,
                Reason = answer.Reason,
                PredictedUtility = null,
                Predictor = answer.Predictor,
                CandidatesConsidered = answer.CandidatesConsidered,
                StrategyTokensTrained = answer.StrategyTokensTrained,
                Confirmation = answer.Confirmation,
                AccountsForNoise = answer.AccountsForNoise,
            };
        }

        LogAnswer(_strategy.Name, answer.Mixture.ToString(), answer.Method, answer.Source, answer.Reason ?? "-");
        ProxyResult? measured = null;
        bool needsRun = false;
        lock (_gate)
        {
            _answer = answer;
            if (_options.MeasureAnswer)
            {
                measured = _all.FirstOrDefault(r => PredictiveSearch.L1(r.Mixture, answer.Mixture) <= 1e-12);
                needsRun = measured is null;
            }

            _answerMeasured = measured;
        }

        if (needsRun)
        {
            // Trained on the best measured result's data order, so the two differ only by their mixtures.
            var best = PredictiveSearch.BestMeasured(final.Results);
            AddStep(new Step(RoundCount, [new MixtureProposal
            {
                Id = string.Create(CultureInfo.InvariantCulture, $"r{RoundCount}-answer"),
                Round = RoundCount,
                Index = 0,
                Kind = MixtureProposalKind.AnswerMeasurement,
                Mixture = answer.Mixture,
                Seed = best.Seed,
            }]));
        }
        else
        {
            lock (_gate)
            {
                _finished = true;
            }
        }
    }

    /// <summary>Registers a planned round, checking the journal's outcomes for it against its proposals.</summary>
    private void AddStep(Step step)
    {
        lock (_gate)
        {
            foreach (var p in step.Proposals)
            {
                if (_outcomes.TryGetValue(Key(p), out var entry))
                {
                    CheckJournaled(_journal?.Path ?? "(memory)", entry, p);
                }

                _byId.Add(p.Id, p);
            }

            _steps.Add(step);
        }
    }

    /// <summary>Turns a complete round into its report (under the gate).</summary>
    private void Finish(Step step)
    {
        if (step.Round == RoundCount)
        {
            var e = _outcomes[Key(step.Proposals[0])];
            _answerMeasured = e.Result;
            if (e.Failure is { } f)
            {
                _failures.Add(f);
            }

            step.Finished = true;
            return;
        }

        var search = step.Proposals.Where(p => p.Kind == MixtureProposalKind.Search).ToArray();
        var finished = new List<ProxyResult>();
        var predicted = new List<double>();
        var roundFailures = new List<ProxyFailure>();
        int resumed = 0;
        foreach (var p in search)
        {
            var e = _outcomes[Key(p)];
            resumed += _resumed.Contains(Key(p)) ? 1 : 0;
            if (e.Result is { } r)
            {
                finished.Add(Rebind(r, p.Mixture));
                if (step.Plan?.PredictedUtilities is { } pu)
                {
                    predicted.Add(pu[p.Index]);
                }
            }
            else
            {
                roundFailures.Add(e.Failure!);
            }
        }

        if (finished.Count == 0)
        {
            throw new InvalidOperationException(
                $"Every proxy of round {step.Round} failed ({roundFailures.Count} runs; first: {roundFailures[0].Reason}). " +
                "The failures are recorded in the journal; check the proxy and the targets.");
        }

        var noiseFailures = new List<ProxyFailure>();
        var noise = step.Proposals.Where(p => p.Kind == MixtureProposalKind.NoiseReplicate).ToArray();
        if (noise.Length > 0)
        {
            var objectives = new List<double>();
            foreach (var p in noise)
            {
                var e = _outcomes[Key(p)];
                if (e.Result is { } r)
                {
                    objectives.Add(r.Objective);
                }
                else
                {
                    noiseFailures.Add(e.Failure!);
                }
            }

            _noise = new ProxyNoiseEstimate
            {
                Mixture = noise[0].Mixture,
                Seeds = noise.Select(p => p.Seed).ToArray(),
                Objectives = objectives,
                StandardDeviation = MixtureSearch.SampleStandardDeviation(objectives),
                SignalStandardDeviation = MixtureSearch.SampleStandardDeviation(finished.Select(r => r.Objective).ToArray()),
            };
            LogNoise(objectives.Count, _noise.StandardDeviation, _noise.SignalStandardDeviation, _noise.SignalStandardDeviation / _noise.StandardDeviation);
        }

        _all.AddRange(finished);
        _failures.AddRange(roundFailures);
        _failures.AddRange(noiseFailures);
        _resumedTotal += resumed;
        double bestRound = finished.Max(r => r.Utility);
        _bestSoFar = Math.Max(_bestSoFar, bestRound);
        var plan = step.Plan!;
        var info = new MixtureSearchRound
        {
            Round = step.Round,
            Results = finished,
            Failures = roundFailures,
            SharedSeed = plan.Seeds is null ? _options.ProxySeed ?? (_options.CommonRandomNumbers ? ProxySeed(step.Round, 0) : null) : null,
            Predictor = plan.Predictor,
            PredictedUtilities = plan.PredictedUtilities is null ? null : predicted,
            ProspectiveSpearman = plan.PredictedUtilities is not null
                ? RankStatistics.Spearman(predicted.ToArray(), finished.Select(r => r.Utility).ToArray())
                : double.NaN,
            CandidatesConsidered = plan.CandidatesConsidered,
            BestUtility = bestRound,
            BestUtilitySoFar = _bestSoFar,
            ResumedCount = resumed,
            PlanningTime = step.PlanningTime,
            EvaluationTime = Stopwatch.GetElapsedTime(step.Planned),
        };
        if (roundFailures.Count > 0)
        {
            LogRoundFailures(step.Round, roundFailures.Count, search.Length, roundFailures[0].Reason);
        }

        step.Finished = true;
        _rounds.Add(info);
        _progress?.Report(info);
    }

    /// <summary>The result once finished (under the gate).</summary>
    private MixtureSearchResult BuildResult()
    {
        var answer = _answer!;
        var bestMeasured = PredictiveSearch.BestMeasured(_all);
        var answerMeasured = _answerMeasured;
        MixtureSearchAnswer? predictedAnswer = null;
        if (answerMeasured is not null)
        {
            LogAnswerMeasured(answerMeasured.Objective, bestMeasured.Objective);
            if (_options.KeepBestMeasuredWhenAnswerIsWorse && answer.Source == AnswerSource.Predicted && !answer.AccountsForNoise && answerMeasured.Utility < bestMeasured.Utility)
            {
                predictedAnswer = answer;
                answer = new MixtureSearchAnswer
                {
                    Mixture = bestMeasured.Mixture,
                    Method = $"best measured of {_all.Count} (the predicted answer measured worse)",
                    Source = AnswerSource.BestMeasured,
                    Reason = string.Create(
                        CultureInfo.InvariantCulture,
                        $"the predicted answer ({answer.Method}) measured {answerMeasured.Objective:G6}, worse than the best measured mixture's {bestMeasured.Objective:G6} on the same data seed"),
                    Predictor = answer.Predictor,
                    CandidatesConsidered = answer.CandidatesConsidered,
                };
                LogAnswer(_strategy.Name, answer.Mixture.ToString(), answer.Method, answer.Source, answer.Reason);
            }
        }

        var noise = _noise;
        return new MixtureSearchResult
        {
            Strategy = _strategy.Name,
            Fingerprint = Fingerprint,
            Mixture = answer.Mixture,
            Answer = answer,
            Rounds = _rounds.ToArray(),
            ProxyResults = _all.ToArray(),
            BestMeasured = bestMeasured,
            AnswerMeasured = answerMeasured,
            PredictedAnswer = predictedAnswer,
            Failures = _failures.ToArray(),
            Noise = noise,
            SignalToNoise = noise is null ? double.NaN
                : noise.StandardDeviation > 0 ? noise.SignalStandardDeviation / noise.StandardDeviation
                : double.IsNaN(noise.StandardDeviation) ? double.NaN : double.PositiveInfinity,
            ResumedCount = _resumedTotal,
            Elapsed = Stopwatch.GetElapsedTime(_started),
        };
    }

    private int ProxySeed(int round, int index) =>
        _options.ProxySeed ?? (_options.CommonRandomNumbers ? SeedMixer.Derive(_options.Seed, 0x9A0, round) : SeedMixer.Derive(_options.Seed, 0x9A0, round, index));

    private static void CheckJournaled(string path, SearchJournal.Entry entry, MixtureProposal proposal)
    {
        var a = entry.Mixture.AsSpan();
        var b = proposal.Mixture.AsSpan();
        bool same = a.Length == b.Length && entry.Seed == proposal.Seed;
        for (int j = 0; same && j < a.Length; j++)
        {
            same = Math.Abs(a[j] - b[j]) <= 1e-12;
        }

        if (!same)
        {
            throw new InvalidDataException(
                $"Search journal '{path}' line {entry.Line} (round {entry.Round}, index {entry.Index}) holds mixture {entry.Mixture} with seed {entry.Seed}, " +
                $"but the search now proposes {proposal.Mixture} with seed {proposal.Seed}: the journal was written by a different version of the search. Use another JournalPath.");
        }
    }

    internal static ProxyResult Rebind(ProxyResult r, MixtureWeights mixture, int? seed = null) =>
        ReferenceEquals(r.Mixture, mixture) && (seed is null || seed == r.Seed)
            ? r
            : new ProxyResult
            {
                Mixture = mixture,
                Seed = seed ?? r.Seed,
                Objective = r.Objective,
                Goal = r.Goal,
                Metrics = r.Metrics,
                TokensTrained = r.TokensTrained,
                Elapsed = r.Elapsed,
                Device = r.Device,
                ProxyConfiguration = r.ProxyConfiguration,
            };

    [LoggerMessage(Level = LogLevel.Information, Message = "Resuming the mixture search from {Path} ({Count} results journaled)")]
    private partial void LogResuming(string path, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round}: {Count} proposals from {Candidates} candidates (predictor {Predictor}, held-out Spearman {Spearman:F3})")]
    private partial void LogRoundPlanned(int round, int count, int candidates, string predictor, double spearman);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Strategy {Strategy} proposed {Count} mixtures in round {Round} above the data's bounds; they were projected onto them")]
    private partial void LogProjected(string strategy, int round, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Strategy {Strategy} answered {Mixture}, above the data's bounds; projected onto them: {Projected}")]
    private partial void LogProjectedAnswer(string strategy, string mixture, string projected);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Round {Round}, proxy {Index} failed ({Reason}) on mixture {Mixture}; recorded in the journal, the search goes on")]
    private partial void LogProxyFailed(int round, int index, string mixture, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Round {Round}: {Failed} of {Count} proxy runs failed (first: {Reason})")]
    private partial void LogRoundFailures(int round, int failed, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy noise floor: {Replicates} data seeds of one mixture, objective std {Noise:G4}; first-round objective std {Signal:G4}; signal-to-noise {Snr:F2}")]
    private partial void LogNoise(int replicates, double noise, double signal, double snr);

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer measured: objective {Answer:G6} (best measured {Best:G6})")]
    private partial void LogAnswerMeasured(double answer, double best);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Round {Round}, proxy {Index}: objective {Objective}")]
    private partial void LogProxyFinished(int round, int index, double objective);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search {Strategy} answer {Mixture} ({Method}; source {Source}; {Reason})")]
    private partial void LogAnswer(string strategy, string mixture, string method, AnswerSource source, string reason);

    /// <summary>One planned round: its proposals (noise replicates included in round 0) and how they were chosen.</summary>
    private sealed class Step(int round, IReadOnlyList<MixtureProposal> proposals)
    {
        public int Round { get; } = round;

        public IReadOnlyList<MixtureProposal> Proposals { get; } = proposals;

        public MixtureRoundPlan? Plan { get; init; }

        public TimeSpan PlanningTime { get; init; }

        public long Planned { get; } = Stopwatch.GetTimestamp();

        public bool Finished { get; set; }
    }
}

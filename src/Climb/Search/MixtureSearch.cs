using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Runs a mixture search: for each round, asks the strategy for proposals, runs their proxies in parallel (up to
/// <see cref="MixtureSearchOptions.MaxDegreeOfParallelism"/>), appends every result to the journal as it finishes, and
/// finally asks the strategy for the answer. A search restarted with the same configuration and journal skips the runs
/// already journaled and ends with the same answer as an uninterrupted one.
/// </summary>
public sealed partial class MixtureSearch
{
    private readonly IMixtureSearchStrategy _strategy;
    private readonly MixtureSearchOptions _options;
    private readonly ILogger _logger;

    /// <summary>Initializes the search.</summary>
    /// <param name="strategy">The strategy (for example <see cref="ClimbSearchStrategy"/>).</param>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public MixtureSearch(IMixtureSearchStrategy strategy, MixtureSearchOptions? options = null, ILogger<MixtureSearch>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _strategy = strategy;
        _options = OptionsValidation.Validate(options ?? new MixtureSearchOptions(), nameof(options));
        _logger = logger ?? NullLogger<MixtureSearch>.Instance;
    }

    /// <summary>Computes the configuration fingerprint a journal of this search carries.</summary>
    /// <param name="prior">The prior the search runs on.</param>
    /// <returns>A hex SHA-256 prefix of the canonical configuration.</returns>
    public string Fingerprint(MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalConfiguration(prior))))[..32];
    }

    /// <summary>Runs the search.</summary>
    /// <param name="prior">The clusters' token shares.</param>
    /// <param name="evaluator">Trains and scores one proxy.</param>
    /// <param name="progress">Receives each round as it finishes.</param>
    /// <param name="cancellationToken">Stops the search; finished proxy results stay in the journal.</param>
    /// <returns>The answer, every round and every proxy result.</returns>
    public async Task<MixtureSearchResult> RunAsync(
        MixturePrior prior,
        ProxyEvaluator evaluator,
        IProgress<MixtureSearchRound>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(evaluator);
        var started = Stopwatch.GetTimestamp();
        string configuration = CanonicalConfiguration(prior);
        string fingerprint = Fingerprint(prior);
        using var journal = _options.JournalPath is null ? null : SearchJournal.Open(_options.JournalPath, fingerprint, _strategy.Name, configuration);
        if (journal is { Count: > 0 })
        {
            LogResuming(journal.Path, journal.Count);
        }

        var budgets = _strategy.RoundBudgets;
        var all = new List<ProxyResult>();
        var rounds = new List<MixtureSearchRound>();
        int resumedTotal = 0;
        double bestSoFar = double.NegativeInfinity;
        for (int round = 0; round < budgets.Count; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new MixtureSearchContext { Prior = prior, Seed = _options.Seed, Round = round, Results = all.ToArray() };
            var planStarted = Stopwatch.GetTimestamp();
            var plan = await Task.Run(() => _strategy.PlanRound(context, cancellationToken), cancellationToken).ConfigureAwait(false);
            var planningTime = Stopwatch.GetElapsedTime(planStarted);
            if (plan.Mixtures.Count != budgets[round])
            {
                throw new InvalidOperationException($"Strategy '{_strategy.Name}' proposed {plan.Mixtures.Count} mixtures for round {round}; its budget is {budgets[round]}.");
            }

            LogRoundPlanned(round, plan.Mixtures.Count, plan.CandidatesConsidered, plan.Predictor?.HeldOutSpearman ?? double.NaN);
            var results = new ProxyResult?[plan.Mixtures.Count];
            var missing = new List<int>();
            int resumed = 0;
            for (int i = 0; i < results.Length; i++)
            {
                int seed = ProxySeed(round, i);
                if (journal is not null && journal.TryGet(round, i, out var entry))
                {
                    CheckJournaled(journal.Path, entry, plan.Mixtures[i], seed);
                    results[i] = Rebind(entry.Result, plan.Mixtures[i]);
                    resumed++;
                }
                else
                {
                    missing.Add(i);
                }
            }

            var evalStarted = Stopwatch.GetTimestamp();
            int currentRound = round;
            await Parallel.ForEachAsync(
                missing,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    var mixture = plan.Mixtures[i];
                    int seed = ProxySeed(currentRound, i);
                    ProxyResult? returned;
                    try
                    {
                        returned = await evaluator(mixture, seed, token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw new InvalidOperationException(
                            $"The proxy run for round {currentRound}, mixture {i} ({mixture}, seed {seed}) failed: {ex.Message} Finished runs are kept in the journal; rerun to resume.",
                            ex);
                    }

                    var result = returned ?? throw new InvalidOperationException($"The proxy evaluator returned null for round {currentRound}, mixture {i}.");
                    if (!double.IsFinite(result.Objective))
                    {
                        throw new InvalidOperationException(
                            $"The proxy for round {currentRound}, mixture {i} ({mixture}) returned a non-finite objective ({result.Objective.ToString(CultureInfo.InvariantCulture)}).");
                    }

                    result = Rebind(result, mixture, seed);
                    journal?.Append(currentRound, i, result);
                    results[i] = result;
                    LogProxyFinished(currentRound, i, result.Objective);
                }).ConfigureAwait(false);

            var finished = results.Select(r => r!).ToArray();
            all.AddRange(finished);
            resumedTotal += resumed;
            double bestRound = finished.Max(r => r.Utility);
            bestSoFar = Math.Max(bestSoFar, bestRound);
            var info = new MixtureSearchRound
            {
                Round = round,
                Results = finished,
                Predictor = plan.Predictor,
                PredictedUtilities = plan.PredictedUtilities,
                ProspectiveSpearman = plan.PredictedUtilities is { } predicted
                    ? RankStatistics.Spearman(predicted.ToArray(), finished.Select(r => r.Utility).ToArray())
                    : double.NaN,
                CandidatesConsidered = plan.CandidatesConsidered,
                BestUtility = bestRound,
                BestUtilitySoFar = bestSoFar,
                ResumedCount = resumed,
                PlanningTime = planningTime,
                EvaluationTime = Stopwatch.GetElapsedTime(evalStarted),
            };
            rounds.Add(info);
            progress?.Report(info);
        }

        var final = new MixtureSearchContext { Prior = prior, Seed = _options.Seed, Round = budgets.Count, Results = all.ToArray() };
        var answer = await Task.Run(() => _strategy.SelectAnswer(final, cancellationToken), cancellationToken).ConfigureAwait(false);
        LogAnswer(_strategy.Name, answer.Mixture.ToString(), answer.Method);
        return new MixtureSearchResult
        {
            Strategy = _strategy.Name,
            Fingerprint = fingerprint,
            Mixture = answer.Mixture,
            Answer = answer,
            Rounds = rounds,
            ProxyResults = all,
            BestMeasured = all.Select((r, i) => (r, i)).OrderByDescending(p => p.r.Utility).ThenBy(p => p.i).First().r,
            ResumedCount = resumedTotal,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    /// <summary>Runs the search as a stream: one update per finished round, then a last update carrying the result.</summary>
    /// <param name="prior">The clusters' token shares.</param>
    /// <param name="evaluator">Trains and scores one proxy.</param>
    /// <param name="cancellationToken">Stops the search; finished proxy results stay in the journal.</param>
    /// <returns>The updates.</returns>
    public async IAsyncEnumerable<MixtureSearchUpdate> StreamAsync(
        MixturePrior prior,
        ProxyEvaluator evaluator,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(evaluator);
        var channel = Channel.CreateUnbounded<MixtureSearchRound>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var run = RunAsync(prior, evaluator, new ChannelProgress(channel.Writer), linked.Token);
        _ = run.ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            await foreach (var round in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new MixtureSearchUpdate { Round = round };
            }

            yield return new MixtureSearchUpdate { Result = await run.ConfigureAwait(false) };
        }
        finally
        {
            if (!run.IsCompleted)
            {
                // The consumer stopped early: stop the search too (finished runs stay in the journal).
                await linked.CancelAsync().ConfigureAwait(false);
                try
                {
                    await run.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        }
    }

    private int ProxySeed(int round, int index) => _options.ProxySeed ?? SeedMixer.Derive(_options.Seed, 0x9A0, round, index);

    private string CanonicalConfiguration(MixturePrior prior) => string.Create(
        CultureInfo.InvariantCulture,
        $"strategy={_strategy.Name};config={_strategy.Identity};budgets=[{string.Join(",", _strategy.RoundBudgets)}];seed={_options.Seed};proxySeed={_options.ProxySeed?.ToString(CultureInfo.InvariantCulture) ?? "derived"};prior={prior.Describe()};proxy={_options.ProxyConfiguration}");

    private static void CheckJournaled(string path, SearchJournal.Entry entry, MixtureWeights proposed, int seed)
    {
        var a = entry.Result.Mixture.AsSpan();
        var b = proposed.AsSpan();
        bool same = a.Length == b.Length && entry.Result.Seed == seed;
        for (int j = 0; same && j < a.Length; j++)
        {
            same = Math.Abs(a[j] - b[j]) <= 1e-12;
        }

        if (!same)
        {
            throw new InvalidDataException(
                $"Search journal '{path}' line {entry.Line} (round {entry.Round}, index {entry.Index}) holds mixture {entry.Result.Mixture} with seed {entry.Result.Seed}, " +
                $"but the search now proposes {proposed} with seed {seed}: the journal was written by a different version of the search. Use another JournalPath.");
        }
    }

    private static ProxyResult Rebind(ProxyResult r, MixtureWeights mixture, int? seed = null) =>
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round}: {Count} proposals from {Candidates} candidates (predictor held-out Spearman {Spearman:F3})")]
    private partial void LogRoundPlanned(int round, int count, int candidates, double spearman);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Round {Round}, proxy {Index}: objective {Objective}")]
    private partial void LogProxyFinished(int round, int index, double objective);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search {Strategy} answer {Mixture} ({Method})")]
    private partial void LogAnswer(string strategy, string mixture, string method);

    /// <summary>Forwards rounds synchronously into a channel (no synchronisation-context posting, unlike Progress&lt;T&gt;).</summary>
    private sealed class ChannelProgress(ChannelWriter<MixtureSearchRound> writer) : IProgress<MixtureSearchRound>
    {
        public void Report(MixtureSearchRound value) => writer.TryWrite(value);
    }
}

/// <summary>One item of <see cref="MixtureSearch.StreamAsync"/>: a finished round, or (last) the result.</summary>
public sealed class MixtureSearchUpdate
{
    /// <summary>Gets the round that finished, or null on the last update.</summary>
    public MixtureSearchRound? Round { get; init; }

    /// <summary>Gets the search result on the last update, otherwise null.</summary>
    public MixtureSearchResult? Result { get; init; }
}

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
        var failures = new List<ProxyFailure>();
        var rounds = new List<MixtureSearchRound>();
        int resumedTotal = 0;
        double bestSoFar = double.NegativeInfinity;
        ProxyNoiseEstimate? noise = null;
        for (int round = 0; round < budgets.Count; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new MixtureSearchContext { Prior = prior, Seed = _options.Seed, Round = round, Results = all.ToArray(), Failures = failures.ToArray() };
            var planStarted = Stopwatch.GetTimestamp();
            var plan = await Task.Run(() => _strategy.PlanRound(context, cancellationToken), cancellationToken).ConfigureAwait(false);
            var planningTime = Stopwatch.GetElapsedTime(planStarted);
            if (plan.Mixtures.Count != budgets[round])
            {
                throw new InvalidOperationException($"Strategy '{_strategy.Name}' proposed {plan.Mixtures.Count} mixtures for round {round}; its budget is {budgets[round]}.");
            }

            LogRoundPlanned(round, plan.Mixtures.Count, plan.CandidatesConsidered, plan.Predictor?.Predictor ?? "none", plan.Predictor?.HeldOutSpearman ?? double.NaN);
            var evalStarted = Stopwatch.GetTimestamp();
            if (plan.Seeds is { } planned && planned.Count != plan.Mixtures.Count)
            {
                throw new InvalidOperationException($"Strategy '{_strategy.Name}' gave {planned.Count} seeds for the {plan.Mixtures.Count} mixtures of round {round}.");
            }

            var runs = plan.Mixtures.Select((m, i) => (i, m, plan.Seeds?[i] ?? ProxySeed(round, i))).ToArray();
            var (results, roundFailures, resumed) = await RunProxiesAsync(round, runs, journal, evaluator, cancellationToken).ConfigureAwait(false);
            var ok = Enumerable.Range(0, results.Length).Where(i => results[i] is not null).ToArray();
            if (ok.Length == 0)
            {
                throw new InvalidOperationException(
                    $"Every proxy of round {round} failed ({roundFailures.Count} runs; first: {roundFailures[0].Reason}). " +
                    "The failures are recorded in the journal; check the proxy and the targets.");
            }

            var finished = ok.Select(i => results[i]!).ToArray();
            var predicted = plan.PredictedUtilities is { } pu ? ok.Select(i => pu[i]).ToArray() : null;
            all.AddRange(finished);
            failures.AddRange(roundFailures);
            resumedTotal += resumed;
            double bestRound = finished.Max(r => r.Utility);
            bestSoFar = Math.Max(bestSoFar, bestRound);
            var info = new MixtureSearchRound
            {
                Round = round,
                Results = finished,
                Failures = roundFailures,
                SharedSeed = plan.Seeds is null ? _options.ProxySeed ?? (_options.CommonRandomNumbers ? ProxySeed(round, 0) : null) : null,
                Predictor = plan.Predictor,
                PredictedUtilities = predicted,
                ProspectiveSpearman = predicted is not null
                    ? RankStatistics.Spearman(predicted, finished.Select(r => r.Utility).ToArray())
                    : double.NaN,
                CandidatesConsidered = plan.CandidatesConsidered,
                BestUtility = bestRound,
                BestUtilitySoFar = bestSoFar,
                ResumedCount = resumed,
                PlanningTime = planningTime,
                EvaluationTime = Stopwatch.GetElapsedTime(evalStarted),
            };
            if (roundFailures.Count > 0)
            {
                LogRoundFailures(round, roundFailures.Count, plan.Mixtures.Count, roundFailures[0].Reason);
            }

            // The signal-to-noise ratio compares the spread of round 1 with the noise, so a first round of fewer than two
            // runs (DoReMi, Uniform) has no signal to compare and spends no runs on noise.
            if (round == 0 && _options.NoiseReplicates >= 2 && finished.Length >= 2)
            {
                (noise, _) = await MeasureNoiseAsync(prior, finished, journal, evaluator, failures, cancellationToken).ConfigureAwait(false);
            }

            rounds.Add(info);
            progress?.Report(info);
        }

        var final = new MixtureSearchContext { Prior = prior, Seed = _options.Seed, Round = budgets.Count, Results = all.ToArray(), Failures = failures.ToArray() };
        var answer = await Task.Run(() => _strategy.SelectAnswer(final, cancellationToken), cancellationToken).ConfigureAwait(false);
        var bestMeasured = all.Select((r, i) => (r, i)).OrderByDescending(p => p.r.Utility).ThenBy(p => p.i).First().r;
        LogAnswer(_strategy.Name, answer.Mixture.ToString(), answer.Method, answer.Source, answer.Reason ?? "-");
        ProxyResult? answerMeasured = null;
        MixtureSearchAnswer? predictedAnswer = null;
        if (_options.MeasureAnswer)
        {
            answerMeasured = all.FirstOrDefault(r => PredictiveSearch.L1(r.Mixture, answer.Mixture) <= 1e-12);
            if (answerMeasured is null)
            {
                // Trained on the best measured result's data order, so the two differ only by their mixtures.
                var (measured, answerFailures, _) = await RunProxiesAsync(
                    budgets.Count, [(0, answer.Mixture, bestMeasured.Seed)], journal, evaluator, cancellationToken).ConfigureAwait(false);
                answerMeasured = measured[0];
                failures.AddRange(answerFailures);
            }

            if (answerMeasured is not null)
            {
                LogAnswerMeasured(answerMeasured.Objective, bestMeasured.Objective);
                if (_options.KeepBestMeasuredWhenAnswerIsWorse && answer.Source == AnswerSource.Predicted && !answer.AccountsForNoise && answerMeasured.Utility < bestMeasured.Utility)
                {
                    predictedAnswer = answer;
                    answer = new MixtureSearchAnswer
                    {
                        Mixture = bestMeasured.Mixture,
                        Method = $"best measured of {all.Count} (the predicted answer measured worse)",
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
        }

        return new MixtureSearchResult
        {
            Strategy = _strategy.Name,
            Fingerprint = fingerprint,
            Mixture = answer.Mixture,
            Answer = answer,
            Rounds = rounds,
            ProxyResults = all,
            BestMeasured = bestMeasured,
            AnswerMeasured = answerMeasured,
            PredictedAnswer = predictedAnswer,
            Failures = failures,
            Noise = noise,
            SignalToNoise = noise is null ? double.NaN
                : noise.StandardDeviation > 0 ? noise.SignalStandardDeviation / noise.StandardDeviation
                : double.IsNaN(noise.StandardDeviation) ? double.NaN : double.PositiveInfinity,
            ResumedCount = resumedTotal,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    /// <summary>The sample standard deviation (n − 1); NaN with fewer than two values.</summary>
    internal static double SampleStandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return double.NaN;
        }

        return MathNet.Numerics.Statistics.Statistics.StandardDeviation(values);
    }

    private async Task<(ProxyNoiseEstimate Noise, int Resumed)> MeasureNoiseAsync(
        MixturePrior prior, IReadOnlyList<ProxyResult> firstRound, SearchJournal? journal, ProxyEvaluator evaluator, List<ProxyFailure> failures, CancellationToken ct)
    {
        var mixture = new MixtureWeights(prior.Shares);
        var seeds = Enumerable.Range(0, _options.NoiseReplicates).Select(j => SeedMixer.Derive(_options.Seed, 0x5EED, j)).ToArray();
        var (results, noiseFailures, resumed) = await RunProxiesAsync(
            NoiseRound, seeds.Select((s, j) => (j, mixture, s)).ToArray(), journal, evaluator, ct).ConfigureAwait(false);
        failures.AddRange(noiseFailures);
        var objectives = results.Where(r => r is not null).Select(r => r!.Objective).ToArray();
        var estimate = new ProxyNoiseEstimate
        {
            Mixture = mixture,
            Seeds = seeds,
            Objectives = objectives,
            StandardDeviation = SampleStandardDeviation(objectives),
            SignalStandardDeviation = SampleStandardDeviation(firstRound.Select(r => r.Objective).ToArray()),
        };
        LogNoise(objectives.Length, estimate.StandardDeviation, estimate.SignalStandardDeviation, estimate.SignalStandardDeviation / estimate.StandardDeviation);
        return (estimate, resumed);
    }

    /// <summary>
    /// Runs (or reads back from the journal) a set of proxies in parallel. A non-finite objective is journaled as a failure
    /// and returned as such (null result); an exception stops the search (finished runs stay in the journal).
    /// </summary>
    private async Task<(ProxyResult?[] Results, List<ProxyFailure> Failures, int Resumed)> RunProxiesAsync(
        int round, (int Index, MixtureWeights Mixture, int Seed)[] runs, SearchJournal? journal, ProxyEvaluator evaluator, CancellationToken cancellationToken)
    {
        var results = new ProxyResult?[runs.Length];
        var failed = new ProxyFailure?[runs.Length];
        var missing = new List<int>();
        int resumed = 0;
        for (int k = 0; k < runs.Length; k++)
        {
            var (i, mixture, seed) = runs[k];
            if (journal is not null && journal.TryGet(round, i, out var entry))
            {
                CheckJournaled(journal.Path, entry, mixture, seed);
                if (entry.Failure is { } f)
                {
                    failed[k] = f;
                }
                else
                {
                    results[k] = Rebind(entry.Result!, mixture);
                }

                resumed++;
            }
            else
            {
                missing.Add(k);
            }
        }

        await Parallel.ForEachAsync(
            missing,
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (k, token) =>
            {
                var (i, mixture, seed) = runs[k];
                ProxyResult? returned;
                try
                {
                    returned = await evaluator(mixture, seed, token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new InvalidOperationException(
                        $"The proxy run for round {round}, mixture {i} ({mixture}, seed {seed}) failed: {ex.Message} Finished runs are kept in the journal; rerun to resume.",
                        ex);
                }

                var result = returned ?? throw new InvalidOperationException($"The proxy evaluator returned null for round {round}, mixture {i}.");
                if (!double.IsFinite(result.Objective))
                {
                    var failure = new ProxyFailure
                    {
                        Round = round,
                        Index = i,
                        Mixture = mixture,
                        Seed = seed,
                        Reason = $"non-finite objective ({result.Objective.ToString(CultureInfo.InvariantCulture)})",
                    };
                    journal?.AppendFailure(failure);
                    failed[k] = failure;
                    LogProxyFailed(round, i, mixture.ToString(), failure.Reason);
                    return;
                }

                result = Rebind(result, mixture, seed);
                journal?.Append(round, i, result);
                results[k] = result;
                LogProxyFinished(round, i, result.Objective);
            }).ConfigureAwait(false);

        return (results, failed.Where(f => f is not null).Select(f => f!).ToList(), resumed);
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

    /// <summary>The journal round of the noise-floor replicates.</summary>
    internal const int NoiseRound = -1;

    private int ProxySeed(int round, int index) =>
        _options.ProxySeed ?? (_options.CommonRandomNumbers ? SeedMixer.Derive(_options.Seed, 0x9A0, round) : SeedMixer.Derive(_options.Seed, 0x9A0, round, index));

    private string CanonicalConfiguration(MixturePrior prior) => string.Create(
        CultureInfo.InvariantCulture,
        $"strategy={_strategy.Name};config={_strategy.Identity};budgets=[{string.Join(",", _strategy.RoundBudgets)}];seed={_options.Seed};proxySeed={_options.ProxySeed?.ToString(CultureInfo.InvariantCulture) ?? (_options.CommonRandomNumbers ? "per-round" : "per-run")};noise={_options.NoiseReplicates};measureAnswer={_options.MeasureAnswer};keepBest={_options.KeepBestMeasuredWhenAnswerIsWorse};prior={prior.Describe()};proxy={_options.ProxyConfiguration}");

    private static void CheckJournaled(string path, SearchJournal.Entry entry, MixtureWeights proposed, int seed)
    {
        var a = entry.Mixture.AsSpan();
        var b = proposed.AsSpan();
        bool same = a.Length == b.Length && entry.Seed == seed;
        for (int j = 0; same && j < a.Length; j++)
        {
            same = Math.Abs(a[j] - b[j]) <= 1e-12;
        }

        if (!same)
        {
            throw new InvalidDataException(
                $"Search journal '{path}' line {entry.Line} (round {entry.Round}, index {entry.Index}) holds mixture {entry.Mixture} with seed {entry.Seed}, " +
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Round {Round}: {Count} proposals from {Candidates} candidates (predictor {Predictor}, held-out Spearman {Spearman:F3})")]
    private partial void LogRoundPlanned(int round, int count, int candidates, string predictor, double spearman);

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

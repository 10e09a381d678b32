using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Runs a mixture search in process: for each round, asks a <see cref="MixtureSearchSession"/> for its proposals, runs
/// their proxies in parallel (up to <see cref="MixtureSearchOptions.MaxDegreeOfParallelism"/>), tells the session every
/// result as it finishes (the session journals it), and finally asks the session for the answer. A search restarted with
/// the same configuration and journal skips the runs already journaled and ends with the same answer as an uninterrupted
/// one. Proxies trained elsewhere use the session directly (ask/tell).
/// </summary>
public sealed class MixtureSearch
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
        return MixtureSearchSession.FingerprintOf(MixtureSearchSession.CanonicalConfiguration(_strategy, _options, prior));
    }

    /// <summary>
    /// Runs the search: a driver over a <see cref="MixtureSearchSession"/> that evaluates each round's proposals with
    /// <paramref name="evaluator"/> in parallel and tells the session each result as it finishes.
    /// </summary>
    /// <param name="prior">The clusters' token shares (and the data's bounds, <see cref="MixturePrior.MaxWeights"/>).</param>
    /// <param name="evaluator">Trains and scores one proxy. A run it fails with <see cref="ProxyRunFailedException"/> is journaled as
    /// failed (with the exception's message) and the search goes on; any other exception stops the search.</param>
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
        using var session = await MixtureSearchSession.OpenCoreAsync(_strategy, prior, _options, progress, _logger, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var pending = await session.ProposeAsync(cancellationToken).ConfigureAwait(false);
            if (pending.Count == 0)
            {
                return await session.AnswerAsync(cancellationToken).ConfigureAwait(false);
            }

            await Parallel.ForEachAsync(
                pending,
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                async (proposal, token) =>
                {
                    ProxyResult? returned;
                    try
                    {
                        returned = await evaluator(proposal.Mixture, proposal.Seed, token).ConfigureAwait(false);
                    }
                    catch (ProxyRunFailedException ex)
                    {
                        // This run failed (a command that timed out, exited non-zero, wrote no valid result): journal it, go on.
                        session.TellFailure(proposal.Id, ex.Message);
                        return;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        throw new InvalidOperationException(
                            $"The proxy run for round {proposal.JournalRound}, mixture {proposal.Index} ({proposal.Mixture}, seed {proposal.Seed}) failed: {ex.Message} Finished runs are kept in the journal; rerun to resume.",
                            ex);
                    }

                    session.Tell(proposal.Id, returned ?? throw new InvalidOperationException($"The proxy evaluator returned null for round {proposal.JournalRound}, mixture {proposal.Index}."));
                }).ConfigureAwait(false);
        }
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

    /// <summary>Runs the search as a stream: one update per finished round, then a last update carrying the result.</summary>
    /// <param name="prior">The clusters' token shares.</param>
    /// <param name="evaluator">Trains and scores one proxy.</param>
    /// <param name="cancellationToken">Stops the search; finished proxy results stay in the journal.</param>
    /// <returns>The updates.</returns>
    internal async IAsyncEnumerable<MixtureSearchUpdate> StreamAsync(
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

    /// <summary>Forwards rounds synchronously into a channel (no synchronisation-context posting, unlike Progress&lt;T&gt;).</summary>
    private sealed class ChannelProgress(ChannelWriter<MixtureSearchRound> writer) : IProgress<MixtureSearchRound>
    {
        public void Report(MixtureSearchRound value) => writer.TryWrite(value);
    }
}

/// <summary>One item of <see cref="MixtureSearch.StreamAsync"/>: a finished round, or (last) the result.</summary>
internal sealed class MixtureSearchUpdate
{
    /// <summary>Gets the round that finished, or null on the last update.</summary>
    public MixtureSearchRound? Round { get; init; }

    /// <summary>Gets the search result on the last update, otherwise null.</summary>
    public MixtureSearchResult? Result { get; init; }
}

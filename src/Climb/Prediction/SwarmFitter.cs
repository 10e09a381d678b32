using System.Diagnostics;
using System.Globalization;

namespace Climb;

/// <summary>
/// Fits a predictor on a swarm measured anywhere (<see cref="MixtureSwarm"/>) and proposes a mixture, with no Climb
/// pipeline: the library side of <c>climb fit</c>. The predictor (by default <see cref="AutoMixturePredictor"/>) learns the
/// objective from the runs; the answer is the mean of the predicted top <see cref="SwarmFitOptions.TopK"/> of
/// <see cref="SwarmFitOptions.CandidateCount"/> mixtures drawn around the prior (RegMix's rule), or the predicted best of a
/// given candidate list. The result carries the predictor's cross-validated Spearman and the measured runs nearest the answer,
/// so a user can judge how far the answer extrapolates.
/// </summary>
internal sealed class SwarmFitter
{
    private readonly SwarmFitOptions _options;
    private readonly IMixtureSampler? _sampler;

    /// <summary>Initializes the fitter.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    /// <param name="predictor">The predictor; <see cref="AutoMixturePredictor"/> when <see langword="null"/>.</param>
    /// <param name="sampler">
    /// Draws the candidates around the prior; when <see langword="null"/>, a <see cref="DirichletMixtureSampler"/> that
    /// respects the feasibility bounds. Candidates another sampler draws outside the bounds are dropped.
    /// </param>
    public SwarmFitter(SwarmFitOptions? options = null, IMixturePredictor? predictor = null, IMixtureSampler? sampler = null)
    {
        _options = OptionsValidation.Validate(options ?? new SwarmFitOptions(), nameof(options));
        Predictor = predictor ?? new AutoMixturePredictor();
        _sampler = sampler;
    }

    /// <summary>Gets the predictor.</summary>
    public IMixturePredictor Predictor { get; }

    /// <summary>Fits the predictor on the swarm's runs and proposes a mixture.</summary>
    /// <param name="swarm">The measured runs (mixtures and metrics).</param>
    /// <param name="candidates">
    /// Mixtures to choose the answer from (a ratios file read with <see cref="MixtureSwarm.Load"/>, metrics not needed),
    /// with the swarm's components in any order; <see langword="null"/> draws candidates around the prior.
    /// </param>
    /// <param name="cancellationToken">Cancels the fit.</param>
    /// <returns>The answer and how it was found.</returns>
    /// <exception cref="ArgumentException">
    /// The objective cannot be resolved (unknown or ambiguous metric, no direction), the token counts or candidates do not
    /// name the swarm's components, or no mixture can meet the feasibility bounds.
    /// </exception>
    public SwarmFitResult Fit(MixtureSwarm swarm, MixtureSwarm? candidates = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(swarm);
        var started = Stopwatch.GetTimestamp();
        var (objective, metrics) = ResolveObjective(swarm);
        var (goal, goalSource) = ResolveGoal(swarm, metrics);
        double sign = goal == ObjectiveGoal.Minimize ? -1 : 1;

        var used = new List<MixtureSwarmRun>();
        var observations = new List<(MixtureWeights Mixture, double Target)>();
        foreach (var run in swarm.Runs)
        {
            double v = metrics.Average(m => run.Metrics[m]);
            if (double.IsFinite(v))
            {
                used.Add(run);
                observations.Add((run.Mixture, sign * v));
            }
        }

        if (observations.Count < 2)
        {
            throw new ArgumentException($"{swarm.MetricsSource ?? swarm.RatiosSource}: only {observations.Count} run(s) have a value of {objective}; at least 2 are needed to fit a predictor.", nameof(swarm));
        }

        var prior = Prior(swarm);
        var fitted = Predictor.Fit(observations, _options.Seed, cancellationToken);

        IReadOnlyList<MixtureWeights> pool;
        string[]? poolRuns = null;
        string method;
        int infeasible;
        int topK;
        if (candidates is not null)
        {
            var aligned = Align(swarm, candidates);
            var feasible = Enumerable.Range(0, aligned.Length).Where(i => prior.IsFeasible(aligned[i])).ToArray();
            infeasible = aligned.Length - feasible.Length;
            if (feasible.Length == 0)
            {
                throw new ArgumentException($"{candidates.RatiosSource}: none of its {aligned.Length} candidates is feasible at {Tokens(prior.TargetTokens ?? 0)} target tokens with at most {Format(_options.MaxRepetition)} repetitions.", nameof(candidates));
            }

            pool = feasible.Select(i => aligned[i]).ToArray();
            poolRuns = feasible.Select(i => candidates.Runs[i].Run).ToArray();
            topK = 1;
            method = $"predicted best of {pool.Count} candidates from {candidates.RatiosSource}";
        }
        else
        {
            var sampler = _sampler ?? new DirichletMixtureSampler();
            var drawn = sampler.Sample(prior, _options.CandidateCount, SeedMixer.Derive(_options.Seed, 0x5F17), cancellationToken);
            pool = drawn.Where(prior.IsFeasible).ToArray();
            infeasible = drawn.Count - pool.Count;
            if (pool.Count == 0)
            {
                throw new ArgumentException($"None of the {drawn.Count} drawn candidates is feasible; the sampler ignores the feasibility bounds.", nameof(candidates));
            }

            topK = Math.Min(_options.TopK, pool.Count);
            method = topK == 1 ? $"predicted best of {pool.Count} drawn candidates" : $"mean of the predicted top {topK} of {pool.Count} drawn candidates";
        }

        var predictions = new double[pool.Count];
        fitted.Predict(pool, predictions, cancellationToken);
        var ranked = PredictiveSearch.RankDescending(predictions);
        var answer = PredictiveSearch.MeanOfTop(pool, ranked, topK);
        double predicted = predictions[ranked[0]];
        if (topK > 1)
        {
            var one = new double[1];
            fitted.Predict([answer], one, cancellationToken);
            predicted = one[0];
        }

        var oof = fitted.Report.OutOfFoldPredictions;
        SwarmNeighbor Neighbor(int i) => new(
            used[i].Run,
            PredictiveSearch.L1(used[i].Mixture, answer),
            sign * observations[i].Target,
            oof is { } o && o.Count == used.Count ? sign * o[i] : null);
        int best = Enumerable.Range(0, used.Count).MaxBy(i => observations[i].Target);
        var nearest = Enumerable.Range(0, used.Count)
            .Select(Neighbor)
            .OrderBy(n => n.Distance)
            .ThenBy(n => n.Run, StringComparer.Ordinal)
            .Take(_options.NearestCount)
            .ToArray();
        return new SwarmFitResult
        {
            Objective = objective,
            Goal = goal,
            GoalSource = goalSource,
            Components = swarm.Components,
            Mixture = answer,
            CandidateRun = poolRuns?[ranked[0]],
            PredictedValue = sign * predicted,
            Method = method,
            Predictor = fitted.Report,
            RunsUsed = used.Count,
            RunsWithoutObjective = swarm.Runs.Count - used.Count,
            BestMeasured = Neighbor(best),
            Nearest = nearest,
            CandidatesConsidered = pool.Count,
            CandidatesInfeasible = infeasible,
            MaximumWeights = prior.HasBounds ? prior.MaxWeights : null,
            Elapsed = Stopwatch.GetElapsedTime(started),
        };
    }

    private (string Objective, int[] Metrics) ResolveObjective(MixtureSwarm swarm)
    {
        if (swarm.Metrics.Count == 0)
        {
            throw new ArgumentException($"The swarm read from {swarm.RatiosSource} has no metrics; give a metrics file.", nameof(swarm));
        }

        if (_options.Mean)
        {
            return ($"mean of {swarm.Metrics.Count} metrics", Enumerable.Range(0, swarm.Metrics.Count).ToArray());
        }

        if (_options.Metric is { } name)
        {
            int i = swarm.IndexOfMetric(name);
            return (swarm.Metrics[i], [i]);
        }

        return swarm.Metrics.Count == 1
            ? (swarm.Metrics[0], [0])
            : throw new ArgumentException($"{swarm.MetricsSource} has {swarm.Metrics.Count} metrics ({string.Join(", ", swarm.Metrics)}); choose one (Metric, --metric) or their mean (Mean, --mean).", nameof(swarm));
    }

    private (ObjectiveGoal Goal, string Source) ResolveGoal(MixtureSwarm swarm, int[] metrics)
    {
        if (_options.Goal is { } given)
        {
            return (given, "given");
        }

        var inferred = metrics.Select(m => (Name: swarm.Metrics[m], Goal: MixtureSwarm.InferGoal(swarm.Metrics[m]))).ToArray();
        var unknown = inferred.Where(x => x.Goal is null).Select(x => x.Name).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"The direction of {string.Join(", ", unknown.Select(u => "'" + u + "'"))} cannot be inferred from the name; say whether smaller or larger is better (Goal, --goal minimize|maximize).", nameof(swarm));
        }

        if (inferred.Select(x => x.Goal).Distinct().Count() > 1)
        {
            throw new ArgumentException($"The metrics disagree on direction ({string.Join(", ", inferred.Select(x => $"{x.Name}: {x.Goal}"))}); their mean has none. Fit one metric, or set Goal (--goal).", nameof(swarm));
        }

        var goal = inferred[0].Goal!.Value;
        string why = goal == ObjectiveGoal.Minimize ? "a loss, perplexity or error" : "an accuracy or score";
        return (goal, inferred.Length == 1 ? $"inferred: the name '{inferred[0].Name}' reads as {why}" : $"inferred: every metric name reads as {why}");
    }

    /// <summary>
    /// The prior the candidates are drawn around: the token counts' shares, bounded by the repetition limit at the target
    /// budget (<see cref="MixturePrior.WithRepetitionLimit"/>, whose error names the largest feasible budget), or without
    /// counts the mean of the swarm's mixtures, unbounded.
    /// </summary>
    private MixturePrior Prior(MixtureSwarm swarm)
    {
        if (_options.TokenCounts.Count == 0)
        {
            return new MixturePrior(MeanMixture(swarm), swarm.Components);
        }

        var missing = swarm.Components.Where(c => !_options.TokenCounts.ContainsKey(c)).ToArray();
        var extra = _options.TokenCounts.Keys.Where(k => !swarm.Components.Contains(k)).ToArray();
        if (missing.Length > 0 || extra.Length > 0)
        {
            throw new ArgumentException(
                "The token counts must name exactly the swarm's components" +
                (missing.Length > 0 ? $"; missing: {string.Join(", ", missing)}" : string.Empty) +
                (extra.Length > 0 ? $"; not in {swarm.RatiosSource}: {string.Join(", ", extra)}" : string.Empty) + ".",
                nameof(swarm));
        }

        var prior = MixturePrior.FromTokenCounts(swarm.Components.Select(c => _options.TokenCounts[c]), swarm.Components);
        return _options.TargetTokens is { } target ? prior.WithRepetitionLimit(target, _options.MaxRepetition) : prior;
    }

    private static double[] MeanMixture(MixtureSwarm swarm)
    {
        var mean = new double[swarm.Components.Count];
        foreach (var run in swarm.Runs)
        {
            for (int j = 0; j < mean.Length; j++)
            {
                mean[j] += run.Mixture[j] / swarm.Runs.Count;
            }
        }

        return mean;
    }

    private static MixtureWeights[] Align(MixtureSwarm swarm, MixtureSwarm candidates)
    {
        var index = new int[swarm.Components.Count];
        for (int j = 0; j < index.Length; j++)
        {
            index[j] = IndexOf(candidates.Components, swarm.Components[j]);
            if (index[j] < 0)
            {
                throw new ArgumentException($"{candidates.RatiosSource}: no column '{swarm.Components[j]}', a component of {swarm.RatiosSource}.", nameof(candidates));
            }
        }

        if (candidates.Components.Count != index.Length)
        {
            var extra = candidates.Components.Where(c => IndexOf(swarm.Components, c) < 0);
            throw new ArgumentException($"{candidates.RatiosSource}: column(s) {string.Join(", ", extra.Select(c => "'" + c + "'"))} are not components of {swarm.RatiosSource}.", nameof(candidates));
        }

        return candidates.Runs.Select(r => new MixtureWeights(index.Select(i => r.Mixture[i]))).ToArray();
    }

    private static int IndexOf(IReadOnlyList<string> list, string value)
    {
        for (int i = 0; i < list.Count; i++)
        {
            if (string.Equals(list[i], value, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static string Format(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    private static string Tokens(double x) => x.ToString("#,0", CultureInfo.InvariantCulture);
}

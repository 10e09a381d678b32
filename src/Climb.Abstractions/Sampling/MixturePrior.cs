using System.Globalization;

namespace Climb;

/// <summary>
/// The natural distribution of the (super-)clusters a mixture is drawn over: each cluster's share of the corpus tokens,
/// with optional names, and each cluster's largest feasible weight (<see cref="MaxWeights"/>). Samplers derive their
/// Dirichlet concentration from the shares and keep every mixture within the bounds; the search checks its proposals
/// and its answer against them.
/// </summary>
/// <remarks>
/// A mixture is <em>feasible</em> when every weight is at most its bound. The bounds usually come from the data
/// (<see cref="WithRepetitionLimit"/>, Olmix's rule): a cluster of <c>tokens_i</c> tokens can supply at most
/// <c>tokens_i × MaxRepetition</c> tokens of a training set of <c>TargetTokens</c>, so its weight is at most
/// <c>min(1, tokens_i × MaxRepetition / TargetTokens)</c>. The feasible set is convex: an average of feasible mixtures is
/// feasible.
/// </remarks>
public sealed class MixturePrior
{
    /// <summary>The slack of a bound check: a weight may exceed its bound by this much (rounding of sums).</summary>
    internal const double BoundTolerance = 1e-9;

    private readonly double[] _shares;
    private readonly string[] _names;
    private readonly double[] _maxWeights;
    private readonly long[]? _tokenCounts;

    /// <summary>Initializes the prior from non-negative token counts or shares (normalised here).</summary>
    /// <param name="tokenShares">One non-negative value per cluster (token counts or fractions) with a positive sum.</param>
    /// <param name="names">Optional cluster names, one per cluster; defaults to "c0", "c1", ...</param>
    /// <exception cref="ArgumentException">A value is negative or not finite, the sum is not positive, or the names do not match.</exception>
    public MixturePrior(IEnumerable<double> tokenShares, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(tokenShares);
        double[] v = tokenShares.ToArray();
        if (v.Length == 0)
        {
            throw new ArgumentException("A prior needs at least one cluster.", nameof(tokenShares));
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]) || v[i] < 0)
            {
                throw new ArgumentException(
                    $"Token share {i} is {v[i].ToString(CultureInfo.InvariantCulture)}; shares must be finite and non-negative.",
                    nameof(tokenShares));
            }

            sum += v[i];
        }

        if (!(sum > 0) || !double.IsFinite(sum))
        {
            throw new ArgumentException("Token shares must have a positive, finite sum.", nameof(tokenShares));
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= sum;
        }

        _shares = v;
        _names = names?.ToArray() ?? Enumerable.Range(0, v.Length).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (_names.Length != v.Length)
        {
            throw new ArgumentException($"{_names.Length} names were given for {v.Length} clusters.", nameof(names));
        }

        _maxWeights = Enumerable.Repeat(1.0, v.Length).ToArray();
    }

    private MixturePrior(MixturePrior source, double[] maxWeights, long? targetTokens, double? maxRepetition)
    {
        _shares = source._shares;
        _names = source._names;
        _tokenCounts = source._tokenCounts;
        _maxWeights = maxWeights;
        TargetTokens = targetTokens;
        MaxRepetition = maxRepetition;
    }

    private MixturePrior(long[] tokenCounts, IEnumerable<string>? names)
        : this(tokenCounts.Select(c => (double)c), names)
    {
        _tokenCounts = tokenCounts;
    }

    /// <summary>Gets the number of clusters.</summary>
    public int Count => _shares.Length;

    /// <summary>Gets each cluster's token share (sums to 1).</summary>
    public IReadOnlyList<double> Shares => _shares;

    /// <summary>Gets the cluster names.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets each cluster's largest feasible weight, in [0, 1]; they sum to at least 1.</summary>
    /// <value>All 1 (no bound) unless set by <see cref="WithMaxWeights"/> or <see cref="WithRepetitionLimit"/>.</value>
    public IReadOnlyList<double> MaxWeights => _maxWeights;

    /// <summary>Gets whether any cluster's weight is bounded below 1.</summary>
    public bool HasBounds => _maxWeights.Any(u => u < 1);

    /// <summary>Gets the token count of each cluster when the prior was built from counts (<see cref="FromTokenCounts(IEnumerable{long})"/>); otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<long>? TokenCounts => _tokenCounts;

    /// <summary>Gets the training budget the bounds were derived for (<see cref="WithRepetitionLimit"/>); otherwise <see langword="null"/>.</summary>
    public long? TargetTokens { get; }

    /// <summary>Gets the largest number of passes over a cluster's tokens the bounds allow (<see cref="WithRepetitionLimit"/>); otherwise <see langword="null"/>.</summary>
    public double? MaxRepetition { get; }

    /// <summary>Creates a prior from token counts per cluster.</summary>
    /// <param name="tokenCounts">Tokens per cluster.</param>
    /// <returns>The prior.</returns>
    public static MixturePrior FromTokenCounts(IEnumerable<long> tokenCounts) => FromTokenCounts(tokenCounts, null);

    /// <summary>Creates a prior from token counts per cluster, with names; the counts are kept (<see cref="TokenCounts"/>) so that <see cref="WithRepetitionLimit"/> can bound the weights.</summary>
    /// <param name="tokenCounts">Tokens per cluster (non-negative, with a positive sum).</param>
    /// <param name="names">Cluster names, one per cluster; <see langword="null"/> for "c0", "c1", ...</param>
    /// <returns>The prior.</returns>
    /// <exception cref="ArgumentException">A count is negative, the sum is not positive, or the names do not match.</exception>
    public static MixturePrior FromTokenCounts(IEnumerable<long> tokenCounts, IEnumerable<string>? names)
    {
        ArgumentNullException.ThrowIfNull(tokenCounts);
        return new MixturePrior(tokenCounts.ToArray(), names);
    }

    /// <summary>
    /// Returns this prior with each cluster's weight bounded by what its tokens can supply to a training set of
    /// <paramref name="targetTokens"/> tokens when each token is used at most <paramref name="maxRepetition"/> times:
    /// <c>MaxWeights[i] = min(1, TokenCounts[i] × maxRepetition / targetTokens)</c> (Olmix's repetition limit).
    /// </summary>
    /// <param name="targetTokens">The tokens of the training set the mixture is for (for example the export budget).</param>
    /// <param name="maxRepetition">The most passes over one cluster's tokens (Olmix uses 4).</param>
    /// <returns>The bounded prior.</returns>
    /// <exception cref="InvalidOperationException">The prior has no token counts (it was built from shares).</exception>
    /// <exception cref="ArgumentException">No mixture can meet the budget: the corpus holds fewer than
    /// <paramref name="targetTokens"/> / <paramref name="maxRepetition"/> tokens. The message gives the largest feasible budget.</exception>
    public MixturePrior WithRepetitionLimit(long targetTokens, double maxRepetition)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetTokens);
        if (!double.IsFinite(maxRepetition) || maxRepetition <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRepetition), maxRepetition, "The repetition limit must be positive and finite.");
        }

        var counts = _tokenCounts ?? throw new InvalidOperationException(
            "This prior was built from shares, not token counts; build it with MixturePrior.FromTokenCounts to bound its weights by repetition.");
        long largest = LargestFeasibleTargetTokens(maxRepetition);
        if (targetTokens > largest)
        {
            long total = counts.Sum();
            throw new ArgumentException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"No mixture can supply {targetTokens:N0} tokens: the {counts.Length} clusters hold {total:N0} tokens, and with each token used at most {maxRepetition:G4} times " +
                    $"the largest feasible budget is {largest:N0} tokens. Lower the target (export) budget to at most {largest:N0}, raise the repetition limit to at least " +
                    $"{Math.Ceiling(targetTokens / (double)total * 100) / 100:G4}, or add data."),
                nameof(targetTokens));
        }

        var bounds = new double[counts.Length];
        for (int i = 0; i < bounds.Length; i++)
        {
            bounds[i] = Math.Min(1.0, counts[i] * maxRepetition / targetTokens);
        }

        return new MixturePrior(this, bounds, targetTokens, maxRepetition);
    }

    /// <summary>Returns this prior with explicit per-cluster upper bounds.</summary>
    /// <param name="maxWeights">One bound per cluster, each in [0, 1], summing to at least 1.</param>
    /// <returns>The bounded prior.</returns>
    /// <exception cref="ArgumentException">A bound is out of range, the count does not match, or the bounds sum to less than 1 (no mixture is feasible).</exception>
    public MixturePrior WithMaxWeights(IEnumerable<double> maxWeights)
    {
        ArgumentNullException.ThrowIfNull(maxWeights);
        double[] u = maxWeights.ToArray();
        if (u.Length != Count)
        {
            throw new ArgumentException($"{u.Length} bounds were given for {Count} clusters.", nameof(maxWeights));
        }

        for (int i = 0; i < u.Length; i++)
        {
            if (!double.IsFinite(u[i]) || u[i] < 0 || u[i] > 1)
            {
                throw new ArgumentException($"The bound of cluster {i} ('{_names[i]}') is {u[i].ToString(CultureInfo.InvariantCulture)}; bounds must be in [0, 1].", nameof(maxWeights));
            }
        }

        double sum = u.Sum();
        if (sum < 1 - BoundTolerance)
        {
            throw new ArgumentException(
                $"The bounds sum to {sum.ToString("G6", CultureInfo.InvariantCulture)}, below 1: no mixture can meet them.", nameof(maxWeights));
        }

        return new MixturePrior(this, u, null, null);
    }

    /// <summary>Gets the largest training budget a mixture of these clusters can supply with each token used at most <paramref name="maxRepetition"/> times: the total tokens × the repetition limit.</summary>
    /// <param name="maxRepetition">The most passes over one cluster's tokens.</param>
    /// <returns>The budget in tokens.</returns>
    /// <exception cref="InvalidOperationException">The prior has no token counts.</exception>
    public long LargestFeasibleTargetTokens(double maxRepetition)
    {
        var counts = _tokenCounts ?? throw new InvalidOperationException("This prior was built from shares, not token counts.");
        double largest = Math.Floor(counts.Sum() * maxRepetition);
        return largest >= long.MaxValue ? long.MaxValue : (long)largest;
    }

    /// <summary>Checks a mixture against the bounds.</summary>
    /// <param name="mixture">The mixture (one weight per cluster).</param>
    /// <returns><see langword="true"/> when every weight is at most its bound (within 1e-9).</returns>
    public bool IsFeasible(MixtureWeights mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        CheckCount(mixture);
        for (int i = 0; i < _maxWeights.Length; i++)
        {
            if (mixture[i] > _maxWeights[i] + BoundTolerance)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Projects a mixture onto the bounds, keeping the ratios of the weights it does not cap: each weight becomes
    /// <c>min(MaxWeights[i], c × w_i)</c> with <c>c ≥ 1</c> chosen so the weights sum to 1 (the information, or KL,
    /// projection onto the bounded simplex). When the mixture's own clusters cannot take the mass (all of them capped),
    /// the rest goes to the other clusters in proportion to their token shares, within their bounds. A feasible
    /// mixture is returned unchanged.
    /// </summary>
    /// <param name="mixture">The mixture.</param>
    /// <returns>The feasible mixture.</returns>
    public MixtureWeights Project(MixtureWeights mixture)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        CheckCount(mixture);
        if (IsFeasible(mixture))
        {
            return mixture;
        }

        var result = new double[Count];
        mixture.AsSpan().CopyTo(result);
        ProjectInPlace(result, _maxWeights, _shares, 1.0);
        return new MixtureWeights(result);
    }

    /// <summary>The repetition each weight implies at <see cref="TargetTokens"/>: w_i × TargetTokens / TokenCounts[i] (NaN without counts or a target; +∞ for a weight on an empty cluster).</summary>
    internal double[] Repetitions(MixtureWeights mixture)
    {
        var r = new double[Count];
        for (int i = 0; i < r.Length; i++)
        {
            r[i] = _tokenCounts is null || TargetTokens is not { } t ? double.NaN
                : mixture[i] == 0 ? 0
                : _tokenCounts[i] == 0 ? double.PositiveInfinity
                : mixture[i] * t / _tokenCounts[i];
        }

        return r;
    }

    /// <summary>
    /// Water-fills <paramref name="w"/> (non-negative, any sum) into the box [0, <paramref name="caps"/>] with total
    /// <paramref name="mass"/>: w_i ← min(cap_i, c w_i); the remainder, when every positive w_i is capped, goes to the others in
    /// proportion to <paramref name="fallback"/> (then to their room). Needs Σ caps ≥ mass.
    /// </summary>
    internal static void ProjectInPlace(Span<double> w, ReadOnlySpan<double> caps, ReadOnlySpan<double> fallback, double mass)
    {
        int k = w.Length;
        Span<bool> capped = k <= 256 ? stackalloc bool[k] : new bool[k];
        double remaining = Fill(w, caps, capped, mass);
        if (remaining > 1e-15)
        {
            // The drawn clusters are all at their caps: spread the rest over the others by the fallback weights.
            Span<double> extra = k <= 256 ? stackalloc double[k] : new double[k];
            Span<double> room = k <= 256 ? stackalloc double[k] : new double[k];
            Span<bool> full = k <= 256 ? stackalloc bool[k] : new bool[k];
            for (int pass = 0; pass < 2 && remaining > 1e-15; pass++)
            {
                for (int i = 0; i < k; i++)
                {
                    room[i] = Math.Max(0, caps[i] - w[i]);
                    extra[i] = room[i] > 0 ? (pass == 0 ? fallback[i] : room[i]) : 0;
                    full[i] = false;
                }

                Fill(extra, room, full, remaining);
                remaining = mass;
                for (int i = 0; i < k; i++)
                {
                    w[i] += extra[i];
                    remaining -= w[i];
                }
            }
        }

        for (int i = 0; i < k; i++)
        {
            w[i] = Math.Min(w[i], caps[i]);
        }
    }

    /// <summary>One water-filling: scales the uncapped positive weights up to <paramref name="mass"/>, capping as it goes; returns the mass left over when every positive weight is capped.</summary>
    private static double Fill(Span<double> w, ReadOnlySpan<double> caps, Span<bool> capped, double mass)
    {
        int k = w.Length;
        while (true)
        {
            double cappedMass = 0, free = 0;
            for (int i = 0; i < k; i++)
            {
                if (capped[i])
                {
                    cappedMass += caps[i];
                }
                else
                {
                    free += w[i];
                }
            }

            if (!(free > 0))
            {
                for (int i = 0; i < k; i++)
                {
                    w[i] = capped[i] ? caps[i] : 0;
                }

                return Math.Max(0, mass - cappedMass);
            }

            double c = (mass - cappedMass) / free;
            bool more = false;
            for (int i = 0; i < k; i++)
            {
                if (!capped[i] && w[i] > 0 && c * w[i] > caps[i])
                {
                    capped[i] = true;
                    more = true;
                }
            }

            if (!more)
            {
                for (int i = 0; i < k; i++)
                {
                    w[i] = capped[i] ? caps[i] : c * w[i];
                }

                return 0;
            }
        }
    }

    private void CheckCount(MixtureWeights mixture)
    {
        if (mixture.Count != Count)
        {
            throw new ArgumentException($"The mixture has {mixture.Count} weights; the prior has {Count} clusters.", nameof(mixture));
        }
    }

    /// <summary>Gets the shares as a span (internal fast path).</summary>
    internal ReadOnlySpan<double> SharesSpan => _shares;

    /// <summary>Gets the bounds as a span (internal fast path).</summary>
    internal ReadOnlySpan<double> MaxWeightsSpan => _maxWeights;

    /// <summary>A canonical text of the shares, names and (when any binds) bounds for fingerprints.</summary>
    internal string Describe() =>
        string.Join(";", _shares.Select((s, i) => _names[i] + "=" + s.ToString("R", CultureInfo.InvariantCulture)))
        + (HasBounds ? ";max=[" + string.Join(",", _maxWeights.Select(u => u.ToString("R", CultureInfo.InvariantCulture))) + "]" : string.Empty);
}

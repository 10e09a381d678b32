using System.Globalization;
using System.Runtime.ExceptionServices;

namespace Climb;

/// <summary>
/// Samples mixtures as RegMix and CLIMB do: a Dirichlet whose base measure is the token shares raised to a temperature,
/// with a strength drawn from a log-spaced range, rejection of weights above a multiple of the token share, zeroing of tiny
/// weights, rounding, de-duplication, optional per-cluster bounds and fixed weights, and an optional bias toward sparse mixtures.
/// </summary>
/// <remarks>
/// <para>
/// The prior's bounds (<see cref="MixturePrior.MaxWeights"/>, for example the data's repetition limit) are met by
/// projection, not rejection: a draw that asks a cluster for more than its bound is set to
/// <c>min(MaxWeights[i], c × w_i)</c>, the ratio-preserving (KL) projection of <see cref="MixturePrior.Project"/>. Rejection
/// would keep the truncated Dirichlet exactly, but at tight bounds it accepts almost no draw (docs/search.md measures
/// it); the projection never fails, leaves feasible draws unchanged, and puts the capped clusters exactly at their
/// bound, where the optimum of a cluster the data cannot supply more of lies. The sampler's own caps
/// (<see cref="DirichletMixtureSamplerOptions.MaximumPriorMultiple"/>, <see cref="DirichletMixtureSamplerOptions.MaximumWeights"/>)
/// are still met by rejection, as in RegMix.
/// </para>
/// <para>
/// Mixtures are generated in fixed-size chunks, each with its own seed derived from the caller's seed, in parallel over the
/// cores; the output is therefore identical for a given seed whatever the number of cores.
/// </para>
/// </remarks>
public sealed class DirichletMixtureSampler : IMixtureSampler
{
    private const int ChunkSize = 2048;
    private readonly DirichletMixtureSamplerOptions _options;

    /// <summary>Initializes the sampler.</summary>
    /// <param name="options">The options; defaults when <see langword="null"/>.</param>
    public DirichletMixtureSampler(DirichletMixtureSamplerOptions? options = null)
    {
        _options = OptionsValidation.Validate(options ?? new DirichletMixtureSamplerOptions(), nameof(options));
    }

    /// <inheritdoc />
    public string Identity => "dirichlet:" + _options.Describe();

    /// <inheritdoc />
    public override string ToString() => Identity;

    /// <inheritdoc />
    public IReadOnlyList<MixtureWeights> Sample(MixturePrior prior, int count, int seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var plan = SamplingPlan.Create(prior, _options);
        if (count == 0)
        {
            return [];
        }

        int k = prior.Count;
        var chunks = new List<double[]>();
        List<int> kept = [];
        int stalls = 0;
        int chunksToAdd = Math.Max(1, (int)Math.Ceiling(count * 1.02 / ChunkSize));
        while (true)
        {
            int first = chunks.Count;
            var fresh = new double[chunksToAdd][];
            try
            {
                Parallel.For(
                    0,
                    chunksToAdd,
                    new ParallelOptions { CancellationToken = cancellationToken },
                    c => fresh[c] = GenerateChunk(plan, SeedMixer.Derive(seed, 0x5A3, first + c), cancellationToken));
            }
            catch (AggregateException ae) when (ae.InnerExceptions.Count > 0)
            {
                ExceptionDispatchInfo.Capture(ae.InnerExceptions[0]).Throw();
                throw;
            }

            chunks.AddRange(fresh);
            int previous = kept.Count;
            kept = Deduplicate(chunks, k, _options.DeduplicationDistance);
            if (kept.Count >= count)
            {
                break;
            }

            stalls = kept.Count == previous ? stalls + 1 : 0;
            if (stalls >= 3)
            {
                throw new InvalidOperationException(
                    $"Only {kept.Count} distinct mixtures could be drawn ({count} requested): the bounds, fixed weights or " +
                    $"de-duplication distance ({_options.DeduplicationDistance.ToString(CultureInfo.InvariantCulture)}) leave too few distinct points.");
            }

            double yield = Math.Max(0.01, kept.Count / (double)(chunks.Count * ChunkSize));
            chunksToAdd = Math.Max(1, (int)Math.Ceiling((count - kept.Count) / yield * 1.1 / ChunkSize));
        }

        var result = new MixtureWeights[count];
        for (int i = 0; i < count; i++)
        {
            int g = kept[i];
            result[i] = new MixtureWeights(chunks[g / ChunkSize].AsSpan((g % ChunkSize) * k, k).ToArray());
        }

        return result;
    }

    /// <summary>Draws <see cref="ChunkSize"/> accepted mixtures into a flat row-major buffer.</summary>
    private double[] GenerateChunk(SamplingPlan plan, int seed, CancellationToken cancellationToken)
    {
        int k = plan.Count;
        var buffer = new double[ChunkSize * k];
        var gamma = new LogGammaSampler(new Random(seed));
        var logs = new double[k];
        var scratch = new int[plan.Active.Length];
        int attempts = 0;
        for (int j = 0; j < ChunkSize;)
        {
            if ((j & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (plan.TryDraw(gamma, buffer.AsSpan(j * k, k), logs, scratch, _options))
            {
                j++;
                attempts = 0;
            }
            else if (++attempts > _options.MaximumAttemptsPerMixture)
            {
                throw new InvalidOperationException(
                    $"No mixture met the constraints in {_options.MaximumAttemptsPerMixture} draws: the prior cap " +
                    $"({_options.MaximumPriorMultiple.ToString(CultureInfo.InvariantCulture)}× token share) and the bounds are too tight for Dirichlet rejection sampling.");
            }
        }

        return buffer;
    }

    /// <summary>
    /// Keeps, in generation order, each mixture whose L1 distance to every earlier kept mixture exceeds the threshold (exact
    /// duplicates are always dropped). Exact: candidates are compared within a window of a 1-Lipschitz projection, which
    /// cannot miss a pair closer than the threshold.
    /// </summary>
    internal static List<int> Deduplicate(List<double[]> chunks, int k, double threshold)
    {
        int total = chunks.Count * ChunkSize;
        ReadOnlySpan<double> Row(int g) => chunks[g / ChunkSize].AsSpan((g % ChunkSize) * k, k);
        var direction = new double[k];
        for (int i = 0; i < k; i++)
        {
            direction[i] = Math.Cos((i * 2.399963229728653) + 0.5); // |r_i| <= 1, so |r.(x - y)| <= L1(x, y)
        }

        var projection = new double[total];
        for (int g = 0; g < total; g++)
        {
            var row = Row(g);
            double p = 0;
            for (int i = 0; i < k; i++)
            {
                p += direction[i] * row[i];
            }

            projection[g] = p;
        }

        var order = new int[total];
        for (int i = 0; i < total; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) =>
        {
            int c = projection[a].CompareTo(projection[b]);
            return c != 0 ? c : a.CompareTo(b);
        });
        var position = new int[total];
        for (int i = 0; i < total; i++)
        {
            position[order[i]] = i;
        }

        var kept = new bool[total];
        var exact = new HashSet<int>(new RowComparer(chunks, k));
        var keep = new List<int>(total);
        for (int g = 0; g < total; g++)
        {
            if (!exact.Add(g))
            {
                continue;
            }

            bool duplicate = false;
            if (threshold > 0)
            {
                var row = Row(g);
                double p = projection[g];
                for (int q = position[g] - 1; !duplicate && q >= 0 && projection[order[q]] >= p - threshold; q--)
                {
                    duplicate = kept[order[q]] && WithinL1(row, Row(order[q]), threshold);
                }

                for (int q = position[g] + 1; !duplicate && q < total && projection[order[q]] <= p + threshold; q++)
                {
                    duplicate = kept[order[q]] && WithinL1(row, Row(order[q]), threshold);
                }
            }

            if (!duplicate)
            {
                kept[g] = true;
                keep.Add(g);
            }
        }

        return keep;
    }

    private static bool WithinL1(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double threshold)
    {
        double d = 0;
        for (int i = 0; i < a.Length; i++)
        {
            d += Math.Abs(a[i] - b[i]);
            if (d > threshold)
            {
                return false;
            }
        }

        return true;
    }

    private sealed class RowComparer(List<double[]> chunks, int k) : IEqualityComparer<int>
    {
        public bool Equals(int x, int y) =>
            chunks[x / ChunkSize].AsSpan((x % ChunkSize) * k, k).SequenceEqual(chunks[y / ChunkSize].AsSpan((y % ChunkSize) * k, k));

        public int GetHashCode(int g)
        {
            var h = default(HashCode);
            foreach (double v in chunks[g / ChunkSize].AsSpan((g % ChunkSize) * k, k))
            {
                h.Add(v);
            }

            return h.ToHashCode();
        }
    }

    /// <summary>The prior, caps and bounds resolved for one prior, checked for feasibility.</summary>
    private sealed class SamplingPlan
    {
        private double[] _base = [];
        private double[] _min = [];
        private double[] _max = [];
        private double[] _bound = [];
        private double[] _freeBound = [];
        private double[] _freeShare = [];
        private double[] _fixed = [];
        private bool[] _isFixed = [];
        private double[] _strengths = [];
        private double _freeMass;
        private double _slack;

        public int Count { get; private init; }

        /// <summary>Gets the free clusters with a positive Dirichlet concentration.</summary>
        public int[] Active { get; private set; } = [];

        private int[] Free { get; set; } = [];

        /// <summary>Gets whether the prior bounds a free cluster below 1, so draws are projected onto the bounds.</summary>
        private bool Projects { get; set; }

        public static SamplingPlan Create(MixturePrior prior, DirichletMixtureSamplerOptions o)
        {
            int k = prior.Count;
            var shares = prior.SharesSpan;
            var plan = new SamplingPlan { Count = k };
            plan._min = new double[k];
            plan._max = new double[k];
            plan._fixed = new double[k];
            plan._isFixed = new bool[k];
            void CheckIndex(string name, int index)
            {
                if (index >= k)
                {
                    throw new ArgumentException($"DirichletMixtureSamplerOptions.{name} names cluster {index}, but the prior has {k} clusters.", nameof(prior));
                }
            }

            var bounds = prior.MaxWeightsSpan;
            plan._bound = bounds.ToArray();
            for (int i = 0; i < k; i++)
            {
                plan._max[i] = Math.Min(bounds[i], o.MaximumPriorMultiple > 0 ? Math.Min(1.0, o.MaximumPriorMultiple * shares[i]) : 1.0);
            }

            foreach (var (i, v) in o.MinimumWeights)
            {
                CheckIndex(nameof(o.MinimumWeights), i);
                plan._min[i] = v;
            }

            foreach (var (i, v) in o.MaximumWeights)
            {
                CheckIndex(nameof(o.MaximumWeights), i);
                plan._max[i] = Math.Min(plan._max[i], v);
            }

            double fixedSum = 0;
            foreach (var (i, v) in o.FixedWeights)
            {
                CheckIndex(nameof(o.FixedWeights), i);
                plan._isFixed[i] = true;
                plan._fixed[i] = v;
                fixedSum += v;
                if (o.MinimumWeights.TryGetValue(i, out double lo) && v < lo)
                {
                    throw new ArgumentException($"Cluster {i} is fixed at {v.ToString(CultureInfo.InvariantCulture)}, below its minimum {lo.ToString(CultureInfo.InvariantCulture)}.", nameof(prior));
                }

                if (o.MaximumWeights.TryGetValue(i, out double hi) && v > hi)
                {
                    throw new ArgumentException($"Cluster {i} is fixed at {v.ToString(CultureInfo.InvariantCulture)}, above its maximum {hi.ToString(CultureInfo.InvariantCulture)}.", nameof(prior));
                }

                if (v > bounds[i] + MixturePrior.BoundTolerance)
                {
                    throw new ArgumentException(
                        $"Cluster {i} ('{prior.Names[i]}') is fixed at {v.ToString(CultureInfo.InvariantCulture)}, above the {bounds[i].ToString("G4", CultureInfo.InvariantCulture)} its data can supply (MixturePrior.MaxWeights).",
                        nameof(prior));
                }
            }

            if (fixedSum > 1 + 1e-9)
            {
                throw new ArgumentException($"The fixed weights sum to {fixedSum.ToString(CultureInfo.InvariantCulture)}, above 1.", nameof(prior));
            }

            plan.Free = Enumerable.Range(0, k).Where(i => !plan._isFixed[i]).ToArray();
            double minSum = 0, maxSum = 0;
            foreach (int i in plan.Free)
            {
                if (plan._min[i] > plan._max[i] + 1e-12)
                {
                    throw new ArgumentException(
                        $"Cluster {i} ('{prior.Names[i]}') has minimum {plan._min[i].ToString(CultureInfo.InvariantCulture)} above its maximum " +
                        $"{plan._max[i].ToString(CultureInfo.InvariantCulture)} (upper bound, or {o.MaximumPriorMultiple.ToString(CultureInfo.InvariantCulture)}× its token share " +
                        $"{shares[i].ToString("G4", CultureInfo.InvariantCulture)}).",
                        nameof(prior));
                }

                minSum += plan._min[i];
                maxSum += plan._max[i];
            }

            plan._freeMass = Math.Max(0, 1 - fixedSum);
            if (minSum > plan._freeMass + 1e-9)
            {
                throw new ArgumentException($"The minimum weights ({minSum.ToString(CultureInfo.InvariantCulture)}) plus the fixed weights ({fixedSum.ToString(CultureInfo.InvariantCulture)}) exceed 1.", nameof(prior));
            }

            if (maxSum < plan._freeMass - 1e-9)
            {
                throw new ArgumentException(
                    $"The free clusters' maximum weights (upper bounds, the prior's MaxWeights and the {o.MaximumPriorMultiple.ToString(CultureInfo.InvariantCulture)}× token-share cap) sum to " +
                    $"{maxSum.ToString(CultureInfo.InvariantCulture)}, so no mixture can reach 1 with the fixed weights ({fixedSum.ToString(CultureInfo.InvariantCulture)}).",
                    nameof(prior));
            }

            plan._slack = plan._freeMass - minSum;
            plan._base = new double[k];
            double baseSum = 0;
            foreach (int i in plan.Free)
            {
                double b = shares[i] > 0 && plan._max[i] > 0 ? Math.Pow(shares[i], o.Temperature) : 0;
                plan._base[i] = b;
                baseSum += b;
            }

            if (baseSum > 0)
            {
                foreach (int i in plan.Free)
                {
                    plan._base[i] /= baseSum;
                }
            }

            plan.Active = plan.Free.Where(i => plan._base[i] > 0).ToArray();
            plan._freeBound = plan.Free.Select(i => plan._bound[i]).ToArray();
            plan._freeShare = plan.Free.Select(i => prior.Shares[i]).ToArray();
            plan.Projects = plan.Free.Any(i => plan._bound[i] < 1);
            if (plan._slack > 1e-12 && plan.Active.Length == 0)
            {
                throw new ArgumentException("No free cluster has a positive token share to receive the remaining weight.", nameof(prior));
            }

            int n = o.StrengthCount;
            plan._strengths = new double[n];
            double lo10 = Math.Log10(o.MinimumStrength), hi10 = Math.Log10(o.MaximumStrength);
            for (int s = 0; s < n; s++)
            {
                plan._strengths[s] = n == 1 ? o.MinimumStrength : Math.Pow(10, lo10 + ((hi10 - lo10) * s / (n - 1)));
            }

            return plan;
        }

        public bool TryDraw(LogGammaSampler gamma, Span<double> w, Span<double> logs, Span<int> scratch, DirichletMixtureSamplerOptions o)
        {
            var random = gamma.Random;
            double strength = _strengths[random.Next(_strengths.Length)];
            ReadOnlySpan<int> set = Active;
            if (o.SparseFraction > 0 && Active.Length > 2 && random.NextDouble() < o.SparseFraction)
            {
                int m = random.Next(2, Math.Min(o.SparseMaximumClusters, Active.Length) + 1);
                Active.CopyTo(scratch);
                for (int i = 0; i < m; i++)
                {
                    int j = i + random.Next(scratch.Length - i);
                    (scratch[i], scratch[j]) = (scratch[j], scratch[i]);
                }

                scratch[..m].Sort();
                set = scratch[..m];
            }

            w.Clear();
            for (int i = 0; i < Count; i++)
            {
                w[i] = _isFixed[i] ? _fixed[i] : _min[i];
            }

            if (_slack > 1e-12)
            {
                double baseSum = 0;
                foreach (int i in set)
                {
                    baseSum += _base[i];
                }

                double maxLog = double.NegativeInfinity;
                foreach (int i in set)
                {
                    double l = gamma.NextLogGamma(_base[i] / baseSum * strength);
                    logs[i] = l;
                    maxLog = Math.Max(maxLog, l);
                }

                if (double.IsNegativeInfinity(maxLog))
                {
                    return false;
                }

                double sum = 0;
                foreach (int i in set)
                {
                    double e = Math.Exp(logs[i] - maxLog);
                    logs[i] = e;
                    sum += e;
                }

                foreach (int i in set)
                {
                    w[i] += _slack * logs[i] / sum;
                }
            }

            if (_freeMass <= 0)
            {
                return true;
            }

            double mw = o.MinimumWeight;
            if (mw > 0)
            {
                foreach (int i in Free)
                {
                    if (_min[i] <= 0 && w[i] < mw)
                    {
                        w[i] = 0;
                    }
                }
            }

            if (!RenormalizeFree(w))
            {
                return false;
            }

            if (mw > 0 && o.RoundToMinimumWeight)
            {
                foreach (int i in Free)
                {
                    w[i] = Math.Round(w[i] / mw) * mw;
                }

                if (!RenormalizeFree(w))
                {
                    return false;
                }

                // Renormalising can push a rounded weight just under the floor: zero it again (the scale-up that
                // follows cannot create new ones).
                bool again = false;
                foreach (int i in Free)
                {
                    if (_min[i] <= 0 && w[i] > 0 && w[i] < mw)
                    {
                        w[i] = 0;
                        again = true;
                    }
                }

                if (again && !RenormalizeFree(w))
                {
                    return false;
                }
            }

            if (Projects)
            {
                ProjectFree(w);
            }

            foreach (int i in Free)
            {
                if (w[i] > _max[i] + 1e-12 || w[i] < _min[i] - 1e-12)
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>Projects the free weights onto the prior's bounds (ratio-preserving; see <see cref="MixturePrior.Project"/>).</summary>
        private void ProjectFree(Span<double> w)
        {
            int n = Free.Length;
            bool within = true;
            for (int j = 0; j < n && within; j++)
            {
                within = w[Free[j]] <= _freeBound[j];
            }

            if (within)
            {
                return;
            }

            Span<double> free = n <= 256 ? stackalloc double[n] : new double[n];
            for (int j = 0; j < n; j++)
            {
                free[j] = w[Free[j]];
            }

            MixturePrior.ProjectInPlace(free, _freeBound, _freeShare, _freeMass);
            for (int j = 0; j < n; j++)
            {
                w[Free[j]] = free[j];
            }
        }

        private bool RenormalizeFree(Span<double> w)
        {
            double sum = 0;
            foreach (int i in Free)
            {
                sum += w[i];
            }

            if (!(sum > 0))
            {
                return false;
            }

            double scale = _freeMass / sum;
            foreach (int i in Free)
            {
                w[i] *= scale;
            }

            return true;
        }
    }
}

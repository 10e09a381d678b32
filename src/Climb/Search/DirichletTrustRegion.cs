namespace Climb;

/// <summary>
/// Candidate mixtures near given centres: each draw is Dirichlet(concentration · centre + one pseudo-count spread over the
/// clusters by the tempered prior), so a draw's mean is the centre (up to the small prior pull that lets an unused cluster
/// come back) and its spread shrinks as the concentration grows. Weights below the sampler's floor are dropped.
/// </summary>
internal static class DirichletTrustRegion
{
    /// <summary>Weights below this are set to zero and the rest renormalised (the Dirichlet sampler's default floor).</summary>
    public const double Floor = 2e-4;

    /// <summary>The total Dirichlet pseudo-count spread over the clusters by the tempered prior.</summary>
    private const double PriorPseudoCount = 1.0;

    /// <summary>Draws <paramref name="count"/> mixtures, the centres taken in turn; the same arguments give the same draws.</summary>
    public static List<MixtureWeights> Sample(
        IReadOnlyList<MixtureWeights> centres, MixturePrior prior, double concentration, int count, int seed, IReadOnlyList<double>? upperBounds, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfZero(centres.Count);
        int k = prior.Count;
        var tempered = new double[k];
        double sum = 0;
        for (int i = 0; i < k; i++)
        {
            tempered[i] = Math.Sqrt(prior.Shares[i]);
            sum += tempered[i];
        }

        for (int i = 0; i < k; i++)
        {
            tempered[i] = tempered[i] / sum * PriorPseudoCount;
        }

        var gamma = new LogGammaSampler(new Random(seed));
        var result = new List<MixtureWeights>(count);
        var logs = new double[k];
        var w = new double[k];
        for (int d = 0; d < count; d++)
        {
            if ((d & 255) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var centre = centres[d % centres.Count].AsSpan();
            for (int attempt = 0; ; attempt++)
            {
                double max = double.NegativeInfinity;
                for (int i = 0; i < k; i++)
                {
                    logs[i] = gamma.NextLogGamma((concentration * centre[i]) + tempered[i]);
                    max = Math.Max(max, logs[i]);
                }

                double total = 0;
                for (int i = 0; i < k; i++)
                {
                    w[i] = Math.Exp(logs[i] - max);
                    total += w[i];
                }

                Normalize(w, total);
                if (upperBounds is null || Within(w, upperBounds))
                {
                    break;
                }

                if (attempt >= 50)
                {
                    Project(w, upperBounds);
                    break;
                }
            }

            // Within the prior's bounds (MixturePrior.MaxWeights): a draw that asks a cluster for more than its data can
            // supply is projected onto them, as the sampler's draws are; a feasible draw is unchanged.
            result.Add(prior.Project(new MixtureWeights(w)));
        }

        return result;
    }

    /// <summary>Drops weights below <see cref="Floor"/> (keeping at least the largest) and renormalises.</summary>
    private static void Normalize(double[] w, double total)
    {
        double kept = 0;
        int largest = 0;
        for (int i = 0; i < w.Length; i++)
        {
            w[i] /= total;
            if (w[i] > w[largest])
            {
                largest = i;
            }
        }

        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] < Floor && i != largest)
            {
                w[i] = 0;
            }

            kept += w[i];
        }

        for (int i = 0; i < w.Length; i++)
        {
            w[i] /= kept;
        }
    }

    private static bool Within(double[] w, IReadOnlyList<double> upper)
    {
        for (int i = 0; i < w.Length; i++)
        {
            if (w[i] > upper[i] + 1e-12)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Clips every weight to its bound and hands the excess to the clusters below theirs, in proportion to their weights (repeated until none exceeds).</summary>
    internal static void Project(double[] w, IReadOnlyList<double> upper)
    {
        for (int pass = 0; pass < w.Length + 1; pass++)
        {
            double excess = 0, room = 0;
            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] > upper[i])
                {
                    excess += w[i] - upper[i];
                    w[i] = upper[i];
                }
            }

            if (excess <= 1e-15)
            {
                return;
            }

            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] < upper[i])
                {
                    room += Math.Max(w[i], 1e-12);
                }
            }

            if (room <= 0)
            {
                throw new InvalidOperationException("The per-cluster upper bounds sum to less than 1: no mixture can respect them.");
            }

            for (int i = 0; i < w.Length; i++)
            {
                if (w[i] < upper[i])
                {
                    w[i] += excess * Math.Max(w[i], 1e-12) / room;
                }
            }
        }
    }
}

using CsCheck;

namespace Climb.Tests.Properties;

/// <summary>Properties of <see cref="DirichletMixtureSampler"/>: every mixture lies on the simplex, respects every bound, fixed weight and the prior cap, and no two are closer than the de-duplication distance.</summary>
public class SamplerProperties
{
    private const double Tolerance = 1e-9;

    /// <summary>Random priors and constraint sets: 3 free clusters at least, the rest free, fixed, lower- or upper-bounded.</summary>
    private static readonly Gen<SamplerCase> Cases =
        from k in Gen.Int[3, 10]
        from shares in Gen.Double[0.2, 1.0].Array[k]
        from roles in Gen.Int[0, 5].Array[k]
        from values in Gen.Double[0.0, 1.0].Array[k]
        from temperature in Gen.Double[0.0, 2.0]
        from sparse in Gen.Double[0.0, 1.0]
        from round in Gen.Bool
        from minimumWeight in Gen.Double[0.0, 0.005]
        from dedup in Gen.Double[0.0, 0.01]
        from cap in Gen.Bool.Select(b => b ? 15.0 : 0.0)
        from count in Gen.Int[1, 40]
        from seed in Gen.Int
        select new SamplerCase(shares, roles, values, temperature, sparse, round, minimumWeight, dedup, cap, count, seed);

    [Fact]
    public void Every_mixture_is_on_the_simplex_within_its_bounds_fixed_weights_and_cap_and_mixtures_are_distinct()
    {
        Cases.Sample(c =>
        {
            var options = c.Options();
            var prior = new MixturePrior(c.Shares);
            var mixtures = new DirichletMixtureSampler(options).Sample(prior, c.Count, c.Seed);

            Assert.Equal(c.Count, mixtures.Count);
            foreach (var m in mixtures)
            {
                Assert.Equal(c.Shares.Length, m.Count);
                double sum = 0;
                for (int i = 0; i < m.Count; i++)
                {
                    double w = m[i];
                    sum += w;
                    Assert.True(w >= 0 && double.IsFinite(w), $"weight {i} = {w}");
                    if (options.FixedWeights.TryGetValue(i, out double f))
                    {
                        Assert.True(Math.Abs(w - f) <= Tolerance, $"fixed weight {i}: {w} != {f}");
                        continue;
                    }

                    if (options.MinimumWeights.TryGetValue(i, out double lo))
                    {
                        Assert.True(w >= lo - Tolerance, $"weight {i} = {w} < minimum {lo}");
                    }

                    if (options.MaximumWeights.TryGetValue(i, out double hi))
                    {
                        Assert.True(w <= hi + Tolerance, $"weight {i} = {w} > maximum {hi}");
                    }

                    if (c.Cap > 0)
                    {
                        double share = prior.Shares[i];
                        Assert.True(w <= (c.Cap * share) + Tolerance, $"weight {i} = {w} > {c.Cap} x share {share}");
                    }
                }

                Assert.True(Math.Abs(sum - 1) <= 1e-9, $"sum {sum}");
            }

            for (int a = 0; a < mixtures.Count; a++)
            {
                for (int b = 0; b < a; b++)
                {
                    double l1 = 0;
                    for (int i = 0; i < mixtures[a].Count; i++)
                    {
                        l1 += Math.Abs(mixtures[a][i] - mixtures[b][i]);
                    }

                    Assert.True(l1 > options.DeduplicationDistance || (l1 > 0 && options.DeduplicationDistance == 0), $"mixtures {b} and {a} are {l1} apart (dedup {options.DeduplicationDistance})");
                }
            }

            // Deterministic: the same seed gives the same mixtures.
            Assert.Equal(mixtures, new DirichletMixtureSampler(c.Options()).Sample(prior, c.Count, c.Seed));
        }, iter: 150, threads: 1);
    }

    /// <summary>A generated sampling problem; every cluster's role (0-2 free, 3 fixed, 4 lower bound, 5 upper bound) and bound value.</summary>
    internal sealed record SamplerCase(double[] Shares, int[] Roles, double[] Values, double Temperature, double Sparse, bool Round, double MinimumWeight, double Dedup, double Cap, int Count, int Seed)
    {
        public DirichletMixtureSamplerOptions Options()
        {
            var o = new DirichletMixtureSamplerOptions
            {
                Temperature = Temperature,
                SparseFraction = Sparse,
                RoundToMinimumWeight = Round,
                MinimumWeight = MinimumWeight,
                DeduplicationDistance = Dedup,
                MaximumPriorMultiple = Cap,
            };
            int k = Shares.Length;
            int fixedCount = Roles.Skip(3).Count(r => r == 3), lowerCount = Roles.Skip(3).Count(r => r == 4);
            for (int i = 3; i < k; i++)
            {
                switch (Roles[i])
                {
                    case 3:
                        o.FixedWeights[i] = Values[i] * 0.4 / fixedCount; // fixed total at most 0.4
                        break;
                    case 4:
                        o.MinimumWeights[i] = Values[i] * 0.2 / lowerCount; // lower bounds total at most 0.2
                        break;
                    case 5:
                        o.MaximumWeights[i] = Values[i];
                        break;
                }
            }

            return o;
        }

        public override string ToString() =>
            $"shares=[{string.Join(",", Shares)}] roles=[{string.Join(",", Roles)}] values=[{string.Join(",", Values)}] t={Temperature} sparse={Sparse} round={Round} min={MinimumWeight} dedup={Dedup} cap={Cap} count={Count} seed={Seed}";
    }
}

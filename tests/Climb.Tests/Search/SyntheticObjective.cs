namespace Climb.Tests.Search;

/// <summary>
/// The synthetic benchmark objective of docs/search.md (designed before the strategies were run on it): 20 Zipf clusters,
/// optimum 0.55/0.30/0.15 on clusters 3/8/13, loss 3 + 2 x squared Hellinger distance, N(0, 0.02²) noise per proxy seed.
/// </summary>
internal sealed class SyntheticObjective
{
    public const int Clusters = 20;
    public const double NoiseStd = 0.02;

    private static readonly double[] Optimum = BuildOptimum();

    private int _calls;

    public static MixturePrior Prior { get; } = new(Enumerable.Range(1, Clusters).Select(i => 1.0 / i));

    public int Calls => _calls;

    public static MixtureWeights OptimumMixture => new(Optimum);

    public static double TrueLoss(MixtureWeights w)
    {
        double h = 0;
        for (int i = 0; i < Clusters; i++)
        {
            double d = Math.Sqrt(w[i]) - Math.Sqrt(Optimum[i]);
            h += d * d;
        }

        return 3 + (2 * h);
    }

    public static double Noise(int seed)
    {
        var r = new Random(seed);
        double u1 = 1.0 - r.NextDouble();
        double u2 = r.NextDouble();
        return NoiseStd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    public Task<ProxyResult> EvaluateAsync(MixtureWeights mixture, int seed, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        double loss = TrueLoss(mixture) + Noise(seed);
        return Task.FromResult(new ProxyResult
        {
            Mixture = mixture,
            Seed = seed,
            Objective = loss,
            Goal = ObjectiveGoal.Minimize,
            Metrics = new Dictionary<string, double> { ["target/loss"] = loss, ["true/loss"] = TrueLoss(mixture) },
            TokensTrained = 1000,
            Device = "synthetic",
            ProxyConfiguration = "synthetic-hellinger",
        });
    }

    private static double[] BuildOptimum()
    {
        var w = new double[Clusters];
        w[3] = 0.55;
        w[8] = 0.30;
        w[13] = 0.15;
        return w;
    }
}

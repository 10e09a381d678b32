namespace Climb;

/// <summary>Derives independent, reproducible seeds for sub-streams (chunks, rounds, folds) from one user seed.</summary>
internal static class SeedMixer
{
    public static int Derive(int seed, long a, long b = 0, long c = 0)
    {
        ulong h = Mix(unchecked((ulong)seed) ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ unchecked((ulong)a));
        h = Mix(h ^ unchecked((ulong)b * 0xBF58476D1CE4E5B9UL));
        h = Mix(h ^ unchecked((ulong)c * 0x94D049BB133111EBUL));
        return (int)(h & 0x7FFFFFFF);
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

/// <summary>Gamma and normal variates in log space, robust for the tiny Dirichlet concentrations sparse sampling uses.</summary>
internal sealed class LogGammaSampler
{
    private readonly Random _random;
    private double _spareNormal;
    private bool _hasSpare;

    public LogGammaSampler(Random random) => _random = random;

    public Random Random => _random;

    /// <summary>Returns log(X) for X ~ Gamma(shape, 1); negative infinity when the shape is zero.</summary>
    public double NextLogGamma(double shape)
    {
        if (shape <= 0)
        {
            return double.NegativeInfinity;
        }

        if (shape < 1)
        {
            // Gamma(a) = Gamma(a + 1) * U^(1/a), kept in log space so tiny shapes do not underflow to zero.
            double u = NextOpenUnit();
            return NextLogGamma(shape + 1) + (Math.Log(u) / shape);
        }

        // Marsaglia and Tsang (2000).
        double d = shape - (1.0 / 3.0);
        double c = 1.0 / Math.Sqrt(9.0 * d);
        while (true)
        {
            double x = NextNormal();
            double v = 1.0 + (c * x);
            if (v <= 0)
            {
                continue;
            }

            v = v * v * v;
            double logU = Math.Log(NextOpenUnit());
            double x2 = x * x;
            if (logU < (0.5 * x2) + d - (d * v) + (d * Math.Log(v)))
            {
                return Math.Log(d * v);
            }
        }
    }

    public double NextOpenUnit()
    {
        double u;
        do
        {
            u = _random.NextDouble();
        }
        while (u <= 0);
        return u;
    }

    public double NextNormal()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spareNormal;
        }

        double u, v, s;
        do
        {
            u = (2.0 * _random.NextDouble()) - 1.0;
            v = (2.0 * _random.NextDouble()) - 1.0;
            s = (u * u) + (v * v);
        }
        while (s >= 1.0 || s == 0);
        double m = Math.Sqrt(-2.0 * Math.Log(s) / s);
        _spareNormal = v * m;
        _hasSpare = true;
        return u * m;
    }
}

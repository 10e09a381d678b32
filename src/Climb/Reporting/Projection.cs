namespace Climb;

/// <summary>Principal-component projection to two dimensions (power iteration on the covariance).</summary>
internal static class Projection
{
    public static (double X, double Y)[] Pca2(EmbeddingMatrix m, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(m);
        int n = m.Rows, d = m.Dimension;
        var result = new (double, double)[n];
        if (n == 0)
        {
            return result;
        }

        var mean = new double[d];
        for (int i = 0; i < n; i++)
        {
            var row = m[i];
            for (int j = 0; j < d; j++)
            {
                mean[j] += row[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            mean[j] /= n;
        }

        var centred = new double[n, d];
        for (int i = 0; i < n; i++)
        {
            var row = m[i];
            for (int j = 0; j < d; j++)
            {
                centred[i, j] = row[j] - mean[j];
            }
        }

        var pc1 = TopComponent(centred, null, seed);
        var pc2 = TopComponent(centred, pc1, seed + 1);
        for (int i = 0; i < n; i++)
        {
            double a = 0, b = 0;
            for (int j = 0; j < d; j++)
            {
                a += centred[i, j] * pc1[j];
                b += centred[i, j] * pc2[j];
            }

            result[i] = (a, b);
        }

        return result;
    }

    private static double[] TopComponent(double[,] x, double[]? orthogonalTo, int seed)
    {
        int n = x.GetLength(0), d = x.GetLength(1);
        var rng = new Random(seed);
        var v = new double[d];
        for (int j = 0; j < d; j++)
        {
            v[j] = rng.NextDouble() - 0.5;
        }

        var xv = new double[n];
        for (int it = 0; it < 100; it++)
        {
            if (orthogonalTo is not null)
            {
                double p = Dot(v, orthogonalTo);
                for (int j = 0; j < d; j++)
                {
                    v[j] -= p * orthogonalTo[j];
                }
            }

            Normalize(v);
            for (int i = 0; i < n; i++)
            {
                double s = 0;
                for (int j = 0; j < d; j++)
                {
                    s += x[i, j] * v[j];
                }

                xv[i] = s;
            }

            var next = new double[d];
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    next[j] += x[i, j] * xv[i];
                }
            }

            if (orthogonalTo is not null)
            {
                double p = Dot(next, orthogonalTo);
                for (int j = 0; j < d; j++)
                {
                    next[j] -= p * orthogonalTo[j];
                }
            }

            if (Normalize(next) == 0)
            {
                return v;
            }

            double change = 0;
            for (int j = 0; j < d; j++)
            {
                change += Math.Abs(next[j] - v[j]);
            }

            v = next;
            if (change < 1e-9)
            {
                break;
            }
        }

        return v;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double Normalize(double[] v)
    {
        double norm = Math.Sqrt(Dot(v, v));
        if (norm > 0)
        {
            for (int i = 0; i < v.Length; i++)
            {
                v[i] /= norm;
            }
        }

        return norm;
    }
}

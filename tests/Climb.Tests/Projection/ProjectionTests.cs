namespace Climb.Tests.Projection;

public class ProjectionTests
{
    [Fact]
    public void Recovers_the_two_directions_of_largest_variance_in_order()
    {
        // Points spread widely along u, less along w, with a little noise in six dimensions; u and w are not axes.
        var rng = new Random(3);
        double[] u = Unit([1, 1, 0, 0, 0, 1]);
        double[] w = Unit([1, -1, 0, 1, 0, 0]);
        int n = 300;
        var m = new EmbeddingMatrix(n, 6);
        var a = new double[n];
        var b = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = Gauss(rng) * 5;
            b[i] = Gauss(rng) * 1.5;
            for (int j = 0; j < 6; j++)
            {
                m[i][j] = (float)(2 + (a[i] * u[j]) + (b[i] * w[j]) + (Gauss(rng) * 0.05));
            }
        }

        var p = Climb.Projection.Pca2(m);
        Assert.True(Math.Abs(Correlation(p.Select(q => q.X).ToArray(), a)) > 0.999);
        Assert.True(Math.Abs(Correlation(p.Select(q => q.Y).ToArray(), b)) > 0.99);
        Assert.Equal(0, p.Average(q => q.X), 6); // centred
        Assert.Equal(p, Climb.Projection.Pca2(m)); // deterministic, signs included
    }

    [Fact]
    public void Handles_one_row_and_one_dimension()
    {
        var one = new EmbeddingMatrix(1, 4);
        Assert.Equal([(0.0, 0.0)], Climb.Projection.Pca2(one));
        var line = new EmbeddingMatrix([1f, 2f, 4f], 1);
        var p = Climb.Projection.Pca2(line);
        Assert.Equal([0.0, 0.0, 0.0], p.Select(q => q.Y));
        Assert.True(Math.Abs(Correlation(p.Select(q => q.X).ToArray(), [1, 2, 4])) > 0.9999);
    }

    private static double[] Unit(double[] v)
    {
        double norm = Math.Sqrt(v.Sum(x => x * x));
        return [.. v.Select(x => x / norm)];
    }

    private static double Gauss(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static double Correlation(double[] x, double[] y) => MathNet.Numerics.Statistics.Correlation.Pearson(x, y);
}

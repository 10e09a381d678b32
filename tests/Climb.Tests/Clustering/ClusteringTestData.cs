namespace Climb.Tests.Clustering;

/// <summary>Synthetic data for the clustering tests.</summary>
internal static class ClusteringTestData
{
    /// <summary>Gaussian blobs around well-separated random centres.</summary>
    public static (EmbeddingMatrix Data, int[] Truth) Blobs(int n, int k, int d, double spread, int seed, double centreScale = 10)
    {
        var rng = new Random(seed);
        var centres = new double[k, d];
        for (int c = 0; c < k; c++)
        {
            for (int t = 0; t < d; t++)
            {
                centres[c, t] = (rng.NextDouble() * 2 - 1) * centreScale;
            }
        }

        var m = new EmbeddingMatrix(n, d);
        var truth = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % k;
            truth[i] = c;
            var row = m[i];
            for (int t = 0; t < d; t++)
            {
                row[t] = (float)(centres[c, t] + (Gaussian(rng) * spread));
            }
        }

        return (m, truth);
    }

    public static float[] Uniform(int count, int seed)
    {
        var rng = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (float)(rng.NextDouble() * 2 - 1);
        }

        return a;
    }

    public static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}

/// <summary>A hand-written embedding source whose reads go through a callback (M.E.AI-style fake).</summary>
internal sealed class DelegatingEmbeddingSource : IEmbeddingSource
{
    public required long RowCount { get; init; }

    public required int Dimension { get; init; }

    public required ReadRowsCallback ReadRowsCallback { get; init; }

    public void ReadRows(long start, int count, Span<float> destination) => ReadRowsCallback(start, count, destination);

    /// <summary>A source backed by a matrix that records the largest read.</summary>
    public static DelegatingEmbeddingSource Over(EmbeddingMatrix m, Action<long, int>? onRead = null) => new()
    {
        RowCount = m.Rows,
        Dimension = m.Dimension,
        ReadRowsCallback = (start, count, dest) =>
        {
            onRead?.Invoke(start, count);
            m.ReadRows(start, count, dest);
        },
    };
}

internal delegate void ReadRowsCallback(long start, int count, Span<float> destination);

namespace Climb;

/// <summary>k-means++ and k-means‖ seeding over the in-memory fit sample (CPU, deterministic for a seed).</summary>
internal static class KMeansInitializer
{
    /// <summary>k-means++ runs on at most this many rows per centroid of the fit sample (it costs O(K·rows·D)).</summary>
    public const int PlusPlusRowsPerCentroid = 40;

    public static float[] KMeansPlusPlus(float[] rows, int rowCount, int dimension, int k, Random rng, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        // Seed on a random subset when the sample is large (the cost is K passes over the rows).
        int cap = (int)Math.Min(rowCount, Math.Max((long)k, (long)PlusPlusRowsPerCentroid * k));
        float[] pool = rows;
        int poolCount = rowCount;
        if (cap < rowCount)
        {
            var pick = SampleIndices(rowCount, cap, rng);
            pool = new float[cap * dimension];
            for (int i = 0; i < cap; i++)
            {
                rows.AsSpan(pick[i] * dimension, dimension).CopyTo(pool.AsSpan(i * dimension, dimension));
            }

            poolCount = cap;
        }

        return WeightedPlusPlus(pool, poolCount, dimension, null, k, rng, maxDegreeOfParallelism, cancellationToken);
    }

    /// <summary>k-means++ over weighted points (weights null = 1).</summary>
    public static float[] WeightedPlusPlus(float[] points, int count, int dimension, double[]? weights, int k, Random rng, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var centroids = new float[k * dimension];
        var minD2 = new double[count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };

        int first = PickWeighted(weights, null, count, rng);
        points.AsSpan(first * dimension, dimension).CopyTo(centroids.AsSpan(0, dimension));
        Array.Fill(minD2, double.PositiveInfinity);
        for (int c = 0; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int cc = c;
            Parallel.For(0, (count + 4095) / 4096, options, block =>
            {
                var center = centroids.AsSpan(cc * dimension, dimension);
                int end = Math.Min(count, (block + 1) * 4096);
                for (int i = block * 4096; i < end; i++)
                {
                    double d2 = KMeansCpu.SquaredDistance(points.AsSpan(i * dimension, dimension), center);
                    if (d2 < minD2[i])
                    {
                        minD2[i] = d2;
                    }
                }
            });
            if (c + 1 == k)
            {
                break;
            }

            int next = PickWeighted(weights, minD2, count, rng);
            points.AsSpan(next * dimension, dimension).CopyTo(centroids.AsSpan((c + 1) * dimension, dimension));
        }

        return centroids;
    }

    /// <summary>k-means‖ (Bahmani et al. 2012): oversample ~2K candidates per round, weight them by the rows they win, reduce with weighted k-means++.</summary>
    public static float[] KMeansParallel(float[] rows, int rowCount, int dimension, int k, int rounds, Random rng, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        var norms = new float[rowCount];
        for (int i = 0; i < rowCount; i++)
        {
            norms[i] = CpuAssignmentKernel.SquaredNorm(rows.AsSpan(i * dimension, dimension));
        }

        var candidates = new List<int> { rng.Next(rowCount) };
        var chosen = new HashSet<int>(candidates);
        var minD2 = new double[rowCount];
        Array.Fill(minD2, double.PositiveInfinity);
        var labels = new int[rowCount];
        var partial = new float[rowCount];
        int newFrom = 0;
        double oversampling = 2.0 * k;
        for (int round = 0; round <= rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Distances to the candidates added in the previous round.
            int newCount = candidates.Count - newFrom;
            var batch = new float[newCount * dimension];
            for (int j = 0; j < newCount; j++)
            {
                rows.AsSpan(candidates[newFrom + j] * dimension, dimension).CopyTo(batch.AsSpan(j * dimension, dimension));
            }

            var packed = new PackedCentroids(batch, newCount, dimension);
            CpuAssignmentKernel.Assign(rows, rowCount, packed, labels, partial, maxDegreeOfParallelism, cancellationToken);
            double phi = 0;
            for (int i = 0; i < rowCount; i++)
            {
                double d2 = Math.Max(0.0, (double)norms[i] + partial[i]);
                if (d2 < minD2[i])
                {
                    minD2[i] = d2;
                }

                phi += minD2[i];
            }

            newFrom = candidates.Count;
            if (round == rounds || phi <= 0)
            {
                break;
            }

            for (int i = 0; i < rowCount; i++)
            {
                double p = oversampling * minD2[i] / phi;
                if (rng.NextDouble() < p && chosen.Add(i))
                {
                    candidates.Add(i);
                }
            }
        }

        // Too few distinct candidates (tiny or duplicated data): top up with random rows.
        while (candidates.Count < k && chosen.Count < rowCount)
        {
            int i = rng.Next(rowCount);
            if (chosen.Add(i))
            {
                candidates.Add(i);
            }
        }

        int m = candidates.Count;
        var points = new float[m * dimension];
        for (int j = 0; j < m; j++)
        {
            rows.AsSpan(candidates[j] * dimension, dimension).CopyTo(points.AsSpan(j * dimension, dimension));
        }

        if (m <= k)
        {
            var result = new float[k * dimension];
            points.CopyTo(result, 0);
            return result;
        }

        // Weight = rows closest to each candidate.
        var all = new PackedCentroids(points, m, dimension);
        CpuAssignmentKernel.Assign(rows, rowCount, all, labels, partial, maxDegreeOfParallelism, cancellationToken);
        var weights = new double[m];
        foreach (int l in labels)
        {
            weights[l]++;
        }

        return WeightedPlusPlus(points, m, dimension, weights, k, rng, maxDegreeOfParallelism, cancellationToken);
    }

    /// <summary>Draws <paramref name="count"/> distinct indices of 0..<paramref name="n"/>−1, sorted (Floyd's algorithm).</summary>
    public static int[] SampleIndices(long n, int count, Random rng)
    {
        if (count >= n)
        {
            return Enumerable.Range(0, (int)n).ToArray();
        }

        var set = new HashSet<long>(count);
        for (long j = n - count; j < n; j++)
        {
            long t = rng.NextInt64(j + 1);
            set.Add(set.Contains(t) ? j : t);
        }

        var result = set.Select(v => (int)v).ToArray();
        Array.Sort(result);
        return result;
    }

    private static int PickWeighted(double[]? weights, double[]? minD2, int count, Random rng)
    {
        double total = 0;
        for (int i = 0; i < count; i++)
        {
            total += Score(i);
        }

        if (!(total > 0) || double.IsInfinity(total))
        {
            return rng.Next(count);
        }

        double r = rng.NextDouble() * total;
        double acc = 0;
        for (int i = 0; i < count; i++)
        {
            acc += Score(i);
            if (acc > r)
            {
                return i;
            }
        }

        return count - 1;

        double Score(int i) => (weights is null ? 1.0 : weights[i]) * (minD2 is null ? 1.0 : minD2[i]);
    }
}

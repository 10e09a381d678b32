namespace Climb;

/// <summary>k-means++ and k-means‖ seeding over the in-memory fit sample (CPU, deterministic for a seed).</summary>
internal static class KMeansInitializer
{
    /// <summary>k-means++ runs on at most this many rows per centroid of the fit sample (it costs O(K·log K·rows·D)).</summary>
    public const int PlusPlusRowsPerCentroid = 20;

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

    /// <summary>
    /// Greedy k-means++ over weighted points (weights null = 1), as scikit-learn: each step draws 2 + ⌊ln K⌋ candidates
    /// with probability ∝ weight · D² and keeps the one that lowers the potential most (plain k-means++ often puts two
    /// seeds in one well-separated cluster).
    /// </summary>
    public static float[] WeightedPlusPlus(float[] points, int count, int dimension, double[]? weights, int k, Random rng, int maxDegreeOfParallelism, CancellationToken cancellationToken)
    {
        const int block = 1024;
        var centroids = new float[k * dimension];
        var norms = new float[count];
        for (int i = 0; i < count; i++)
        {
            var x = points.AsSpan(i * dimension, dimension);
            norms[i] = System.Numerics.Tensors.TensorPrimitives.Dot(x, x);
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism, CancellationToken = cancellationToken };
        int blocks = (count + block - 1) / block;
        int trials = 2 + (int)Math.Log(k);
        var candidateD2 = new double[trials][];
        for (int t = 0; t < trials; t++)
        {
            candidateD2[t] = new double[count];
        }

        var minD2 = new double[count];
        Array.Fill(minD2, double.PositiveInfinity);
        var cumulative = new double[count];

        // One pass over the points evaluates every candidate: D² to each, folded with the current minimum, and the
        // weighted potential per candidate (block sums added in block order, so the result is thread-count independent).
        double[] Evaluate(int[] candidates)
        {
            int m = candidates.Length;
            var sums = new double[blocks * m];
            Parallel.For(0, blocks, options, b =>
            {
                Span<double> local = stackalloc double[m];
                int end = Math.Min(count, (b + 1) * block);
                for (int i = b * block; i < end; i++)
                {
                    var x = points.AsSpan(i * dimension, dimension);
                    double w = weights is null ? 1.0 : weights[i];
                    for (int t = 0; t < m; t++)
                    {
                        int c = candidates[t];
                        double d2 = Math.Max(0.0, (double)norms[i] + norms[c] - (2.0 * System.Numerics.Tensors.TensorPrimitives.Dot(x, points.AsSpan(c * dimension, dimension))));
                        double v = Math.Min(minD2[i], d2);
                        candidateD2[t][i] = v;
                        local[t] += w * v;
                    }
                }

                local.CopyTo(sums.AsSpan(b * m, m));
            });
            var potentials = new double[m];
            for (int b = 0; b < blocks; b++)
            {
                for (int t = 0; t < m; t++)
                {
                    potentials[t] += sums[(b * m) + t];
                }
            }

            return potentials;
        }

        int first = PickWeighted(weights, null, count, rng);
        points.AsSpan(first * dimension, dimension).CopyTo(centroids.AsSpan(0, dimension));
        Evaluate([first]);
        Array.Copy(candidateD2[0], minD2, count);
        var draws = new int[trials];
        for (int c = 1; c < k; c++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Draw all trials from the same D² distribution (as scikit-learn), by inverse CDF.
            double total = 0;
            for (int i = 0; i < count; i++)
            {
                total += (weights is null ? 1.0 : weights[i]) * minD2[i];
                cumulative[i] = total;
            }

            for (int t = 0; t < trials; t++)
            {
                if (!(total > 0) || double.IsInfinity(total))
                {
                    draws[t] = rng.Next(count);
                    continue;
                }

                int at = Array.BinarySearch(cumulative, rng.NextDouble() * total);
                at = at >= 0 ? at + 1 : ~at;
                draws[t] = Math.Min(at, count - 1);
            }

            var potentials = Evaluate(draws);
            int best = 0;
            for (int t = 1; t < trials; t++)
            {
                if (potentials[t] < potentials[best])
                {
                    best = t;
                }
            }

            points.AsSpan(draws[best] * dimension, dimension).CopyTo(centroids.AsSpan(c * dimension, dimension));
            Array.Copy(candidateD2[best], minD2, count);
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

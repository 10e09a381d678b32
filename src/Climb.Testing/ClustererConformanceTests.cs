namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IClusterer"/>: derive in an xunit test project and implement <see cref="CreateClusterer"/>.
/// </summary>
/// <remarks>
/// Facts on well-separated synthetic blobs: one assignment per row, every one in range; centroids of the input's
/// dimension; sizes that count the assignments; the same result from two instances built alike (seeded); rows of one
/// tight blob never split between far-apart clusters when the clusterer has as many clusters as blobs; cancellation
/// honoured; a stable identity that changes with the options.
/// </remarks>
public abstract class ClustererConformanceTests
{
    /// <summary>Gets the number of synthetic blobs, which is also the cluster count <see cref="CreateClusterer"/> should use.</summary>
    protected virtual int Blobs => 4;

    /// <summary>Creates the clusterer under test, configured for <paramref name="clusterCount"/> clusters and a fixed seed.</summary>
    /// <param name="clusterCount">The number of clusters to find.</param>
    /// <returns>The clusterer.</returns>
    protected abstract IClusterer CreateClusterer(int clusterCount);

    /// <summary>Creates the clusterer with another output-changing option (e.g. another seed), or <see langword="null"/>.</summary>
    /// <param name="clusterCount">The number of clusters to find.</param>
    /// <returns>The differently configured clusterer, or <see langword="null"/>.</returns>
    protected virtual IClusterer? CreateClustererWithOtherOptions(int clusterCount) => null;

    /// <summary>Gets <see cref="Blobs"/> tight, far-apart blobs of 60 points each in 16 dimensions, in interleaved order.</summary>
    /// <returns>The points and the blob of each.</returns>
    protected virtual (EmbeddingMatrix Points, int[] Blob) CreateBlobs()
    {
        const int perBlob = 60, dim = 16;
        var rng = new Random(7);
        int n = perBlob * Blobs;
        var m = new EmbeddingMatrix(n, dim);
        var blob = new int[n];
        for (int i = 0; i < n; i++)
        {
            blob[i] = i % Blobs;
            var row = m[i];
            for (int d = 0; d < dim; d++)
            {
                float center = d == blob[i] ? 10f : 0f;
                row[d] = center + ((float)rng.NextDouble() - 0.5f) * 0.2f;
            }
        }

        return (m, blob);
    }

    /// <summary>The result has one in-range assignment per row, centroids of the input's dimension and consistent sizes.</summary>
    [Fact]
    public async Task Result_has_the_documented_shape()
    {
        var (points, _) = CreateBlobs();
        var r = await CreateClusterer(Blobs).ClusterAsync(points);
        Assert.Equal(points.Rows, r.Assignments.Length);
        Assert.Equal(points.Dimension, r.Centroids.Dimension);
        Assert.InRange(r.ClusterCount, 1, Blobs);
        Assert.All(r.Assignments, a => Assert.InRange(a, 0, r.ClusterCount - 1));
        Assert.Equal(r.ClusterCount, r.Sizes.Length);
        for (int c = 0; c < r.ClusterCount; c++)
        {
            Assert.Equal(r.Assignments.Count(a => a == c), r.Sizes[c]);
        }

        Assert.True(double.IsFinite(r.Inertia) && r.Inertia >= 0, $"inertia {r.Inertia}");
    }

    /// <summary>Tight, far-apart blobs come out as one cluster each.</summary>
    [Fact]
    public async Task Recovers_well_separated_blobs()
    {
        var (points, blob) = CreateBlobs();
        var r = await CreateClusterer(Blobs).ClusterAsync(points);
        for (int b = 0; b < Blobs; b++)
        {
            var clusters = Enumerable.Range(0, points.Rows).Where(i => blob[i] == b).Select(i => r.Assignments[i]).Distinct().ToList();
            Assert.True(clusters.Count == 1, $"blob {b} was split over clusters {string.Join(",", clusters)}");
        }

        Assert.Equal(Blobs, Enumerable.Range(0, Blobs).Select(b => r.Assignments[Array.IndexOf(blob, b)]).Distinct().Count());
    }

    /// <summary>Two instances built alike give identical assignments and centroids.</summary>
    [Fact]
    public async Task Is_deterministic_for_equal_options()
    {
        var (points, _) = CreateBlobs();
        var a = await CreateClusterer(Blobs).ClusterAsync(points);
        var b = await CreateClusterer(Blobs).ClusterAsync(points);
        Assert.Equal(a.Assignments, b.Assignments);
        Assert.Equal(a.Centroids.Data.ToArray(), b.Centroids.Data.ToArray());
    }

    /// <summary>A cancelled token stops the work with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        var (points, _) = CreateBlobs();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateClusterer(Blobs).ClusterAsync(points, cancellationToken: cts.Token));
    }

    /// <summary>The identity is stable for instances built alike and changes with the cluster count and other options.</summary>
    [Fact]
    public void Identity_is_stable_and_changes_with_the_options()
    {
        ComponentIdentity.AssertStableAndOptionSensitive(CreateClusterer(Blobs), CreateClusterer(Blobs), CreateClusterer(Blobs + 1));
        if (CreateClustererWithOtherOptions(Blobs) is { } other)
        {
            ComponentIdentity.AssertStableAndOptionSensitive(CreateClusterer(Blobs), CreateClusterer(Blobs), other);
        }
    }
}

namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IMixtureSampler"/>: derive in an xunit test project and implement <see cref="CreateSampler"/>.
/// </summary>
/// <remarks>
/// Facts: the requested number of mixtures, each on the simplex (finite, non-negative, summing to one) with one weight per
/// prior component; equal seeds give equal samples and other seeds other samples; the samples vary (not one mixture
/// repeated); cancellation honoured; a stable identity that changes with the options.
/// </remarks>
public abstract class MixtureSamplerConformanceTests
{
    /// <summary>Gets the prior the facts sample from: six components of unequal token shares.</summary>
    protected virtual MixturePrior Prior { get; } = new([0.05, 0.1, 0.15, 0.2, 0.2, 0.3]);

    /// <summary>Creates the sampler under test; called more than once, each call must build it the same way.</summary>
    /// <returns>The sampler.</returns>
    protected abstract IMixtureSampler CreateSampler();

    /// <summary>Creates the sampler with an option that changes its samples, or returns <see langword="null"/>.</summary>
    /// <returns>The differently configured sampler, or <see langword="null"/>.</returns>
    protected virtual IMixtureSampler? CreateSamplerWithOtherOptions() => null;

    /// <summary>Every sample is a point of the simplex with one weight per component.</summary>
    [Fact]
    public void Samples_lie_on_the_simplex()
    {
        var samples = CreateSampler().Sample(Prior, 200, seed: 3);
        Assert.Equal(200, samples.Count);
        foreach (var m in samples)
        {
            Assert.Equal(Prior.Count, m.Count);
            double sum = 0;
            for (int i = 0; i < m.Count; i++)
            {
                Assert.True(double.IsFinite(m[i]) && m[i] >= 0, $"weight {m[i]} in {m}");
                sum += m[i];
            }

            Assert.InRange(sum, 1 - 1e-9, 1 + 1e-9);
        }

        Assert.True(samples.Distinct().Count() > 150, "the samples barely vary");
        Assert.Empty(CreateSampler().Sample(Prior, 0, seed: 3));
    }

    /// <summary>Equal seeds give equal samples (also from another instance); another seed gives other samples.</summary>
    [Fact]
    public void Is_deterministic_for_equal_seeds()
    {
        var a = CreateSampler().Sample(Prior, 50, seed: 11);
        var b = CreateSampler().Sample(Prior, 50, seed: 11);
        var c = CreateSampler().Sample(Prior, 50, seed: 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    /// <summary>A cancelled token stops the work with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        Assert.ThrowsAny<OperationCanceledException>(() => CreateSampler().Sample(Prior, 100_000, seed: 1, cts.Token));
    }

    /// <summary>A negative count is rejected.</summary>
    [Fact]
    public void Rejects_a_negative_count() =>
        Assert.ThrowsAny<ArgumentException>(() => CreateSampler().Sample(Prior, -1, seed: 1));

    /// <summary>The identity is stable for instances built alike and changes with the options.</summary>
    [Fact]
    public void Identity_is_stable_and_changes_with_the_options() =>
        ComponentIdentity.AssertStableAndOptionSensitive(CreateSampler(), CreateSampler(), CreateSamplerWithOtherOptions());
}

namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IEmbedder"/>: derive in an xunit test project and implement <see cref="CreateEmbedder"/>.
/// </summary>
/// <remarks>
/// Facts: the shape of every batch; empty batches; finite values; the same vectors from two instances built alike (a
/// seeded or deterministic model); a text's vector independent of its batch and position (no cross-talk between rows);
/// safety under concurrent calls; cancellation honoured; null arguments rejected; a stable identity that changes with
/// the options (<see cref="CreateEmbedderWithOtherOptions"/>).
/// </remarks>
public abstract class EmbedderConformanceTests
{
    /// <summary>Gets the largest difference tolerated between two computations of one vector (GPU kernels may reorder sums).</summary>
    protected virtual float Tolerance => 1e-5f;

    /// <summary>Gets texts to embed: varied lengths, punctuation, digits, non-ASCII, one very short.</summary>
    protected virtual IReadOnlyList<string> Texts { get; } =
    [
        "The quick brown fox jumps over the lazy dog.",
        "def add(a, b):\n    return a + b",
        "In the beginning God created the heaven and the earth.",
        "Ein kleiner Text auf Deutsch, mit Umlauten: über, schön.",
        "A longer passage about compilers: a compiler translates source code into machine code, " +
            "checking types, optimising loops and allocating registers along the way.",
        "42",
        "Networking: TCP retransmits lost segments; UDP does not.",
        "Fortune favours the bold.",
    ];

    /// <summary>Creates the embedder under test; called more than once, each call must build it the same way.</summary>
    /// <returns>A ready embedder (fitted, if it needs fitting).</returns>
    protected abstract Task<IEmbedder> CreateEmbedder();

    /// <summary>Creates the embedder with an option that changes its vectors, or returns <see langword="null"/> if it has none.</summary>
    /// <returns>The differently configured embedder, or <see langword="null"/>.</returns>
    protected virtual Task<IEmbedder?> CreateEmbedderWithOtherOptions() => Task.FromResult<IEmbedder?>(null);

    /// <summary>Every batch gives one finite row per text, of the advertised dimension.</summary>
    [Fact]
    public async Task Embeds_one_finite_row_per_text_of_the_advertised_dimension()
    {
        var e = await CreateEmbedder();
        Assert.True(e.Info.Dimension > 0, "Info.Dimension must be positive.");
        Assert.False(string.IsNullOrWhiteSpace(e.Info.ModelId), "Info.ModelId must name the model.");
        var m = await e.EmbedAsync(Texts);
        Assert.Equal(Texts.Count, m.Rows);
        Assert.Equal(e.Info.Dimension, m.Dimension);
        for (int i = 0; i < m.Rows; i++)
        {
            foreach (float v in m[i])
            {
                Assert.True(float.IsFinite(v), $"row {i} holds a non-finite value");
            }
        }

        Assert.Equal(0, (await e.EmbedAsync([])).Rows);
    }

    /// <summary>Different texts get different vectors (an embedder that ignores its input fails).</summary>
    [Fact]
    public async Task Different_texts_get_different_vectors()
    {
        var e = await CreateEmbedder();
        var m = await e.EmbedAsync(Texts);
        int distinct = Enumerable.Range(0, m.Rows).Select(i => string.Join(',', m[i].ToArray().Select(v => MathF.Round(v, 4)))).Distinct().Count();
        Assert.True(distinct >= m.Rows - 1, $"only {distinct} distinct vectors for {m.Rows} different texts");
    }

    /// <summary>Two instances built alike give the same vectors, and a text's vector does not depend on its batch.</summary>
    [Fact]
    public async Task Vectors_are_reproducible_and_independent_of_batch_and_position()
    {
        var a = await (await CreateEmbedder()).EmbedAsync(Texts);
        var second = await CreateEmbedder();
        var b = await second.EmbedAsync(Texts);
        AssertRowsEqual(a, 0, b, 0, Texts.Count, "two instances built alike");

        var reversed = Texts.Reverse().ToList();
        var r = await second.EmbedAsync(reversed);
        for (int i = 0; i < Texts.Count; i++)
        {
            AssertRowsEqual(a, i, r, Texts.Count - 1 - i, 1, "the same text in another batch order");
        }

        var single = await second.EmbedAsync([Texts[2]]);
        AssertRowsEqual(a, 2, single, 0, 1, "the same text alone");
    }

    /// <summary>Concurrent calls on one instance give the same vectors as a single call.</summary>
    [Fact]
    public async Task Is_safe_for_concurrent_use()
    {
        var e = await CreateEmbedder();
        var expected = await e.EmbedAsync(Texts);
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => e.EmbedAsync(Texts))));
        foreach (var m in results)
        {
            AssertRowsEqual(expected, 0, m, 0, Texts.Count, "a concurrent call");
        }
    }

    /// <summary>A cancelled token stops the work with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        var e = await CreateEmbedder();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var many = Enumerable.Range(0, 2000).Select(i => Texts[i % Texts.Count] + " " + i).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => e.EmbedAsync(many, cts.Token));
    }

    /// <summary>A null batch is rejected with <see cref="ArgumentNullException"/>.</summary>
    [Fact]
    public async Task Rejects_a_null_batch()
    {
        var e = await CreateEmbedder();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => e.EmbedAsync(null!));
    }

    /// <summary>The identity is stable for instances built alike, changes with the options, and is the model id's subject.</summary>
    [Fact]
    public async Task Identity_is_stable_and_changes_with_the_options()
    {
        var a = await CreateEmbedder();
        var b = await CreateEmbedder();
        var other = await CreateEmbedderWithOtherOptions();
        Assert.Equal(a.Info, b.Info);
        if (other is not null)
        {
            Assert.NotEqual(a.Info.ModelId, other.Info.ModelId);
        }

        ComponentIdentity.AssertStableAndOptionSensitive(a, b, other);
    }

    private void AssertRowsEqual(EmbeddingMatrix x, int xStart, EmbeddingMatrix y, int yStart, int rows, string what)
    {
        for (int i = 0; i < rows; i++)
        {
            var p = x[xStart + i];
            var q = y[yStart + i];
            Assert.Equal(p.Length, q.Length);
            for (int d = 0; d < p.Length; d++)
            {
                Assert.True(MathF.Abs(p[d] - q[d]) <= Tolerance, $"{what}: row {xStart + i} differs at {d}: {p[d]} vs {q[d]}");
            }
        }
    }
}

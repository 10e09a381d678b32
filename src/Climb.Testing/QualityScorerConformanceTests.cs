namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IQualityScorer"/>: derive in an xunit test project and implement <see cref="CreateScorer"/>.
/// </summary>
/// <remarks>
/// Facts: one score per text, every criterion finite and on the 0–5 scale; the same scores from two instances built alike;
/// a text's score independent of its batch; clean prose scored above keyword spam on overall quality; cancellation
/// honoured; a stable identity that changes with the options.
/// </remarks>
public abstract class QualityScorerConformanceTests
{
    /// <summary>Gets well-formed, informative prose.</summary>
    protected virtual IReadOnlyList<string> GoodTexts { get; } =
    [
        "A compiler translates a program written in a high-level language into machine code. It first parses the source " +
            "into a syntax tree, checks that every expression has a valid type, and then optimises the code before emitting " +
            "instructions for the target processor.",
        "Photosynthesis converts light energy into chemical energy. Plants capture sunlight with chlorophyll, split water " +
            "molecules, release oxygen, and use the energy to build sugars from carbon dioxide.",
        "The French Revolution began in 1789. Financial crisis, food shortages and new political ideas led the Third Estate " +
            "to form the National Assembly, which abolished feudal privileges and proclaimed the rights of man.",
    ];

    /// <summary>Gets junk: keyword spam, advertising and markup debris.</summary>
    protected virtual IReadOnlyList<string> JunkTexts { get; } =
    [
        "BUY NOW!!! cheap cheap cheap best price best price click here click here $$$ FREE FREE FREE limited offer!!!",
        "<div><div><span>&nbsp;</span></div></div> | home | login | cart | home | login | cart | home | login |",
        "casino casino casino win win win bonus bonus bonus click click click subscribe subscribe subscribe",
    ];

    /// <summary>Creates the scorer under test; called more than once, each call must build it the same way.</summary>
    /// <returns>The scorer.</returns>
    protected abstract IQualityScorer CreateScorer();

    /// <summary>Creates the scorer with an option that changes its scores, or returns <see langword="null"/>.</summary>
    /// <returns>The differently configured scorer, or <see langword="null"/>.</returns>
    protected virtual IQualityScorer? CreateScorerWithOtherOptions() => null;

    private IReadOnlyList<string> All => [.. GoodTexts, .. JunkTexts];

    /// <summary>One score per text, each criterion finite and within 0–5.</summary>
    [Fact]
    public async Task Scores_every_text_on_the_zero_to_five_scale()
    {
        var scores = await CreateScorer().ScoreAsync(All);
        Assert.Equal(All.Count, scores.Count);
        foreach (var s in scores)
        {
            foreach (float v in new[] { s.Quality, s.Advertisement, s.InformationalValue, s.EducationalValue })
            {
                Assert.True(float.IsFinite(v) && v >= 0 && v <= 5, $"score {v} is outside 0–5 ({s})");
            }
        }

        Assert.Empty(await CreateScorer().ScoreAsync([]));
    }

    /// <summary>Clean prose scores above junk on overall quality, on average.</summary>
    [Fact]
    public async Task Ranks_clean_prose_above_junk()
    {
        var scorer = CreateScorer();
        double good = (await scorer.ScoreAsync(GoodTexts)).Average(s => s.Quality);
        double junk = (await scorer.ScoreAsync(JunkTexts)).Average(s => s.Quality);
        Assert.True(good > junk, $"clean prose {good:F2} is not above junk {junk:F2}");
    }

    /// <summary>Two instances built alike give the same scores, and a text's score does not depend on its batch.</summary>
    [Fact]
    public async Task Is_deterministic_and_independent_of_the_batch()
    {
        var a = await CreateScorer().ScoreAsync(All);
        var second = CreateScorer();
        Assert.Equal(a, await second.ScoreAsync(All));
        var reversed = await second.ScoreAsync(All.Reverse().ToList());
        Assert.Equal(a, reversed.Reverse());
        Assert.Equal(a[1], (await second.ScoreAsync([All[1]]))[0]);
    }

    /// <summary>A cancelled token stops the work with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        var many = Enumerable.Range(0, 2000).Select(i => All[i % All.Count] + " " + i).ToList();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateScorer().ScoreAsync(many, cts.Token));
    }

    /// <summary>The identity is stable for instances built alike and changes with the options.</summary>
    [Fact]
    public void Identity_is_stable_and_changes_with_the_options() =>
        ComponentIdentity.AssertStableAndOptionSensitive(CreateScorer(), CreateScorer(), CreateScorerWithOtherOptions());
}

namespace Climb.Testing;

/// <summary>
/// The contract of <see cref="IProxyTrainer"/>: derive in an xunit test project and implement <see cref="CreateTrainer"/>
/// with a small budget (the facts train a few proxies).
/// </summary>
/// <remarks>
/// Facts on two synthetic clusters of distinct text (one held-out target per cluster): a finite objective with the
/// request's mixture and seed echoed; equal seeds give equal objectives; a proxy trained on one cluster models that
/// cluster's target better than one trained on the other (the mixture matters); a mixture of the wrong size is rejected;
/// cancellation honoured; a stable identity that changes with the options.
/// </remarks>
public abstract class ProxyTrainerConformanceTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "climb-conformance-" + Guid.NewGuid().ToString("N"));
    private ITokenizedClusters? _store;

    /// <summary>Gets the two-cluster data the proxies train on (made by <see cref="CreateDataAsync"/> in <see cref="InitializeAsync"/>).</summary>
    protected ITokenizedClusters Store => _store ?? throw new InvalidOperationException("The data is made in InitializeAsync.");

    /// <summary>Gets the held-out targets: "numbers" (like cluster 0) and "animals" (like cluster 1).</summary>
    protected IReadOnlyList<EvaluationTarget> Targets { get; } =
    [
        new TextTarget("numbers", [.. Enumerable.Range(500, 8).Select(NumberText)]),
        new TextTarget("animals", [.. Enumerable.Range(500, 8).Select(AnimalText)]),
    ];

    /// <summary>Creates the trainer under test (with a small budget); each call must build it the same way.</summary>
    /// <returns>The trainer.</returns>
    protected abstract IProxyTrainer CreateTrainer();

    /// <summary>Creates the trainer with an option that changes its results, or returns <see langword="null"/>.</summary>
    /// <returns>The differently configured trainer, or <see langword="null"/>.</returns>
    protected virtual IProxyTrainer? CreateTrainerWithOtherOptions() => null;

    /// <summary>Gets the tokenizer of the store.</summary>
    protected virtual ITokenizer Tokenizer => ByteTokenizer.Instance;

    /// <summary>
    /// Makes the tokenised clusters the proxies train on. The default holds them in memory
    /// (<see cref="InMemoryTokenizedClusters"/>); override it to test a trainer that needs them on disk (for example
    /// Climb's <c>TokenizedClusterStore.BuildAsync</c> into <paramref name="folder"/>). Disposed after the tests when disposable.
    /// </summary>
    /// <param name="folder">An empty scratch folder of this test class, deleted afterwards.</param>
    /// <param name="tokenizer">The tokenizer (<see cref="Tokenizer"/>).</param>
    /// <param name="clusters">The documents of each cluster: 400 number sentences, then 400 animal sentences.</param>
    /// <returns>The clusters.</returns>
    protected virtual Task<ITokenizedClusters> CreateDataAsync(string folder, ITokenizer tokenizer, IReadOnlyList<IReadOnlyList<Document>> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        return Task.FromResult<ITokenizedClusters>(new InMemoryTokenizedClusters(tokenizer, [.. clusters.Select(c => c.Select(d => d.Text))]));
    }

    /// <inheritdoc />
    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = await CreateDataAsync(_folder, Tokenizer, [Docs(NumberText), Docs(AnimalText)]);
    }

    /// <inheritdoc />
    public virtual Task DisposeAsync()
    {
        (_store as IDisposable)?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }

    private ProxyTrainingRequest Request(double first, int seed, IReadOnlyList<EvaluationTarget>? targets = null) => new()
    {
        Mixture = new MixtureWeights([first, 1 - first]),
        Seed = seed,
        Data = Store,
        Targets = targets ?? Targets,
    };

    /// <summary>The result echoes the request and holds a finite objective.</summary>
    [Fact]
    public async Task Trains_and_reports_a_finite_objective()
    {
        var request = Request(0.5, 3);
        var r = await CreateTrainer().TrainAsync(request);
        Assert.True(double.IsFinite(r.Objective), $"objective {r.Objective}");
        Assert.Equal(request.Mixture, r.Mixture);
        Assert.Equal(3, r.Seed);
        Assert.True(r.TokensTrained > 0, "no tokens trained");
    }

    /// <summary>Equal seeds give equal objectives, also from another instance.</summary>
    [Fact]
    public async Task Is_deterministic_for_equal_seeds()
    {
        var a = await CreateTrainer().TrainAsync(Request(0.3, 7));
        var b = await CreateTrainer().TrainAsync(Request(0.3, 7));
        Assert.Equal(a.Objective, b.Objective);
    }

    /// <summary>The mixture matters: training on one cluster models that cluster's target better than the other's.</summary>
    [Fact]
    public async Task The_mixture_changes_what_the_proxy_models()
    {
        var numbersOnly = await CreateTrainer().TrainAsync(Request(0.98, 1, [Targets[0]]));
        var animalsOnly = await CreateTrainer().TrainAsync(Request(0.02, 1, [Targets[0]]));
        Assert.NotEqual(numbersOnly.Objective, animalsOnly.Objective);
        bool numbersBetter = numbersOnly.Goal == ObjectiveGoal.Minimize
            ? numbersOnly.Objective < animalsOnly.Objective
            : numbersOnly.Objective > animalsOnly.Objective;
        Assert.True(numbersBetter, $"the proxy trained on numbers ({numbersOnly.Objective}) does not beat the one trained on animals ({animalsOnly.Objective}) on the numbers target");
    }

    /// <summary>A mixture with another number of weights than the data has clusters is rejected.</summary>
    [Fact]
    public async Task Rejects_a_mixture_of_the_wrong_size()
    {
        var bad = new ProxyTrainingRequest { Mixture = MixtureWeights.Uniform(3), Seed = 1, Data = Store, Targets = Targets };
        await Assert.ThrowsAnyAsync<ArgumentException>(() => CreateTrainer().TrainAsync(bad));
    }

    /// <summary>A cancelled token stops training with <see cref="OperationCanceledException"/>.</summary>
    [Fact]
    public async Task Honours_cancellation()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CreateTrainer().TrainAsync(Request(0.5, 1), cancellationToken: cts.Token));
    }

    /// <summary>The identity is stable for instances built alike and changes with the options.</summary>
    [Fact]
    public void Identity_is_stable_and_changes_with_the_options() =>
        ComponentIdentity.AssertStableAndOptionSensitive(CreateTrainer(), CreateTrainer(), CreateTrainerWithOtherOptions());

    private static string NumberText(int i) =>
        $"Count {i}: {i + 1}, {i + 2}, {i + 3}. The sum of {i} and {i * 3} is {i * 4}; twice {i} is {i * 2}.";

    private static string AnimalText(int i)
    {
        string[] animals = ["the cat", "a dog", "the horse", "an owl", "the fox", "a goat"];
        string[] verbs = ["sleeps in the barn", "runs across the field", "eats the green grass", "watches the river"];
        return $"{animals[i % animals.Length]} {verbs[i % verbs.Length]}, and {animals[(i + 2) % animals.Length]} {verbs[(i + 1) % verbs.Length]}.";
    }

    private static Document[] Docs(Func<int, string> text) =>
        [.. Enumerable.Range(0, 400).Select(i => new Document(i.ToString(System.Globalization.CultureInfo.InvariantCulture), text(i)))];
}

using System.Globalization;
using Xunit.Abstractions;

namespace Climb.Tests.Search;

/// <summary>
/// DoReMi on planted clusters: an easy cluster most of the prior (learnt in a few steps by any model), a learnable but
/// slower cluster (a fixed 20-letter successor cycle) that the prior under-weights, and a cluster of uniformly random
/// letters (irreducible loss, the same for the proxy and the reference).
/// </summary>
public sealed class DoReMiTests(ITestOutputHelper output) : IDisposable
{
    private const int Easy = 0;
    private const int Learnable = 1;
    private const int Noise = 2;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "climb-doremi-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task UpWeightsTheLearnableUnderTrainedClusterAndNotTheNoise()
    {
        using var store = await PlantedStoreAsync();
        var prior = MixtureWeights.Normalize(store.TokenCounts.Select(c => (double)c));
        var trainer = new DoReMiTrainer(Options(), FromBase(store, "planted"));
        var result = await trainer.RunAsync(store, prior, seed: 3, workDirectory: Path.Combine(_dir, "work"));
        Report(prior, result);

        // The learnable cluster gains weight over both the prior and uniform; the noise cluster loses weight against both.
        Assert.True(result.Weights[Learnable] > Math.Max(prior[Learnable], 1.0 / 3), $"learnable cluster: DoReMi {result.Weights[Learnable]:F3}, prior {prior[Learnable]:F3}");
        Assert.True(result.Weights[Noise] < Math.Min(prior[Noise], 1.0 / 3), $"noise cluster: DoReMi {result.Weights[Noise]:F3}, prior {prior[Noise]:F3}");
        Assert.Equal(result.DroSteps, result.Trajectory.Count);
        Assert.Equal(Options().TotalTokenBudget, result.TokensTrained);
    }

    [Fact]
    public async Task AKilledRunResumesFromItsLastCheckpointAndEndsAsAnUninterruptedOne()
    {
        using var store = await PlantedStoreAsync();
        var prior = MixtureWeights.Normalize(store.TokenCounts.Select(c => (double)c));

        var proxy = FromBase(store, "resume");
        var options = new DoReMiSearchStrategyOptions { TotalTokenBudget = 2 * 24 * 12 * 32, CheckpointInterval = 10, TrajectoryInterval = 1 };
        var whole = await new DoReMiTrainer(options, proxy).RunAsync(store, prior, seed: 5, workDirectory: Path.Combine(_dir, "whole"));

        string work = Path.Combine(_dir, "killed");
        using var cts = new CancellationTokenSource();
        var killAt15 = new SyncProgress(p =>
        {
            if (p.Phase == "doremi-dro" && p.Step == 15)
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new DoReMiTrainer(options, proxy).RunAsync(store, prior, 5, work, killAt15, cts.Token));
        var resumed = await new DoReMiTrainer(options, proxy).RunAsync(store, prior, seed: 5, workDirectory: work);

        Assert.Equal(10, resumed.ResumedFromStep);
        Assert.Equal(Enumerable.Range(1, whole.DroSteps), resumed.Trajectory.Select(s => s.Step));
        Assert.Equal(whole.Weights.ToArray(), resumed.Weights.ToArray());
        Assert.Equal(whole.Trajectory.Select(s => s.Weights.ToArray()), resumed.Trajectory.Select(s => s.Weights.ToArray()));

        // Finished: reloaded, not retrained. Another configuration is refused rather than mixed in.
        var reloaded = await new DoReMiTrainer(options, proxy).RunAsync(store, prior, seed: 5, workDirectory: work);
        Assert.Equal(-1, reloaded.ResumedFromStep);
        Assert.Equal(whole.Weights.ToArray(), reloaded.Weights.ToArray());
        var other = new DoReMiSearchStrategyOptions { TotalTokenBudget = options.TotalTokenBudget, StepSize = 0.5 };
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new DoReMiTrainer(other, proxy).RunAsync(store, prior, seed: 5, workDirectory: work));
        Assert.Contains("another configuration", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AsASearchStrategyItAnswersWithTheDroWeightsMeasuresThemOnceAndReportsItsTokens()
    {
        using var store = await PlantedStoreAsync();
        var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c));
        var options = new DoReMiSearchStrategyOptions { TotalTokenBudget = 2 * 16 * 12 * 32 };
        var strategy = new DoReMiSearchStrategy(options, Proxy());
        var search = new MixtureSearch(strategy, new MixtureSearchOptions { Seed = 2 });
        var measured = new List<MixtureWeights>();
        Task<ProxyResult> Measure(MixtureWeights m, int seed, CancellationToken ct)
        {
            measured.Add(m);
            return Task.FromResult(new ProxyResult { Mixture = m, Seed = seed, Objective = 1 - m[Learnable], Goal = ObjectiveGoal.Minimize, TokensTrained = 1000 });
        }

        var unbound = await Assert.ThrowsAsync<InvalidOperationException>(() => search.RunAsync(prior, Measure));
        Assert.Contains("Bind", unbound.Message, StringComparison.Ordinal);

        var bound = strategy.Bind(store, Path.Combine(_dir, "strategy"));
        var result = await new MixtureSearch(bound, new MixtureSearchOptions { Seed = 2 }).RunAsync(prior, Measure);
        var doremi = Assert.IsType<DoReMiResult>(bound.LastResult);
        Assert.Null(strategy.LastResult); // binding returned a bound copy and left the strategy as it was
        Assert.Equal(strategy.Identity, bound.Identity);
        Assert.Equal(doremi.Weights, result.Mixture);
        Assert.Equal([doremi.Weights], measured);
        Assert.Equal(options.TotalTokenBudget, result.Answer.StrategyTokensTrained);
        Assert.StartsWith("DoReMi", result.Answer.Method, StringComparison.Ordinal);
        Assert.StartsWith("doremi:", strategy.Identity, StringComparison.Ordinal);
        Assert.NotEqual(strategy.Identity, new DoReMiSearchStrategy(new DoReMiSearchStrategyOptions { TotalTokenBudget = options.TotalTokenBudget, Smoothing = 0.01 }, Proxy()).Identity);
    }

    /// <summary>The tiny proxy warm-started from a saved initialisation: every run starts from the same weights whatever else uses torch's global RNG meanwhile.</summary>
    private TorchSharpProxyTrainerOptions FromBase(TokenizedClusterStore store, string name)
    {
        string path = Path.Combine(_dir, name + "-base.pt");
        var proxy = Proxy();
        lock (DevicePlacement.SeedLock) // torch's generator is global: unlocked, a run seeding beside this one would get other weights
        {
            TorchSharp.torch.manual_seed(17);
            using var model = new ProxyTransformer(proxy.Model, store.ModelVocabularySize);
            model.save(path);
        }

        proxy.BaseCheckpointPath = path;
        return proxy;
    }

    private static DoReMiSearchStrategyOptions Options() => new() { TotalTokenBudget = 2 * 100 * 12 * 32, CheckpointInterval = 25 };

    private static TorchSharpProxyTrainerOptions Proxy() => new()
    {
        Model = new ProxyModelOptions { Layers = 1, ModelDimension = 32, Heads = 2, ContextLength = 32 },
        BatchSize = 12,
        Device = ComputeDevice.Cpu,
    };

    private void Report(MixtureWeights prior, DoReMiResult result)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"prior {prior}  DoReMi {result.Weights}  final {result.FinalWeights}  reference loss {result.ReferenceFinalLoss:F3}  tokens {result.TokensTrained}"));
        foreach (var s in result.Trajectory.Where((_, i) => i % 10 == 0 || i == result.Trajectory.Count - 1))
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {s.Step,4}: alpha [{string.Join(", ", s.Weights.Select(w => w.ToString("F3", CultureInfo.InvariantCulture)))}]  excess [{string.Join(", ", s.ExcessLoss.Select(w => w.ToString("F3", CultureInfo.InvariantCulture)))}]  loss {s.Loss:F3}"));
        }
    }

    /// <summary>Builds the three planted clusters (byte tokens, compacted vocabulary).</summary>
    private async Task<TokenizedClusterStore> PlantedStoreAsync()
    {
        var random = new Random(11);
        var upper = "ABCDEFGHIJKLMNOPQRST".ToCharArray();
        var cycle = upper.OrderBy(_ => random.Next()).ToArray();
        var successor = new Dictionary<char, char>();
        for (int i = 0; i < cycle.Length; i++)
        {
            successor[cycle[i]] = cycle[(i + 1) % cycle.Length];
        }

        var easy = Enumerable.Range(0, 50).Select(i => Doc("easy", i, string.Concat(Enumerable.Repeat("abcd", 60)))).ToList();
        var learnable = Enumerable.Range(0, 20).Select(i =>
        {
            char c = upper[random.Next(upper.Length)];
            var text = new char[240];
            for (int j = 0; j < text.Length; j++)
            {
                text[j] = c;
                c = successor[c];
            }

            return Doc("cycle", i, new string(text));
        }).ToList();
        var noise = Enumerable.Range(0, 30).Select(i => Doc("noise", i, new string(Enumerable.Range(0, 240).Select(_ => (char)('k' + random.Next(16))).ToArray()))).ToList();
        return await TokenizedClusterStore.BuildAsync(
            Path.Combine(_dir, "store"), ByteTokenizer.Instance, [Stream(easy), Stream(learnable), Stream(noise)], new TokenizedClusterStoreOptions { CompactVocabulary = true });
    }

    private sealed class SyncProgress(Action<ProxyTrainingProgress> report) : IProgress<ProxyTrainingProgress>
    {
        public void Report(ProxyTrainingProgress value) => report(value);
    }

    private static Document Doc(string kind, int i, string text) => new($"{kind}-{i}", text);

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> docs)
    {
        foreach (var d in docs)
        {
            await Task.Yield();
            yield return d;
        }
    }
}

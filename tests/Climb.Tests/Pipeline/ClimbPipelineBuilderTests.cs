using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace Climb.Tests.Pipeline;

public class ClimbPipelineBuilderTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("climb-builder-").FullName;

    /// <summary>A real embedder (hashed character trigrams) that counts its calls.</summary>
    private sealed class CountingTrigramEmbedder : IEmbedder
    {
        public int Calls;

        public EmbedderInfo Info { get; } = new("test/trigram-64", 64);

        public Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            var m = new EmbeddingMatrix(texts.Count, 64);
            for (int i = 0; i < texts.Count; i++)
            {
                var row = m[i];
                string t = texts[i];
                for (int j = 0; j + 3 <= t.Length; j++)
                {
                    row[(int)((uint)string.GetHashCode(t.AsSpan(j, 3), StringComparison.Ordinal) % 64)] += 1;
                }

                float norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(row));
                if (norm > 0)
                {
                    System.Numerics.Tensors.TensorPrimitives.Divide(row, norm, row);
                }
            }

            return Task.FromResult(m);
        }
    }

    /// <summary>Wraps the ridge predictor and counts fits, so the test can tell it was the one used.</summary>
    internal sealed class CountingPredictor : IMixturePredictor
    {
        private readonly RidgeMixturePredictor _inner = new();
        public int Fits;

        public string Identity => "counting-ridge";

        public IFittedMixturePredictor Fit(IReadOnlyList<(MixtureWeights Mixture, double Target)> observations, int seed, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Fits);
            return _inner.Fit(observations, seed, cancellationToken);
        }
    }

    [Fact]
    public async Task Custom_embedder_and_predictor_plugged_in_through_the_builder_are_the_ones_used()
    {
        var embedder = new CountingTrigramEmbedder();
        var predictor = new CountingPredictor();
        var result = await PipelineFixtures.SmallBuilder(TempDir())
            .WithEmbedder(embedder)
            .WithMixturePredictor(_ => predictor)
            .Build()
            .RunAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus), [PipelineFixtures.Target("bible")]);

        Assert.True(embedder.Calls > 0);
        Assert.True(predictor.Fits >= 2); // rounds 2 and 3 are planned with it (and the answer)
        Assert.NotNull(result.Search.Rounds[1].Predictor);
        Assert.Contains("counting-ridge", result.Search.Fingerprint.Length > 0 ? await File.ReadAllTextAsync(Path.Combine(result.ArtifactsFolder, "08-search", "journal.jsonl")) : string.Empty, StringComparison.Ordinal);
        using var store = EmbeddingStore.Open(Path.Combine(result.ArtifactsFolder, "01-embed", "store"));
        Assert.Equal("test/trigram-64", store.ModelId);
    }

    [Fact]
    public void Build_reports_every_problem_at_once()
    {
        var builder = new ClimbPipelineBuilder()
            .Configure(o =>
            {
                o.ClusterCount = 1;
                o.Tokenizer = "nope";
                o.Export.TokenBudget = 0;
            })
            .ConfigureSearch(s => s.RoundBudgets = [8, 0]);
        var ex = Assert.Throws<ValidationException>(() => builder.Build());
        Assert.Contains("ClusterCount", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Tokenizer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("TokenBudget", ex.Message, StringComparison.Ordinal);
        Assert.Contains("RoundBudgets", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_built_builder_is_frozen()
    {
        var builder = new ClimbPipelineBuilder();
        builder.Build();
        var ex = Assert.Throws<InvalidOperationException>(() => builder.WithArtifactsFolder("x"));
        Assert.Contains("after it has been used to build", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_factory_is_reported_with_its_slot()
    {
        var ex = Assert.Throws<ValidationException>(() => new ClimbPipelineBuilder()
            .WithProxyTrainer(_ => throw new InvalidOperationException("no GPU here"))
            .Build());
        Assert.Contains("proxy trainer: no GPU here", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClimb_builds_the_pipeline_from_the_container_with_factories_resolving_services()
    {
        var services = new ServiceCollection();
        var embedder = new CountingTrigramEmbedder();
        services.AddSingleton<IEmbedder>(embedder);
        services.AddClimb(b => b.WithEmbedder(sp => sp.GetRequiredService<IEmbedder>()).WithArtifactsFolder("di-artifacts"));
        using var sp = services.BuildServiceProvider();
        var pipeline = sp.GetRequiredService<ClimbPipeline>();
        Assert.Same(pipeline, sp.GetRequiredService<ClimbPipeline>());
        Assert.Equal("di-artifacts", pipeline.Options.ArtifactsFolder);
    }

    [Fact]
    public void Options_a_plugged_in_component_would_ignore_are_rejected_by_their_host_names()
    {
        var ex = Assert.Throws<ValidationException>(() => new ClimbPipelineBuilder()
            .WithClusterer(new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 12 }))
            .WithOptionNames(new Dictionary<string, string> { ["ClusterCount"] = "--clusters", ["Merging.TargetClusterCount"] = "--super-clusters" })
            .Configure(o =>
            {
                o.ClusterCount = 30;
                o.Merging = new CentroidMergerOptions { TargetClusterCount = 1 };
            })
            .Build());
        Assert.Contains("--clusters is ignored by the plugged-in clusterer", ex.Message, StringComparison.Ordinal);
        Assert.Contains("--super-clusters is 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Component_identities_change_with_every_option_that_changes_the_output()
    {
        Assert.NotEqual(new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 12 }).Identity, new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 16 }).Identity);
        Assert.NotEqual(new KMeansClusterer(new KMeansClustererOptions { Seed = 1 }).Identity, new KMeansClusterer(new KMeansClustererOptions { Seed = 2 }).Identity);
        Assert.Equal(new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 12 }).Identity, new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 12 }).Identity);
        Assert.NotEqual(new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3 }).Identity, new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4 }).Identity);
        Assert.NotEqual(new RuleBasedQualityScorer(new RuleBasedQualityScorerOptions { CodeAware = false }).Identity, new RuleBasedQualityScorer().Identity);
        Assert.NotEqual(new LightGbmMixturePredictor().Identity, new RidgeMixturePredictor().Identity);
    }

    /// <summary>Delegates to Best-of-N and counts the rounds it plans, so the test can tell it was the one used.</summary>
    private sealed class CountingStrategy(int n) : IMixtureSearchStrategy
    {
        private readonly BestOfNSearchStrategy _inner = new(n, new DirichletMixtureSampler());
        public int Plans;

        public string Name => "counting";

        public string Identity => "counting:" + _inner.Identity;

        public IReadOnlyList<int> RoundBudgets => _inner.RoundBudgets;

        public MixtureRoundPlan PlanRound(MixtureSearchContext context, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Plans);
            return _inner.PlanRound(context, cancellationToken);
        }

        public MixtureSearchAnswer SelectAnswer(MixtureSearchContext context, CancellationToken cancellationToken) => _inner.SelectAnswer(context, cancellationToken);
    }

    [Fact]
    public async Task A_search_strategy_plugged_in_through_the_builder_is_the_one_the_search_runs()
    {
        var strategy = new CountingStrategy(3);
        var services = new ServiceCollection().AddSingleton(strategy).BuildServiceProvider();
        var stages = await PipelineFixtures.SmallBuilder(TempDir())
            .Configure(o => o.Search = new ClimbSearchStrategyOptions()) // the defaults: nothing the plugged-in strategy would ignore
            .WithServiceProvider(services)
            .WithSearchStrategy(sp => sp.GetRequiredService<CountingStrategy>())
            .Build()
            .RunUntilAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus), [PipelineFixtures.Target("bible")], "search");

        Assert.Equal(1, strategy.Plans);
        string weights = await File.ReadAllTextAsync(Path.Combine(stages.Single(s => s.Stage == "search").Folder, "weights.json"));
        Assert.Contains("\"strategy\": \"counting\"", weights, StringComparison.Ordinal);
        Assert.Equal(3, StageManifest.TryLoad(stages.Single(s => s.Stage == "search").Folder)!.Counts["proxy_runs"], 0);
    }

    [Fact]
    public void Options_a_plugged_in_search_strategy_would_ignore_are_rejected()
    {
        var ex = Assert.Throws<ValidationException>(() => new ClimbPipelineBuilder()
            .WithSearchStrategy(new UniformSearchStrategy())
            .WithMixturePredictor(new RidgeMixturePredictor())
            .WithOptionNames(new Dictionary<string, string> { ["Strategy"] = "--strategy" })
            .Configure(o => o.Strategy = SearchStrategyKind.RegMix)
            .ConfigureSearch(s => s.RoundBudgets = [4, 4])
            .Build());
        Assert.Contains("--strategy chooses a built-in search strategy, but one is plugged in", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ClimbPipelineOptions.Search and ClimbPipelineOptions.SingleRoundBudget configure the built-in search strategies", ex.Message, StringComparison.Ordinal);
        Assert.Contains("The mixture predictor and sampler slots (and their Use* wrappers) feed the built-in search strategies", ex.Message, StringComparison.Ordinal);
        Assert.Contains("3 problems", ex.Message, StringComparison.Ordinal);
    }
}

namespace Climb.Tests.Pipeline;

/// <summary>
/// <see cref="ClimbPipelineBuilder.Build"/> takes a snapshot of the options: what a caller changes afterwards, in an
/// options object a Configure callback kept or in <see cref="ClimbPipeline.Options"/>, reaches no stage.
/// </summary>
public class FrozenOptionsTests
{
    private static ClimbCorpus Corpus => ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);

    private static TextTarget Target => PipelineFixtures.Target("python");

    [Fact]
    public async Task Changing_the_options_after_Build_moves_neither_kmeans_nor_the_search()
    {
        ClimbPipelineOptions? kept = null;
        ClimbSearchStrategyOptions? keptSearch = null;
        var frozen = Builder(Temp())
            .Configure(o => kept = o)
            .ConfigureSearch(s => keptSearch = s)
            .Build();

        // Every way to reach the options after Build: the builder's own object, its nested objects, and the property.
        kept!.Seed = 7;
        kept.ClusterCount = 12;
        kept.Merging.TargetClusterCount = 3;
        keptSearch!.RoundBudgets = [2];
        frozen.Options.Seed = 9;
        frozen.Options.Search.RoundBudgets.Add(64);
        Assert.Equal(42, frozen.Options.Seed);
        Assert.Equal([4, 4], frozen.Options.Search.RoundBudgets);

        var untouched = await Builder(Temp()).Build().RunUntilAsync(Corpus, [Target], "search");
        var afterChanges = await frozen.RunUntilAsync(Corpus, [Target], "search");
        Assert.Equal(Fingerprints(untouched), Fingerprints(afterChanges));
        Assert.Equal(Assignments(untouched), Assignments(afterChanges));
        Assert.Equal(await Weights(untouched), await Weights(afterChanges));

        // The control: the same seed change made before Build moves k-means and the search, so the comparison above can fail.
        var reseeded = await Builder(Temp()).Configure(o => o.Seed = 7).Build().RunUntilAsync(Corpus, [Target], "cluster");
        Assert.NotEqual(Fingerprints(untouched)["cluster"], Fingerprints(reseeded)["cluster"]);
        Assert.NotEqual(Assignments(untouched), Assignments(reseeded));
    }

    [Fact]
    public void The_options_property_is_a_deep_copy_taken_at_Build()
    {
        var options = new CentroidMergerOptions { TargetClusterCount = 5 };
        var pipeline = new ClimbPipelineBuilder().Configure(o => o.Merging = options).Build();
        options.TargetClusterCount = 9;
        var first = pipeline.Options;
        first.Merging.TargetClusterCount = 11;
        Assert.Equal(5, pipeline.Options.Merging.TargetClusterCount);
        Assert.NotSame(pipeline.Options, pipeline.Options);
        Assert.NotSame(pipeline.Options.Merging, pipeline.Options.Merging);
    }

    private static ClimbPipelineBuilder Builder(string dir) => PipelineFixtures.SmallBuilder(dir)
        .ConfigureSearch(s => s.RoundBudgets = [4, 4]);

    private static string Temp() => Path.Combine(Directory.CreateTempSubdirectory("climb-frozen-").FullName, "artifacts");

    private static Dictionary<string, string> Fingerprints(IReadOnlyList<StageReport> stages) =>
        stages.ToDictionary(s => s.Stage, s => StageManifest.TryLoad(s.Folder)!.Fingerprint);

    private static byte[] Assignments(IReadOnlyList<StageReport> stages) =>
        File.ReadAllBytes(Path.Combine(stages.Single(s => s.Stage == "cluster").Folder, "assignments.i32"));

    private static async Task<string> Weights(IReadOnlyList<StageReport> stages) =>
        await File.ReadAllTextAsync(Path.Combine(stages.Single(s => s.Stage == "search").Folder, "weights.json"));
}

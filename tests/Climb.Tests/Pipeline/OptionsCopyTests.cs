namespace Climb.Tests.Pipeline;

/// <summary>The one way options are copied: every setting survives, and nothing is shared with the original.</summary>
public class OptionsCopyTests
{
    [Fact]
    public void A_copy_of_the_pipeline_options_keeps_every_setting_and_shares_no_object()
    {
        var original = new ClimbPipelineOptions
        {
            ArtifactsFolder = "elsewhere",
            ClusterCount = 77,
            Seed = 5,
            Device = ComputeDevice.Cpu,
            Pruning = ClusterPrunerOptions.NvidiaRecipe(),
            Merging = new CentroidMergerOptions { TargetClusterCount = 9, Linkage = CentroidLinkage.Average },
            Tokenizer = "byte",
            Strategy = SearchStrategyKind.RegMix,
            SingleRoundBudget = 33,
            Executor = ExecutorKind.Slurm,
            Slurm = new SlurmExecutorOptions { Partition = "gpu", ExtraArguments = ["--qos=high"], TimeLimit = TimeSpan.FromMinutes(30) },
            Proxy = ProxyKind.NGram,
        };
        original.Search.RoundBudgets = [3, 2, 1];
        original.ProxyTraining.Model.Layers = 5;
        original.Slurm.Setup.Add("module load cuda");
        original.Export.Seed = 11;

        var copy = OptionsCopy.Clone(original);

        Assert.Equal(ComponentIdentity.Of("options", original), ComponentIdentity.Of("options", copy));
        Assert.NotSame(original.Search, copy.Search);
        Assert.NotSame(original.Search.RoundBudgets, copy.Search.RoundBudgets);
        Assert.NotSame(original.ProxyTraining.Model, copy.ProxyTraining.Model);
        Assert.NotSame(original.Pruning.Quality, copy.Pruning.Quality);
        Assert.NotSame(original.Slurm.Setup, copy.Slurm.Setup);
        copy.Search.RoundBudgets[0] = 99;
        copy.ProxyTraining.Model.Layers = 1;
        copy.Slurm.Setup.Add("more");
        Assert.Equal([3, 2, 1], original.Search.RoundBudgets);
        Assert.Equal(5, original.ProxyTraining.Model.Layers);
        Assert.Single(original.Slurm.Setup);
    }

    [Fact]
    public void A_matrix_in_the_options_is_copied_by_value()
    {
        var centroids = EmbeddingMatrix.FromRows([[1f, 0f], [0f, 1f]]);
        var copy = OptionsCopy.Clone(new KMeansClustererOptions { ClusterCount = 2, InitialCentroids = centroids });
        Assert.NotSame(centroids, copy.InitialCentroids);
        Assert.Equal(centroids.Data.ToArray(), copy.InitialCentroids!.Data.ToArray());
        Assert.Equal(2, copy.ClusterCount);
    }

    [Fact]
    public void A_value_it_cannot_copy_is_refused_with_its_path()
    {
        var ex = Assert.Throws<NotSupportedException>(() => OptionsCopy.Clone(new Holder { Value = new Uri("https://example.org") }));
        Assert.Contains("Holder.Value", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>An options class holding a value of a kind the copy does not know.</summary>
    public sealed class Holder
    {
        public object? Value { get; set; }
    }
}

using System.Diagnostics;

namespace Climb.Tests.Pipeline;

/// <summary>The stage table is the one list of stages: names, folder numbers, the run order, the fingerprints that fold
/// in every upstream stage, and the command line's subcommands follow from it.</summary>
public class StageTableTests
{
    private static ClimbCorpus Corpus => ClimbCorpus.FromDocuments(PipelineFixtures.Corpus.Take(40).ToList());

    [Fact]
    public void Stages_are_numbered_in_table_order_and_read_only_earlier_stages()
    {
        var stages = ClimbPipeline.Stages;
        Assert.Equal(Enumerable.Range(1, stages.Count), stages.Select(s => s.Number));
        Assert.Equal(stages.Select(s => s.Name), ClimbPipeline.StageNames);
        Assert.Equal(stages.Count, stages.Select(s => s.Name).Distinct().Count());
        Assert.Equal("01-embed", stages[0].FolderName);
        Assert.Equal($"{stages.Count:D2}-{stages[^1].Name}", stages[^1].FolderName);

        var graph = Pipeline(_ => { }).CreateStages(Corpus, [PipelineFixtures.Target("python")]);
        Assert.Equal(ClimbPipeline.StageNames, graph.Stages.Select(s => s.Name));
        foreach (var stage in graph.Stages)
        {
            Assert.All(stage.Upstream, u => Assert.True(u.Definition.Number < stage.Definition.Number, $"{stage.Name} reads {u.Name}, which runs later"));
        }
    }

    [Theory]
    [InlineData("Export", "export,report")]
    [InlineData("ExportBudget", "search,export,report")] // the budget bounds every mixture (feasibility's TargetTokens defaults to it)
    [InlineData("Merging", "merge,tokenize,proxy-data,search,export,report")]
    [InlineData("Pruning", "prune,merge,tokenize,proxy-data,search,export,report")]
    [InlineData("Seed", "cluster,prune,merge,tokenize,proxy-data,search,export,report")]
    public void A_changed_option_changes_the_fingerprint_of_its_stage_and_of_every_stage_downstream_only(string option, string changed)
    {
        var baseline = Fingerprints(_ => { });
        var after = Fingerprints(o =>
        {
            switch (option)
            {
                case "Export": o.Export.Seed += 1; break;
                case "ExportBudget": o.Export.TokenBudget += 1; break;
                case "Merging": o.Merging.TargetClusterCount = 5; break;
                case "Pruning": o.Pruning.MinClusterSize = 2; break;
                case "Seed": o.Seed = 7; break;
            }
        });
        var differ = ClimbPipeline.StageNames.Where(s => baseline[s] != after[s]);
        Assert.Equal(changed.Split(','), differ);
    }

    [Fact]
    public void A_stage_fingerprint_folds_in_the_fingerprint_of_every_upstream_stage()
    {
        // The report stage reads seven stages; a change in any of them (here the clusterer, upstream of prune and report)
        // reaches it through the fold, not through one chosen upstream.
        var a = Fingerprints(_ => { }, new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 6, Seed = 1 }));
        var b = Fingerprints(_ => { }, new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 6, Seed = 2 }));
        Assert.Equal(a["embed"], b["embed"]);
        Assert.Equal(a["score"], b["score"]);
        Assert.All(ClimbPipeline.StageNames.Except(["embed", "score"]), s => Assert.NotEqual(a[s], b[s]));
    }

    [Fact]
    public async Task The_command_line_has_run_and_one_command_per_stage_in_table_order()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliInterruptTests.CliDll);
        psi.ArgumentList.Add("--help");
        psi.Environment["NO_COLOR"] = "1";
        using var p = Process.Start(psi)!;
        string help = await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        var commands = help[help.IndexOf("Commands:", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).Where(l => l.Length > 2 && l.StartsWith("  ", StringComparison.Ordinal) && l[2] != ' ').Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Equal(["run", .. ClimbPipeline.StageNames], commands.Take(ClimbPipeline.StageNames.Count + 1));
        Assert.Contains("worker", commands);
        Assert.Equal(commands.Count, commands.Distinct().Count());
        string flat = string.Join(' ', help.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"(stages 1-{ClimbPipeline.Stages.Count}, the same as run)", flat, StringComparison.Ordinal);
    }

    private static ClimbPipeline Pipeline(Action<ClimbPipelineOptions> configure, IClusterer? clusterer = null)
    {
        var builder = PipelineFixtures.SmallBuilder(Path.Combine(Path.GetTempPath(), "climb-never-written")).Configure(configure);
        if (clusterer is not null)
        {
            builder.Configure(o => o.ClusterCount = null).WithClusterer(clusterer);
        }

        return builder.Build();
    }

    private static Dictionary<string, string> Fingerprints(Action<ClimbPipelineOptions> configure, IClusterer? clusterer = null) =>
        Pipeline(configure, clusterer).CreateStages(Corpus, [PipelineFixtures.Target("python")]).Stages.ToDictionary(s => s.Name, s => s.Fingerprint);
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Climb.Tests.Pipeline;

namespace Climb.Tests.ProxyTraining;

/// <summary>The command proxy inside the pipeline with the shipped PyTorch sample (samples/ExternalProxy), and the helpers of the pipeline tests.</summary>
public class CommandProxyPipelineTests
{
    internal static ClimbPipelineBuilder Builder(string artifacts, string command, int parallel = 1) => new ClimbPipelineBuilder()
        .WithArtifactsFolder(artifacts)
        .Configure(o =>
        {
            o.ClusterCount = 24;
            o.Merging = new CentroidMergerOptions { TargetClusterCount = 6 };
            o.Tokenizer = "byte";
            o.Export = new MixedDatasetExporterOptions { TokenBudget = 200_000, ShardCount = 2 };
            o.Proxy = ProxyKind.Command;
            o.CommandProxy.Command = command;
            o.ProxyParallelism = parallel;
        })
        .ConfigureSearch(s =>
        {
            s.RoundBudgets = [4, 2];
            s.CandidatePoolSize = 2_000;
            s.TopCandidatesMinimum = 32;
        });

    [PythonTorchFact]
    public async Task The_sample_trainer_gives_the_same_result_for_the_same_seed_and_follows_the_mixture()
    {
        string dir = CommandProxyTestData.TempDir("sample-seed");
        var (store, targets, data) = await CommandProxyTestData.CreateAsync(dir, ["0: bible", "1: python", "2: fortunes"]);
        var options = new CommandProxyTrainerOptions { Command = PythonTorch.Template(PythonTorch.Python!), DataFolder = data };
        double[] python = [0.1, 0.8, 0.1], bible = [0.8, 0.1, 0.1];

        double Run(double[] w, int seed, string work) => new CommandProxyTrainer(With(options, Path.Combine(dir, work)))
            .TrainAsync(CommandProxyTestData.Request(store, targets, seed, w)).GetAwaiter().GetResult().Objective;

        double a = Run(python, 3, "a"), b = Run(python, 3, "b"), c = Run(python, 4, "c"), d = Run(bible, 3, "d");
        Assert.Equal(a, b); // separate work folders: trained twice, the same to the last bit
        Assert.NotEqual(a, c);
        Assert.True(a < d, $"a mixture of mostly python ({a}) scores the python target better than one of mostly bible ({d})");
    }

    [PythonTorchFact]
    [Trait("Category", "Slow")] // a minute or more on two busy cores; the default suite runs the pipeline with the tests' own trainer (CommandProxyKnownFunctionTests)
    public async Task The_shipped_pytorch_sample_runs_as_the_proxy_of_a_whole_pipeline()
    {
        string dir = CommandProxyTestData.TempDir("pipeline-sample");
        string artifacts = Path.Combine(dir, "artifacts");

        var result = await Builder(artifacts, PythonTorch.Template(PythonTorch.Python!), parallel: 2).Build()
            .RunAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus), [PipelineFixtures.Target("python")]);

        Assert.Empty(result.Search.Failures);
        Assert.Equal(4 + 2, result.Search.ProxyResults.Count);
        Assert.Equal(3, result.Search.Noise?.Objectives.Count); // the noise replicates ran too
        Assert.All(result.Search.ProxyResults, r =>
        {
            Assert.Equal(ObjectiveGoal.Minimize, r.Goal);
            Assert.True(double.IsFinite(r.Objective) && r.Objective is > 0 and < 6, $"objective {r.Objective} (nats per byte)");
            Assert.StartsWith("command proxy-", r.ProxyConfiguration, StringComparison.Ordinal);
        });
        Assert.True(result.Search.ProxyResults.Select(r => r.Objective).Distinct().Count() > 5, "the objective follows the mixture and the seed");
        var journal = File.ReadAllLines(Path.Combine(artifacts, "08-search", "journal.jsonl")).Skip(1).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        Assert.All(journal, l => Assert.Equal("result", l["kind"]!.GetValue<string>()));
        Assert.True(journal.Count >= 9, $"{journal.Count} runs journaled");
        Assert.Equal(journal.Count, Directory.GetFiles(Path.Combine(artifacts, "08-search", "command"), "outcome.json", SearchOption.AllDirectories).Length);
        foreach (var line in journal)
        {
            string folder = Path.Combine(artifacts, "08-search", "command", line["proxyConfiguration"]!.GetValue<string>()["command ".Length..]);
            Assert.True(File.Exists(Path.Combine(folder, "result.json")), folder); // every journaled run names its folder
        }

        var data = JsonNode.Parse(File.ReadAllText(Path.Combine(artifacts, "07-proxy-data", "data.json")))!;
        Assert.Equal(result.ComponentNames, data["super_clusters"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        AssertFeasible(artifacts);
    }

    /// <summary>Every weight of the answer is within the data's bound (weights.json's max_weight).</summary>
    internal static void AssertFeasible(string artifacts)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "weights.json")));
        var components = doc.RootElement.GetProperty("components").EnumerateArray().ToList();
        Assert.Equal(1.0, components.Sum(c => c.GetProperty("weight").GetDouble()), 9);
        Assert.All(components, c => Assert.True(
            c.GetProperty("weight").GetDouble() <= c.GetProperty("max_weight").GetDouble() + 1e-9,
            $"{c.GetProperty("name")}: weight {c.GetProperty("weight")} above its bound {c.GetProperty("max_weight")}"));
    }

    private static CommandProxyTrainerOptions With(CommandProxyTrainerOptions o, string work) => new()
    {
        Command = o.Command,
        DataFolder = o.DataFolder,
        WorkDirectory = work,
    };
}

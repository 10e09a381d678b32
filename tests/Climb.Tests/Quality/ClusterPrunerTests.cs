using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Climb.Tests.Quality;

public sealed class ClusterPrunerTests
{
    private static readonly QualityScores Good = new(4.5f, 5f, 4f, 4f);

    [Fact]
    public void Presets_carry_the_published_thresholds()
    {
        var paper = ClusterPrunerOptions.Paper();
        foreach (var rule in new[] { paper.Quality, paper.Advertisement, paper.InformationalValue, paper.EducationalValue })
        {
            Assert.Equal(3.0f, rule.Threshold);
            Assert.Equal(ClusterAggregate.MeanScore, rule.Aggregate);
        }

        var nvidia = ClusterPrunerOptions.NvidiaRecipe();
        Assert.Equal(2.0f, nvidia.Advertisement.Threshold);
        Assert.Equal(1.0f, nvidia.Quality.Threshold);
        Assert.Equal(1.0f, nvidia.InformationalValue.Threshold);
        Assert.Equal(1.0f, nvidia.EducationalValue.Threshold);
        Assert.All(new[] { nvidia.Quality, nvidia.Advertisement, nvidia.InformationalValue, nvidia.EducationalValue },
            r => Assert.Equal(ClusterAggregate.MeanLabel, r.Aggregate));
    }

    [Fact]
    public void Drops_clusters_below_a_threshold_with_the_criterion_and_values()
    {
        // cluster 0 good, cluster 1 adverts, cluster 2 low informational value, cluster 3 empty, cluster 4 tiny
        var assignments = new List<int>();
        var scores = new List<QualityScores>();
        void Add(int cluster, QualityScores s, int n)
        {
            for (var i = 0; i < n; i++)
            {
                assignments.Add(cluster);
                scores.Add(s);
            }
        }

        Add(0, Good, 10);
        Add(1, new QualityScores(3.5f, 1.0f, 3.2f, 2.9f), 8);
        Add(2, new QualityScores(3.2f, 5f, 1.5f, 3.1f), 6);
        Add(4, Good, 2);
        var docs = assignments.Select((c, i) => new Document($"d{i}", $"text of document {i} in cluster {c}")).ToList();

        var options = ClusterPrunerOptions.Paper();
        options.MinClusterSize = 3;
        var result = new ClusterPruner(options).Prune(assignments, scores, docs, clusterCount: 5);

        Assert.Equal([0], result.KeptClusterIds);
        Assert.Equal([1, 2, 3, 4], result.DroppedClusterIds);
        Assert.Equal(10, result.KeptDocuments);
        Assert.Equal(16, result.DroppedDocuments);

        var ads = result.Clusters[1];
        Assert.Equal(2, ads.Reasons.Count);
        Assert.Contains(ads.Reasons, r => r.Criterion == "Advertisement" && Math.Abs(r.Value - 1.0) < 1e-6 && r.Threshold == 3.0);
        Assert.Contains(ads.Reasons, r => r.Criterion == "EducationalValue" && Math.Abs(r.Value - 2.9) < 1e-5);
        Assert.Equal("InformationalValue", Assert.Single(result.Clusters[2].Reasons).Criterion);
        Assert.Equal("Size", Assert.Single(result.Clusters[3].Reasons).Criterion);
        Assert.Equal(0, result.Clusters[3].Size);
        Assert.Equal("size 2 < 3", Assert.Single(result.Clusters[4].Reasons).ToString());
        Assert.True(result.IsKept(0));
        Assert.False(result.IsKept(1));

        Assert.Equal(3, result.Clusters[0].Samples.Count);
        Assert.All(result.Clusters[1].Samples, s => Assert.Contains("in cluster 1", s.Snippet, StringComparison.Ordinal));
        Assert.Equal(3, result.Clusters[1].Samples.Select(s => s.Id).Distinct().Count());
    }

    [Fact]
    public void Mean_label_and_mean_score_aggregates_differ_as_documented()
    {
        // Three documents at 1.6 (label 2): mean score 1.6, mean label 2.0.
        int[] assignments = [0, 0, 0];
        var scores = Enumerable.Repeat(new QualityScores(4, 1.6f, 4, 4), 3).ToList();

        var byScore = new ClusterPrunerOptions { Advertisement = new() { Threshold = 2.0f, Aggregate = ClusterAggregate.MeanScore } };
        var byLabel = new ClusterPrunerOptions { Advertisement = new() { Threshold = 2.0f, Aggregate = ClusterAggregate.MeanLabel } };

        var droppedByScore = new ClusterPruner(byScore).Prune(assignments, scores);
        var keptByLabel = new ClusterPruner(byLabel).Prune(assignments, scores);

        Assert.Equal([0], droppedByScore.DroppedClusterIds);
        Assert.Equal([0], keptByLabel.KeptClusterIds);
        Assert.Equal(2.0f, keptByLabel.Clusters[0].MeanLabels.Advertisement);
        Assert.Equal(1.6f, keptByLabel.Clusters[0].MeanScores.Advertisement, 5);
        Assert.Equal(3, ClusterPruner.Label(2.5f));
        Assert.Equal(2, ClusterPruner.Label(2.49f));
        Assert.Equal(0, ClusterPruner.Label(0.4f));
    }

    [Fact]
    public void A_null_threshold_ignores_the_criterion()
    {
        var options = ClusterPrunerOptions.Paper();
        options.EducationalValue.Threshold = null;
        var result = new ClusterPruner(options).Prune([0, 0], [new QualityScores(4, 4, 4, 0), new QualityScores(4, 4, 4, 0)]);
        Assert.Equal([0], result.KeptClusterIds);
    }

    [Fact]
    public async Task Report_lists_every_cluster_with_reasons_in_markdown_and_json()
    {
        var result = new ClusterPruner(ClusterPrunerOptions.Paper()).Prune(
            [0, 0, 1, 1],
            [Good, Good, new QualityScores(1, 5, 1, 1), new QualityScores(1, 5, 1, 1)],
            [new("a", "fine prose"), new("b", "more | prose"), new("c", "404 page not found"), new("d", "asdf jkl")]);

        var md = result.ToMarkdown();
        Assert.Contains("Kept 1 of 2 clusters", md, StringComparison.Ordinal);
        Assert.Contains("| 1 | 2 | no |", md, StringComparison.Ordinal);
        Assert.Contains("Quality mean score 1.00 < 3.00", md, StringComparison.Ordinal);
        Assert.Contains("404 page not found", md, StringComparison.Ordinal);
        Assert.Contains("more \\| prose", md, StringComparison.Ordinal);

        var dir = Path.Combine(Path.GetTempPath(), "climb-prune-" + Guid.NewGuid().ToString("N"));
        try
        {
            await result.WriteReportAsync(dir);
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "pruning.json")));
            Assert.Equal(1, json.RootElement.GetProperty("droppedClusterIds")[0].GetInt32());
            var cluster1 = json.RootElement.GetProperty("clusters")[1];
            Assert.False(cluster1.GetProperty("Kept").GetBoolean());
            Assert.Equal(3, cluster1.GetProperty("Reasons").GetArrayLength());
            Assert.Equal("MeanScore", cluster1.GetProperty("Reasons")[0].GetProperty("Aggregate").GetString());
            Assert.True(File.Exists(Path.Combine(dir, "pruning.md")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bad_input_is_rejected_before_work()
    {
        var pruner = new ClusterPruner();
        Assert.Throws<ArgumentException>(() => pruner.Prune([0, 1], [Good]));
        Assert.Throws<ArgumentException>(() => pruner.Prune([0, -1], [Good, Good]));
        Assert.Throws<ArgumentException>(() => pruner.Prune([0, 3], [Good, Good], clusterCount: 3));
        Assert.Throws<ArgumentException>(() => pruner.Prune([0], [new QualityScores(6, 0, 0, 0)]));
        Assert.Throws<ArgumentException>(() => pruner.Prune([0], [Good], [new("a", "x"), new("b", "y")]));
        var bad = new ClusterPrunerOptions { MinClusterSize = -1, Quality = new() { Threshold = 7 } };
        var ex = Assert.Throws<ValidationException>(() => new ClusterPruner(bad));
        Assert.Contains("MinClusterSize", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Quality.Threshold", ex.Message, StringComparison.Ordinal);
    }
}

namespace Climb.Tests.Pipeline;

/// <summary>Wrong inputs end with a clear message and no partial artifact presented as complete.</summary>
public class ClimbPipelineInputErrorTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("climb-errors-").FullName;

    private static void AssertNothingComplete(string artifacts)
    {
        foreach (string folder in Directory.Exists(artifacts) ? Directory.GetDirectories(artifacts) : [])
        {
            var m = StageManifest.TryLoad(folder);
            Assert.True(m is null || !m.Complete || Path.GetFileName(folder) == "01-embed", $"{folder} is marked complete");
        }
    }

    [Fact]
    public void Missing_corpus_names_the_path()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => ClimbCorpus.FromFiles(["/no/such/corpus.jsonl"]));
        Assert.Contains("/no/such/corpus.jsonl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_corpus_is_a_clear_error_and_leaves_no_complete_stage()
    {
        string dir = TempDir();
        string file = Path.Combine(dir, "empty.jsonl");
        await File.WriteAllTextAsync(file, "{\"id\":\"a\",\"text\":\"   \"}\n");
        string artifacts = Path.Combine(dir, "art");
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PipelineFixtures.SmallBuilder(artifacts).Build().RunAsync(ClimbCorpus.FromFiles([file]), [PipelineFixtures.Target("bible")]));
        Assert.Contains("no documents", ex.Message, StringComparison.Ordinal);
        Assert.Contains("1 empty", ex.Message, StringComparison.Ordinal);
        Assert.False(StageManifest.TryLoad(Path.Combine(artifacts, "01-embed")) is { Complete: true });
    }

    [Fact]
    public async Task Target_file_in_the_wrong_format_names_file_and_line()
    {
        string file = Path.Combine(TempDir(), "target.jsonl");
        await File.WriteAllTextAsync(file, "{\"text\":\"fine\"}\nthis is not json\n");
        var ex = Assert.ThrowsAny<Exception>(() => TextTarget.FromJsonl("t", file));
        Assert.Contains(file, ex.Message, StringComparison.Ordinal);
        Assert.Contains(":2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_budget_of_zero_is_refused_before_any_work()
    {
        string artifacts = Path.Combine(TempDir(), "art");
        var ex = Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() =>
            PipelineFixtures.SmallBuilder(artifacts).ConfigureSearch(s => s.RoundBudgets = [0]).Build());
        Assert.Contains("RoundBudgets", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(artifacts));
    }

    [Fact]
    public async Task More_clusters_than_documents_is_a_clear_error_and_the_cluster_stage_is_not_complete()
    {
        string artifacts = TempDir();
        var few = PipelineFixtures.Corpus.Take(30).ToList();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() =>
            PipelineFixtures.SmallBuilder(artifacts).Configure(o => o.ClusterCount = 50).Build().RunAsync(ClimbCorpus.FromDocuments(few), [PipelineFixtures.Target("bible")]));
        Assert.Contains("50", ex.Message, StringComparison.Ordinal);
        Assert.Contains("30", ex.Message, StringComparison.Ordinal);
        AssertNothingComplete(artifacts);
        Assert.False(StageManifest.TryLoad(Path.Combine(artifacts, "02-cluster")) is { Complete: true });
    }
}

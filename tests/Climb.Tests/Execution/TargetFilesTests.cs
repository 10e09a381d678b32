namespace Climb.Tests.Execution;

/// <summary>The targets a worker on another node reads back are the targets the search fingerprinted.</summary>
public class TargetFilesTests
{
    [Fact]
    public void Both_kinds_of_target_round_trip_through_the_worker_file_with_the_same_content_fingerprint()
    {
        EvaluationTarget[] targets =
        [
            new TextTarget("prose", ["first text", "second\ntext with ünïcode"], weight: 0.5),
            new MultipleChoiceTarget("quiz", [new MultipleChoiceItem("Question: 1+1?\nAnswer:", ["2", "3", "11"], 0), new MultipleChoiceItem("Q2", ["a", "b"], 1)], weight: 2),
        ];
        string folder = Directory.CreateTempSubdirectory("climb-targets-").FullName;
        string path = ProxyWorkFiles.WriteTargets(folder, targets);
        var read = ProxyWorkFiles.ReadTargets(path);

        Assert.Equal(targets.Select(t => t.ContentFingerprint()), read.Select(t => t.ContentFingerprint()));
        Assert.Equal([typeof(TextTarget), typeof(MultipleChoiceTarget)], read.Select(t => t.GetType()));
        Assert.Equal(path, ProxyWorkFiles.WriteTargets(folder, read)); // the same content names the same file

        // The fingerprint sees every scored item: a changed label is another target.
        var relabelled = new MultipleChoiceTarget("quiz", [new MultipleChoiceItem("Question: 1+1?\nAnswer:", ["2", "3", "11"], 1), new MultipleChoiceItem("Q2", ["a", "b"], 1)], weight: 2);
        Assert.NotEqual(targets[1].ContentFingerprint(), relabelled.ContentFingerprint());
    }

    [Fact]
    public void A_target_file_with_an_unknown_kind_is_refused_with_its_path()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("climb-targets-").FullName, "targets.json");
        File.WriteAllText(path, """[{"type":"audio","name":"x","weight":1}]""");
        var ex = Assert.Throws<InvalidDataException>(() => ProxyWorkFiles.ReadTargets(path));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'audio'", ex.Message, StringComparison.Ordinal);
    }
}

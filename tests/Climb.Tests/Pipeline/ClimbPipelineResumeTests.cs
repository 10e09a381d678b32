namespace Climb.Tests.Pipeline;

/// <summary>Interrupting a run at any stage and running again gives the same weights and recomputes nothing complete.</summary>
public class ClimbPipelineResumeTests
{
    private static readonly Lazy<Task<double[]>> Reference = new(async () =>
    {
        string dir = Directory.CreateTempSubdirectory("climb-ref-").FullName;
        var r = await PipelineFixtures.SmallBuilder(dir).Build().RunAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus), [PipelineFixtures.Target("python")]);
        return r.Mixture.ToArray();
    });

    public static TheoryData<string> Stages => new(ClimbPipeline.StageNames.Where(s => s != "report"));

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task Interrupted_at_a_stage_then_rerun_gives_the_same_weights_and_reuses_earlier_stages(string stage)
    {
        string dir = Directory.CreateTempSubdirectory("climb-resume-").FullName;
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var target = PipelineFixtures.Target("python");

        // Stop inside the stage: at its second progress report (mid-stage), or its first when it reports once.
        using var cts = new CancellationTokenSource();
        int seen = 0;
        var progress = new CallbackProgress(p =>
        {
            if (p.Stage == stage && ++seen == (stage is "search" or "embed" or "tokenize" or "score" ? 2 : 1))
            {
                cts.Cancel();
            }
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PipelineFixtures.SmallBuilder(dir).Build().RunAsync(corpus, [target], progress, cts.Token));
        Assert.False(StageManifest.TryLoad(Path.Combine(dir, $"{ClimbPipeline.StageNames.ToList().IndexOf(stage) + 1:D2}-{stage}")) is { Complete: true });

        var resumed = await PipelineFixtures.SmallBuilder(dir).Build().RunAsync(corpus, [target]);
        var outcomes = resumed.Stages.ToDictionary(s => s.Stage, s => s.Outcome);
        foreach (string earlier in ClimbPipeline.StageNames.TakeWhile(s => s != stage))
        {
            Assert.Equal(StageOutcome.Reused, outcomes[earlier]);
        }

        Assert.NotEqual(StageOutcome.Reused, outcomes[stage]);
        Assert.Equal(await Reference.Value, resumed.Mixture.ToArray());
    }

    private sealed class CallbackProgress(Action<ClimbProgress> callback) : IProgress<ClimbProgress>
    {
        public void Report(ClimbProgress value) => callback(value);
    }
}

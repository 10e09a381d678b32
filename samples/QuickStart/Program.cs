using Climb;

// The bundled multi-domain sample corpus and a held-out target: text the final mixture should model well.
var corpus = ClimbCorpus.SampleCorpus();
var target = TextTarget.FromJsonl("computing", "data/sample-targets/computing.jsonl.gz");

ClimbPipeline pipeline = new ClimbPipelineBuilder()
    .WithArtifactsFolder("quickstart-artifacts")          // every stage is saved here; re-runs resume
    .Configure(o => o.ClusterCount = 64)                  // K_init (the paper uses 1000 on billions of tokens)
    .ConfigureSearch(s => s.RoundBudgets = [32, 16, 8])   // proxy runs per CLIMB round
    .Build();                                             // unset stages get the defaults

ClimbResult result = await pipeline.RunAsync(corpus, [target],
    progress: new Progress<ClimbProgress>(p => Console.WriteLine(p)));

for (int i = 0; i < result.Mixture.Count; i++)
{
    Console.WriteLine($"{result.Mixture[i]:0.000}  {result.ComponentNames[i]}");
}

Console.WriteLine($"report: {result.ReportPath}");

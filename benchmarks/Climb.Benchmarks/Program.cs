using BenchmarkDotNet.Running;

// Side-by-side peer runs (Climb against FAISS, PyTorch, ...) are plain commands: `-- <name> [options]`.
// Everything else goes to BenchmarkDotNet: `-- --filter '*Name*'`.
var commands = new Dictionary<string, Func<string[], Task<int>>>(StringComparer.Ordinal)
{
    ["kmeans-peers"] = Climb.Benchmarks.Clustering.KMeansPeersCommand.RunAsync,
    ["proxy"] = Climb.Benchmarks.ProxyTraining.ProxyTrainingBenchmark.RunAsync,
    ["search"] = a => Task.FromResult(Climb.Benchmarks.Search.SearchBench.Run(a)),
    ["quality"] = Climb.Benchmarks.Quality.QualityThroughputCommand.RunAsync,
    ["evidence"] = Climb.Benchmarks.Evidence.EvidenceExperiment.MainAsync,
    ["answer-dev"] = Climb.Benchmarks.Search.AnswerDevExperiment.RunAsync,
    ["evidence-power"] = Climb.Benchmarks.Evidence.PowerBenchmark.MainAsync,
    ["unknown-words"] = Climb.Benchmarks.Embedding.UnknownWordsCommand.RunAsync,
    ["unknown-words-speed"] = Climb.Benchmarks.Embedding.UnknownWordSpeedCommand.RunAsync,
    ["regmix-swarm"] = Climb.Benchmarks.Prediction.RegMixSwarmBenchmark.RunAsync,
    ["encoder-speed"] = Climb.Benchmarks.Embedding.EncoderSpeedCommand.RunAsync,
    ["embedder-table"] = Climb.Benchmarks.Embedding.EmbedderTableCommand.RunAsync,
};

if (args.Length > 0 && commands.TryGetValue(args[0], out var command))
{
    return await command(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

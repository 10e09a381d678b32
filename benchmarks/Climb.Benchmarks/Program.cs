using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "kmeans-peers")
{
    return await Climb.Benchmarks.Clustering.KMeansPeersCommand.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

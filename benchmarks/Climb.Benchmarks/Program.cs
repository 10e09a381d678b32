using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "proxy")
{
    return await Climb.Benchmarks.ProxyTraining.ProxyTrainingBenchmark.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

using BenchmarkDotNet.Running;

if (args.Length > 0 && args[0] == "evidence")
{
    return await Climb.Benchmarks.Evidence.EvidenceExperiment.MainAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

using System.Globalization;
using Climb.GpuCheck;

// Climb's three CUDA paths, each compared with the CPU. Usage:
//   Climb.GpuCheck [--device auto|cuda|cpu] [--n N] [--d D] [--k K] [--iterations I] [--check-rows R]
// --device cuda: every check must run on CUDA (a path that cannot fails, saying why).
// --device cpu:  the CPU fallback: every check runs its device path on the CPU and compares it with the CPU path or a reference.
// --device auto (default): CUDA where the path can use it, else the CPU fallback, saying why.
// Prints one line per check and a verdict; exits 1 when a check fails.
var arg = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i + 1 < args.Length; i += 2)
{
    arg[args[i].TrimStart('-')] = args[i + 1];
}

string mode = arg.GetValueOrDefault("device", "auto");
if (mode is not ("auto" or "cuda" or "cpu"))
{
    Console.Error.WriteLine($"--device {mode}: expected auto, cuda or cpu.");
    return 2;
}

OnnxEmbeddingCheck.UseOnnxRuntimeFrom(Environment.GetEnvironmentVariable("CLIMB_ORT_DIR"));
Console.WriteLine($"gpu-check: device={mode}; host {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
var results = new List<CheckResult>
{
    KMeansCheck.Run(mode, arg),
    ProxyStepCheck.Run(mode),
    await OnnxEmbeddingCheck.RunAsync(mode),
};

int failed = results.Count(r => !r.Passed);
int onCuda = results.Count(r => r.OnCuda);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gpu-check: {(failed == 0 ? "PASS" : "FAIL")} ({results.Count - failed}/{results.Count} checks agree; {onCuda} ran on CUDA, {results.Count - onCuda} on the CPU)"));
return failed == 0 ? 0 : 1;

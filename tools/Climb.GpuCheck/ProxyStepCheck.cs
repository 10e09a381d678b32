using System.Globalization;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Climb.GpuCheck;

/// <summary>
/// Check 2: one TorchSharp proxy training step (<see cref="ProxyTrainingStep"/>: forward, backward, clip, AdamW) of the
/// proxy transformer on CUDA against the same step on the CPU, from the same weights on the same batch: the loss before
/// the step and the loss after it, in fp32 and with the bf16 matrix products the trainer uses on CUDA. In the CPU
/// fallback the step runs twice on the CPU from fresh models, which must agree bitwise (the trainer's CPU promise).
/// libtorch is the machine's own (the script sets LD_LIBRARY_PATH); CUDA needs a CUDA build of it.
/// </summary>
internal static class ProxyStepCheck
{
    private const int Vocabulary = 256, Batch = 8, Context = 64, Seed = 7;

    /// <summary>Runs the check and prints its line.</summary>
    /// <param name="mode">auto, cuda or cpu.</param>
    /// <returns>The result.</returns>
    public static CheckResult Run(string mode)
    {
        const string Name = "2/3 proxy training step (TorchSharp)";
        var options = new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 2, ModelDimension = 64, Heads = 4, ContextLength = Context },
            BatchSize = Batch,
            Device = ComputeDevice.Cpu,
        };
        (double Before, double After) cpu;
        try
        {
            cpu = Step(options, torch.CPU, lowPrecision: false);
        }
        catch (Exception ex)
        {
            return new CheckResult(Name, false, false, $"libtorch did not run on the CPU ({CheckResult.Reason(ex)}); LD_LIBRARY_PATH={Environment.GetEnvironmentVariable("LD_LIBRARY_PATH")}").Print();
        }

        string libtorch = LibTorchLocation();
        string? whyNotCuda = mode == "cpu" ? null : WhyNoCuda();
        if (mode == "cpu" || whyNotCuda is not null)
        {
            if (mode == "cuda")
            {
                return new CheckResult(Name, false, false, whyNotCuda!).Print();
            }

            var again = Step(options, torch.CPU, lowPrecision: false);
            bool same = again == cpu;
            return new CheckResult(Name, same, false, string.Create(CultureInfo.InvariantCulture,
                $"libtorch {libtorch}{(whyNotCuda is null ? string.Empty : $" (CPU fallback: {whyNotCuda})")}; two CPU runs of the step: loss {cpu.Before:G9} -> {cpu.After:G9} and {again.Before:G9} -> {again.After:G9} ({(same ? "bitwise equal" : "DIFFER")})")).Print();
        }

        try
        {
            var device = torch.device(DeviceType.CUDA, 0);
            var fp32 = Step(options, device, lowPrecision: false);
            var bf16 = Step(options, device, lowPrecision: true);
            double d32 = Math.Max(Math.Abs(fp32.Before - cpu.Before), Math.Abs(fp32.After - cpu.After));
            double d16 = Math.Max(Math.Abs(bf16.Before - cpu.Before), Math.Abs(bf16.After - cpu.After)) / cpu.Before;
            bool learned = cpu.After < cpu.Before && fp32.After < fp32.Before;
            bool ok = d32 <= 1e-3 && d16 <= 2e-2 && learned;
            return new CheckResult(Name, ok, true, string.Create(CultureInfo.InvariantCulture,
                $"{torch.cuda.device_count()} CUDA device(s), libtorch {libtorch}; loss before -> after the step: CPU {cpu.Before:F5} -> {cpu.After:F5}, CUDA fp32 {fp32.Before:F5} -> {fp32.After:F5} (max |Δ| {d32:G3}, ≤ 1e-3), CUDA bf16 {bf16.Before:F5} -> {bf16.After:F5} (max relative |Δ| {d16:G3}, ≤ 2e-2)")).Print();
        }
        catch (Exception ex)
        {
            return new CheckResult(Name, false, true, "the CUDA step threw " + CheckResult.Reason(ex)).Print();
        }
    }

    /// <summary>One step from the seeded weights on a fixed batch: the loss before it and the loss after it.</summary>
    private static (double Before, double After) Step(TorchSharpProxyTrainerOptions options, Device device, bool lowPrecision)
    {
        ProxyTransformer created;
        lock (DevicePlacement.SeedLock)
        {
            torch.manual_seed(Seed);
            created = new ProxyTransformer(options.Model, Vocabulary);
        }

        using var model = created;
        model.to(device);
        model.LowPrecision = lowPrecision;
        using var optimizer = ProxyTrainingStep.CreateOptimizer(model, options);
        var ids = new long[Batch * (Context + 1)];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = ((i / (Context + 1) * 31) + (i % (Context + 1) * 7)) % Vocabulary; // rows of an arithmetic progression: learnable
        }

        model.train();
        double before;
        using (torch.NewDisposeScope())
        {
            before = ProxyTrainingStep.Run(model, optimizer, ProxyTrainingStep.NextTokenLoss(model, ids, Batch, Context, Vocabulary, device), options.LearningRate, options);
        }

        using (torch.NewDisposeScope())
        using (torch.no_grad())
        {
            return (before, ProxyTrainingStep.NextTokenLoss(model, ids, Batch, Context, Vocabulary, device).item<float>());
        }
    }

    /// <summary>Why torch cannot use CUDA here, or null when it can.</summary>
    private static string? WhyNoCuda()
    {
        try
        {
            if (torch.cuda.is_available())
            {
                return null;
            }
        }
        catch (Exception ex)
        {
            return "torch's CUDA backend did not load: " + CheckResult.Reason(ex);
        }

        string? cudaLib = FindOnLibraryPath("libtorch_cuda.so");
        if (cudaLib is null)
        {
            return "no libtorch_cuda.so on LD_LIBRARY_PATH: this libtorch is a CPU build (the NuGet mirror serves only libtorch-cpu-linux-x64 2.10.0, no libtorch-cuda package); point CLIMB_LIBTORCH_DIR at a CUDA libtorch's lib folder (python3's torch/lib on the GPU machine)";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(cudaLib));
        }
        catch (Exception ex)
        {
            return $"{cudaLib} does not load: {CheckResult.Reason(ex)}";
        }

        return $"{cudaLib} loads, but torch.cuda.is_available() is false (no driver or GPU, or this libtorch's version differs from the 2.10 TorchSharp 0.107 was built for)";
    }

    private static string LibTorchLocation() => (FindOnLibraryPath("libtorch_cpu.so") is { } p ? Path.GetDirectoryName(p) : null) ?? "found by the loader";

    private static string? FindOnLibraryPath(string file) =>
        (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, file)).FirstOrDefault(File.Exists);
}

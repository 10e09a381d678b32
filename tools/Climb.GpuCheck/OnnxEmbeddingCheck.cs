using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;

namespace Climb.GpuCheck;

/// <summary>
/// Check 3: an <see cref="OnnxEmbedder"/> batch on ONNX Runtime's CUDA execution provider against the same batch on the
/// CPU, with the tiny BERT of the embedder tests (built in). The CPU vectors are first checked against torch's own
/// vectors for that model (tests/Climb.Tests/Fixtures/tiny-bert/expected.json), so the CPU fallback compares the CPU
/// path with that reference. The CUDA provider is not in the bundled (CPU) ONNX Runtime: CLIMB_ORT_DIR names a folder
/// with the natives of Microsoft.ML.OnnxRuntime.Gpu.Linux (libonnxruntime.so, libonnxruntime_providers_shared.so,
/// libonnxruntime_providers_cuda.so), which the runner then loads instead.
/// </summary>
internal static class OnnxEmbeddingCheck
{
    private static string? _ortDirectory;

    /// <summary>Makes ONNX Runtime load from <paramref name="directory"/> (the GPU build) instead of the bundled CPU build.</summary>
    /// <param name="directory">The folder, or null/empty for the bundled library.</param>
    public static void UseOnnxRuntimeFrom(string? directory)
    {
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        _ortDirectory = directory;
        NativeLibrary.SetDllImportResolver(typeof(InferenceSession).Assembly, (name, _, _) =>
            name.Contains("onnxruntime", StringComparison.Ordinal) && !name.Contains("providers", StringComparison.Ordinal)
                ? NativeLibrary.Load(Path.Combine(directory, "libonnxruntime.so"))
                : IntPtr.Zero);
    }

    /// <summary>Runs the check and prints its line.</summary>
    /// <param name="mode">auto, cuda or cpu.</param>
    /// <returns>The result.</returns>
    public static async Task<CheckResult> RunAsync(string mode)
    {
        const string Name = "3/3 ONNX embedding batch (ONNX Runtime)";
        string dir = Path.Combine(Path.GetTempPath(), "climb-gpu-check-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        try
        {
            foreach (string file in new[] { "model.onnx", "vocab.txt", "expected.json" })
            {
                using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream("tiny-bert/" + file)!;
                using var target = File.Create(Path.Combine(dir, file));
                await resource.CopyToAsync(target).ConfigureAwait(false);
            }

            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir, "expected.json")).ConfigureAwait(false));
            int maxTokens = json.RootElement.GetProperty("maxTokens").GetInt32();
            var cases = json.RootElement.GetProperty("cases").EnumerateArray().ToList();
            var texts = cases.Select(c => c.GetProperty("text").GetString()!).ToList();
            var reference = cases.Select(c => c.GetProperty("mean").EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToList();

            EmbeddingMatrix cpu;
            try
            {
                using var cpuEmbedder = Create(dir, maxTokens, ComputeDevice.Cpu);
                cpu = await cpuEmbedder.EmbedAsync(texts).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                return new CheckResult(Name, false, false, "ONNX Runtime did not run on the CPU: " + CheckResult.Reason(ex)).Print();
            }

            var perText = Differences(cpu, reference);
            double cpuVsTorch = perText.Max();
            string worst = cpuVsTorch <= 1e-4 ? string.Empty : $" (worst on '{texts[Array.IndexOf(perText, cpuVsTorch)]}')";
            string batch = $"{texts.Count} texts, tiny BERT d={cpu.Dimension}, ONNX Runtime {OrtVersion()}{(_ortDirectory is null ? " (bundled CPU build)" : $" from {_ortDirectory}")}";
            string? whyNotCuda = null;
            EmbeddingMatrix? gpu = null;
            string gpuDevice = string.Empty;
            if (mode != "cpu")
            {
                try
                {
                    using var gpuEmbedder = Create(dir, maxTokens, ComputeDevice.Cuda);
                    gpuDevice = gpuEmbedder.Device;
                    gpu = await gpuEmbedder.EmbedAsync(texts).ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    whyNotCuda = WhyNoCuda(ex);
                }
            }

            if (gpu is null)
            {
                bool ok = mode != "cuda" && cpuVsTorch <= 1e-4;
                return new CheckResult(Name, ok, false, string.Create(CultureInfo.InvariantCulture,
                    $"{batch}{(whyNotCuda is null ? string.Empty : $" (CPU fallback: {whyNotCuda})")}; CPU mean-pooled vectors vs torch's reference: max |Δ| {cpuVsTorch:G3}{worst} (≤ 1e-4)")).Print();
            }

            double gpuVsCpu = 0;
            for (int r = 0; r < cpu.Rows; r++)
            {
                for (int j = 0; j < cpu.Dimension; j++)
                {
                    gpuVsCpu = Math.Max(gpuVsCpu, Math.Abs(gpu[r][j] - cpu[r][j]));
                }
            }

            return new CheckResult(Name, gpuVsCpu <= 1e-3 && cpuVsTorch <= 1e-4, true, string.Create(CultureInfo.InvariantCulture,
                $"{batch} on {gpuDevice}; CUDA vs CPU vectors: max |Δ| {gpuVsCpu:G3} (≤ 1e-3); CPU vs torch's reference: max |Δ| {cpuVsTorch:G3}{worst} (≤ 1e-4)")).Print();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static OnnxEmbedder Create(string dir, int maxTokens, ComputeDevice device) => new(new OnnxEmbedderOptions
    {
        ModelPath = Path.Combine(dir, "model.onnx"),
        Pooling = OnnxPooling.Mean,
        Normalize = false,
        MaxTokens = maxTokens,
        BatchSize = 8,
        Device = device,
    });

    private static double MaxDifference(EmbeddingMatrix actual, IReadOnlyList<float[]> expected) => Differences(actual, expected).Max();

    private static double[] Differences(EmbeddingMatrix actual, IReadOnlyList<float[]> expected)
    {
        var max = new double[expected.Count];
        for (int r = 0; r < expected.Count; r++)
        {
            for (int j = 0; j < expected[r].Length; j++)
            {
                max[r] = Math.Max(max[r], Math.Abs(actual[r][j] - expected[r][j]));
            }
        }

        return max;
    }

    private static string OrtVersion()
    {
        try
        {
            return OrtEnv.Instance().GetVersionString();
        }
        catch (Exception ex) when (ex is OnnxRuntimeException or DllNotFoundException or EntryPointNotFoundException)
        {
            return "?";
        }
    }

    /// <summary>Why the CUDA execution provider did not start: its library is missing, or one of its CUDA dependencies is.</summary>
    private static string WhyNoCuda(Exception ex)
    {
        if (_ortDirectory is null)
        {
            return "the bundled ONNX Runtime is the CPU build (its CUDA provider, libonnxruntime_providers_cuda.so from NuGet Microsoft.ML.OnnxRuntime.Gpu.Linux, is far larger than the 64 MiB bundle); set CLIMB_ORT_DIR to a folder with that package's runtimes/linux-x64/native files";
        }

        string provider = Path.Combine(_ortDirectory, "libonnxruntime_providers_cuda.so");
        if (!File.Exists(provider))
        {
            return $"{provider} does not exist";
        }

        try
        {
            NativeLibrary.Free(NativeLibrary.Load(provider));
        }
        catch (Exception loadError)
        {
            return $"{provider} does not load: {CheckResult.Reason(loadError)}";
        }

        return "the CUDA execution provider did not start: " + CheckResult.Reason(ex);
    }
}

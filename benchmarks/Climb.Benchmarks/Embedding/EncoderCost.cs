using System.Globalization;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// The arithmetic of a BERT encoder and the CPU's peak, for stating what fraction of the peak an encoder reaches.
/// FLOPs per token of a batch padded to length L: 2 × (4 d² + 2 d f) per layer for the dense layers (Q, K, V, output;
/// two feed-forward matrices), plus 4 L d per layer for the attention scores and the weighted sum of values; layer norms,
/// softmax, GELU and the embedding lookup are a few percent of that and not counted (so the fraction is a lower bound).
/// </summary>
internal static class EncoderCost
{
    /// <summary>all-MiniLM-L6-v2 and arctic-embed-xs (fine-tuned from it): 6 layers, hidden 384, feed-forward 1536.</summary>
    public const int Layers = 6;
    public const int Hidden = 384;
    public const int FeedForward = 1536;

    public static double FlopsPerToken(int paddedLength) =>
        Layers * (2.0 * (4.0 * Hidden * Hidden + 2.0 * Hidden * FeedForward) + 4.0 * paddedLength * Hidden);

    /// <summary>FLOPs of one batch of <paramref name="rows"/> sequences padded to <paramref name="length"/>.</summary>
    public static double BatchFlops(int rows, int length) => rows * (double)length * FlopsPerToken(length);

    /// <summary>
    /// Peak single-precision FLOP/s: cores × FMA units (2, as on Zen 2-4 and Intel server cores since Skylake-SP) ×
    /// lanes (16 with AVX-512, 8 with AVX2) × 2 (a fused multiply-add is two FLOPs) × clock. The clock is the one
    /// /proc/cpuinfo reports (under a hypervisor, the nominal one; boost can be higher).
    /// </summary>
    public static (double FlopsPerSecond, string Formula) CpuPeak()
    {
        string info = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : string.Empty;
        string flags = info.Split('\n').FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)) ?? string.Empty;
        int lanes = flags.Contains(" avx512f", StringComparison.Ordinal) ? 16 : flags.Contains(" avx2", StringComparison.Ordinal) && flags.Contains(" fma", StringComparison.Ordinal) ? 8 : 4;
        string mhzLine = info.Split('\n').FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal)) ?? "cpu MHz : 0";
        double ghz = double.Parse(mhzLine.Split(':')[1].Trim(), CultureInfo.InvariantCulture) / 1000;
        int cores = Environment.ProcessorCount;
        double peak = cores * 2.0 * lanes * 2.0 * ghz * 1e9;
        string isa = lanes == 16 ? "AVX-512" : lanes == 8 ? "AVX2" : "SSE";
        return (peak, string.Create(CultureInfo.InvariantCulture, $"{cores} cores × 2 FMA units × {lanes} fp32 lanes ({isa}) × 2 × {ghz:0.###} GHz = {peak / 1e9:0.0} GFLOP/s"));
    }

    public static string Cpu()
    {
        string info = File.Exists("/proc/cpuinfo") ? File.ReadAllText("/proc/cpuinfo") : string.Empty;
        return info.Split('\n').FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown CPU";
    }
}

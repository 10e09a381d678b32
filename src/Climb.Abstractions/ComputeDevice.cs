namespace Climb;

/// <summary>Selects where numeric work runs.</summary>
public enum ComputeDevice
{
    /// <summary>CUDA when a usable GPU and runtime are present, otherwise the CPU.</summary>
    Auto = 0,

    /// <summary>The CPU (SIMD, all cores).</summary>
    Cpu = 1,

    /// <summary>An NVIDIA GPU through CUDA; an error if none is available.</summary>
    Cuda = 2,
}

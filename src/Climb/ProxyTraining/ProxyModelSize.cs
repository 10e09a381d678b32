namespace Climb;

/// <summary>Size presets of the proxy transformer.</summary>
public enum ProxyModelSize
{
    /// <summary>About 0.37M parameters with a byte vocabulary: 3 layers, width 96, context 128. For a CPU: about 12k tokens per CPU-second, so a 1M-token proxy takes about 40-80 s on two cores.</summary>
    Tiny = 0,

    /// <summary>About 4.9M parameters with a byte vocabulary: 6 layers, width 256, context 256. About 1k tokens per CPU-second on a CPU (a 1M-token proxy takes about 8 minutes on two cores); better suited to a GPU.</summary>
    Small = 1,

    /// <summary>The paper's 62M proxy shape: 32 layers ("deep and narrow"), width 384, 6 heads, context 2048. A GPU model.</summary>
    Paper62M = 2,

    /// <summary>The paper's 350M proxy shape: 32 layers, width 960, 15 heads, context 2048. A GPU model.</summary>
    Paper350M = 3,
}

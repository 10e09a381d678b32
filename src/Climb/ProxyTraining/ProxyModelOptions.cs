using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The shape of the proxy transformer.</summary>
public sealed class ProxyModelOptions : IValidatableOptions
{
    /// <summary>Gets or sets the number of transformer blocks.</summary>
    /// <value>Default 3 (the <see cref="ProxyModelSize.Tiny"/> preset).</value>
    [Range(1, 256)]
    public int Layers { get; set; } = 3;

    /// <summary>Gets or sets the model (residual stream) width.</summary>
    /// <value>Default 96.</value>
    [Range(8, 65536)]
    public int ModelDimension { get; set; } = 96;

    /// <summary>Gets or sets the number of attention heads (must divide <see cref="ModelDimension"/>, even head width).</summary>
    /// <value>Default 4.</value>
    [Range(1, 1024)]
    public int Heads { get; set; } = 4;

    /// <summary>Gets or sets the MLP expansion ratio.</summary>
    /// <value>Default 4.</value>
    [Range(1, 64)]
    public int MlpRatio { get; set; } = 4;

    /// <summary>Gets or sets the context length (tokens per training sequence).</summary>
    /// <value>Default 128.</value>
    [Range(2, 1 << 20)]
    public int ContextLength { get; set; } = 128;

    /// <summary>Gets or sets the position encoding.</summary>
    /// <value>Default <see cref="PositionEncoding.Learned"/>.</value>
    public PositionEncoding Positions { get; set; } = PositionEncoding.Learned;

    /// <summary>Gets the width of one head.</summary>
    public int HeadDimension => ModelDimension / Heads;

    /// <summary>Creates the options of a preset.</summary>
    /// <param name="size">The preset.</param>
    /// <returns>New options.</returns>
    public static ProxyModelOptions FromPreset(ProxyModelSize size) => size switch
    {
        ProxyModelSize.Tiny => new ProxyModelOptions { Layers = 3, ModelDimension = 96, Heads = 4, ContextLength = 128 },
        ProxyModelSize.Small => new ProxyModelOptions { Layers = 6, ModelDimension = 256, Heads = 4, ContextLength = 256 },
        ProxyModelSize.Paper62M => new ProxyModelOptions { Layers = 32, ModelDimension = 384, Heads = 6, ContextLength = 2048, Positions = PositionEncoding.Rotary },
        ProxyModelSize.Paper350M => new ProxyModelOptions { Layers = 32, ModelDimension = 960, Heads = 15, ContextLength = 2048, Positions = PositionEncoding.Rotary },
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    /// <summary>Gets the number of parameters for a vocabulary (embeddings counted once: they are tied).</summary>
    /// <param name="vocabularySize">The vocabulary size.</param>
    /// <returns>The parameter count.</returns>
    public long ParameterCount(int vocabularySize)
    {
        long d = ModelDimension, f = (long)MlpRatio * ModelDimension;
        long block = (2 * 2 * d) + (d * 3 * d) + (3 * d) + (d * d) + d + (d * f) + f + (f * d) + d;
        return (vocabularySize * d) + (Positions == PositionEncoding.Learned ? ContextLength * d : 0) + (Layers * block) + (2 * d);
    }

    internal string Describe() => $"L{Layers} d{ModelDimension} h{Heads} ctx{ContextLength} {Positions.ToString().ToLowerInvariant()}";

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (ModelDimension % Heads != 0)
        {
            yield return $"Heads ({Heads}) must divide ModelDimension ({ModelDimension}).";
        }
        else if (Positions == PositionEncoding.Rotary && HeadDimension % 2 != 0)
        {
            yield return $"Rotary positions need an even head width, not {HeadDimension}.";
        }
    }
}

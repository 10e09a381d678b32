namespace Climb;

/// <summary>How the transformer encodes positions.</summary>
public enum PositionEncoding
{
    /// <summary>A learned position embedding added to the token embedding.</summary>
    Learned = 0,

    /// <summary>Rotary position embeddings (rotate-half form) on queries and keys.</summary>
    Rotary = 1,
}

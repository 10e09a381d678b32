using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="MixtureMeasurement"/>.</summary>
public sealed class MixtureMeasurementOptions
{
    /// <summary>Gets or sets how many fresh data seeds every mixture is trained with (the same seeds for every mixture, so they compare paired).</summary>
    /// <value>5.</value>
    [Range(1, 10_000)]
    public int Seeds { get; set; } = 5;

    /// <summary>Gets or sets the seed the fresh data seeds derive from (those a search used are skipped).</summary>
    /// <value>0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets how many proxies train at once.</summary>
    /// <value>1.</value>
    [Range(1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = 1;
}

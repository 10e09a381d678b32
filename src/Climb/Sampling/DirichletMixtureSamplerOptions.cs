using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="DirichletMixtureSampler"/> (defaults follow RegMix's <c>synthesize_mixture.py</c>).</summary>
public sealed class DirichletMixtureSamplerOptions : IValidatableOptions
{
    /// <summary>Gets or sets the exponent applied to the token shares before renormalising them into the Dirichlet base measure.</summary>
    /// <value>0.5 (RegMix). 1 keeps the token shares, 0 makes every cluster equally likely.</value>
    [Range(0.0, 10.0)]
    public double Temperature { get; set; } = 0.5;

    /// <summary>Gets or sets the smallest Dirichlet strength (total concentration); small strengths give sparse mixtures.</summary>
    /// <value>0.1 (RegMix).</value>
    [Range(1e-6, 1e6)]
    public double MinimumStrength { get; set; } = 0.1;

    /// <summary>Gets or sets the largest Dirichlet strength; large strengths give mixtures close to the tempered prior.</summary>
    /// <value>5 (RegMix).</value>
    [Range(1e-6, 1e6)]
    public double MaximumStrength { get; set; } = 5.0;

    /// <summary>Gets or sets how many log-spaced strengths lie between the two; each mixture uses one drawn uniformly.</summary>
    /// <value>15 (RegMix).</value>
    [Range(1, 10_000)]
    public int StrengthCount { get; set; } = 15;

    /// <summary>
    /// Gets or sets the largest allowed weight as a multiple of the cluster's (untempered) token share; a mixture with a
    /// weight above it is rejected. It bounds how often a small cluster's tokens would be repeated. 0 disables the cap.
    /// </summary>
    /// <value>15 (RegMix's MAXIMUM_USAGE).</value>
    [Range(0.0, 1e9)]
    public double MaximumPriorMultiple { get; set; } = 15.0;

    /// <summary>Gets or sets the weight below which a (not lower-bounded, not fixed) cluster is dropped to 0 before renormalising.</summary>
    /// <value>2e-4 (RegMix). 0 keeps every weight.</value>
    [Range(0.0, 0.5)]
    public double MinimumWeight { get; set; } = 2e-4;

    /// <summary>Gets or sets whether free weights are rounded to multiples of <see cref="MinimumWeight"/> (then renormalised), as RegMix does.</summary>
    /// <value><see langword="true"/>.</value>
    public bool RoundToMinimumWeight { get; set; } = true;

    /// <summary>Gets or sets the L1 distance under which two mixtures count as duplicates (the later one is dropped).</summary>
    /// <value>1e-5 (RegMix).</value>
    [Range(0.0, 2.0)]
    public double DeduplicationDistance { get; set; } = 1e-5;

    /// <summary>
    /// Gets or sets the fraction of mixtures drawn sparse: on a uniformly chosen subset of 2 to
    /// <see cref="SparseMaximumClusters"/> clusters only (every other free cluster gets 0). This biases the search toward
    /// the sparse mixtures CLIMB's searches end on.
    /// </summary>
    /// <value>0 (plain RegMix sampling).</value>
    [Range(0.0, 1.0)]
    public double SparseFraction { get; set; }

    /// <summary>Gets or sets the largest number of clusters a sparse mixture uses.</summary>
    /// <value>4.</value>
    [Range(2, 1_000_000)]
    public int SparseMaximumClusters { get; set; } = 4;

    /// <summary>Gets per-cluster lower bounds (cluster index → smallest weight). Checked for feasibility before sampling.</summary>
    public Dictionary<int, double> MinimumWeights { get; } = [];

    /// <summary>Gets per-cluster upper bounds (cluster index → largest weight), combined with the prior cap.</summary>
    public Dictionary<int, double> MaximumWeights { get; } = [];

    /// <summary>Gets fixed weights (cluster index → weight) that every mixture carries exactly.</summary>
    public Dictionary<int, double> FixedWeights { get; } = [];

    /// <summary>Gets or sets how many draws per accepted mixture the rejection step may spend before reporting the constraints as too tight.</summary>
    /// <value>10,000.</value>
    [Range(1, int.MaxValue)]
    public int MaximumAttemptsPerMixture { get; set; } = 10_000;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (MinimumStrength > MaximumStrength)
        {
            yield return $"MinimumStrength ({MinimumStrength.ToString(CultureInfo.InvariantCulture)}) exceeds MaximumStrength ({MaximumStrength.ToString(CultureInfo.InvariantCulture)}).";
        }

        foreach (var (name, map) in new[] { ("MinimumWeights", MinimumWeights), ("MaximumWeights", MaximumWeights), ("FixedWeights", FixedWeights) })
        {
            foreach (var (k, v) in map)
            {
                if (k < 0)
                {
                    yield return $"{name} has a negative cluster index {k}.";
                }

                if (!double.IsFinite(v) || v < 0 || v > 1)
                {
                    yield return $"{name}[{k}] = {v.ToString(CultureInfo.InvariantCulture)} is not in [0, 1].";
                }
            }
        }
    }

    internal string Describe()
    {
        static string Map(Dictionary<int, double> m) =>
            string.Join(",", m.OrderBy(p => p.Key).Select(p => p.Key.ToString(CultureInfo.InvariantCulture) + ":" + p.Value.ToString("R", CultureInfo.InvariantCulture)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"dirichlet(t={Temperature:R},s=[{MinimumStrength:R},{MaximumStrength:R}]x{StrengthCount},cap={MaximumPriorMultiple:R},min={MinimumWeight:R},round={RoundToMinimumWeight},dedup={DeduplicationDistance:R},sparse={SparseFraction:R}/{SparseMaximumClusters},lo={Map(MinimumWeights)},hi={Map(MaximumWeights)},fix={Map(FixedWeights)})");
    }
}

using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>How the distance between two groups of fine clusters is defined when merging.</summary>
public enum CentroidLinkage
{
    /// <summary>
    /// Ward's minimum-variance linkage (NVIDIA's CLIMB recipe): merge the pair whose union increases the
    /// within-group sum of squares least. Reported on a Euclidean scale: the Ward distance √(2·ΔSSE / w̄), with ΔSSE the
    /// increase in the within-group sum of squares and w̄ the mean weight of the fine clusters; with equal weights this is
    /// SciPy's Ward distance, the Euclidean distance between two single clusters, so the paper's threshold keeps its meaning.
    /// </summary>
    Ward = 0,

    /// <summary>Average linkage (UPGMA): the size-weighted mean Euclidean distance between the fine centroids of the two groups.</summary>
    Average = 1,
}

/// <summary>Options of the merge stage (<see cref="ClimbPipelineOptions.Merging"/>): how the fine clusters that survive pruning are merged into super-clusters.</summary>
public sealed class CentroidMergerOptions : IValidatableOptions
{
    /// <summary>Gets or sets the linkage.</summary>
    /// <value>Default <see cref="CentroidLinkage.Ward"/>.</value>
    public CentroidLinkage Linkage { get; set; } = CentroidLinkage.Ward;

    /// <summary>
    /// Gets or sets the distance threshold: groups keep merging while the closest pair is at most this far apart
    /// (Euclidean units of the embedding space; for Ward, the Ward distance defined at <see cref="CentroidLinkage.Ward"/>).
    /// Ignored when <see cref="TargetClusterCount"/> is set.
    /// </summary>
    /// <value>Default 1.5 (the paper's threshold).</value>
    [Range(0.0, double.MaxValue)]
    public double DistanceThreshold { get; set; } = 1.5;

    /// <summary>Gets or sets the number of super-clusters to merge down to; when set, it replaces <see cref="DistanceThreshold"/>.</summary>
    /// <value>Default <see langword="null"/> (cut at the threshold).</value>
    [Range(1, int.MaxValue)]
    public int? TargetClusterCount { get; set; }

    /// <summary>Gets or sets whether fine clusters are weighted by their sizes (rows); otherwise each counts as one point, as SciPy's linkage on the bare centroids.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool WeightBySize { get; set; } = true;

    /// <summary>Gets or sets where the pairwise centroid distances are computed.</summary>
    /// <value>Default <see cref="ComputeDevice.Cpu"/> (K ≤ 10 000 takes well under a second there); <see cref="ComputeDevice.Auto"/> uses CUDA when present.</value>
    public ComputeDevice Device { get; set; } = ComputeDevice.Cpu;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (!double.IsFinite(DistanceThreshold))
        {
            yield return "DistanceThreshold must be finite.";
        }

        if (!Enum.IsDefined(Linkage))
        {
            yield return $"Linkage {Linkage} is not a known linkage.";
        }
    }
}

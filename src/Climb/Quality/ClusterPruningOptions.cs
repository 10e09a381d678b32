using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>How a cluster's documents are summarised on one criterion.</summary>
public enum ClusterAggregate
{
    /// <summary>The mean of the documents' scores.</summary>
    MeanScore,

    /// <summary>The mean of the documents' labels: the arg-max class of a classifier such as NVIDIA's fastText
    /// models, which for a regression scorer is the score rounded to the nearest integer (0–5, halves away from zero).</summary>
    MeanLabel,
}

/// <summary>The pruning rule of one criterion: drop a cluster whose aggregate falls below the threshold.</summary>
public sealed class CriterionPruningRule
{
    /// <summary>Gets or sets the threshold (0–5); <see langword="null"/> ignores the criterion.</summary>
    [Range(0.0, 5.0)]
    public float? Threshold { get; set; }

    /// <summary>Gets or sets how the cluster's documents are aggregated.</summary>
    /// <value>The default is <see cref="ClusterAggregate.MeanScore"/>.</value>
    public ClusterAggregate Aggregate { get; set; } = ClusterAggregate.MeanScore;
}

/// <summary>Options of <see cref="ClusterPruner"/>.</summary>
/// <remarks>Use <see cref="Paper"/> or <see cref="NvidiaRecipe"/> for the published settings.</remarks>
public sealed class ClusterPruningOptions : IValidatableOptions
{
    /// <summary>Gets or sets the rule for <see cref="QualityScores.Quality"/>.</summary>
    /// <value>The default is a 3.0 threshold on the mean score.</value>
    public CriterionPruningRule Quality { get; set; } = new() { Threshold = 3.0f };

    /// <summary>Gets or sets the rule for <see cref="QualityScores.Advertisement"/>.</summary>
    /// <value>The default is a 3.0 threshold on the mean score.</value>
    public CriterionPruningRule Advertisement { get; set; } = new() { Threshold = 3.0f };

    /// <summary>Gets or sets the rule for <see cref="QualityScores.InformationalValue"/>.</summary>
    /// <value>The default is a 3.0 threshold on the mean score.</value>
    public CriterionPruningRule InformationalValue { get; set; } = new() { Threshold = 3.0f };

    /// <summary>Gets or sets the rule for <see cref="QualityScores.EducationalValue"/>.</summary>
    /// <value>The default is a 3.0 threshold on the mean score.</value>
    public CriterionPruningRule EducationalValue { get; set; } = new() { Threshold = 3.0f };

    /// <summary>Gets or sets the number of documents a cluster needs to be kept.</summary>
    /// <value>The default is 1 (only empty clusters are dropped for size).</value>
    [Range(0, int.MaxValue)]
    public int MinClusterSize { get; set; } = 1;

    /// <summary>Gets or sets how many sample documents the report shows per cluster.</summary>
    /// <value>The default is 3.</value>
    [Range(0, 1000)]
    public int SamplesPerCluster { get; set; } = 3;

    /// <summary>Gets or sets the length of a sample's text snippet.</summary>
    /// <value>The default is 160 characters.</value>
    [Range(10, 100_000)]
    public int SnippetCharacters { get; set; } = 160;

    /// <summary>The CLIMB paper's setting: drop a cluster whose mean score is below 3.0 on any of the four criteria.</summary>
    /// <returns>New options.</returns>
    public static ClusterPruningOptions Paper() => new();

    /// <summary>NVIDIA's public ClimbLab/ClimbMix recipe: the mean of the per-document labels (arg-max class) must
    /// reach 2.0 for advertisement and 1.0 for quality, informational and educational value.</summary>
    /// <returns>New options.</returns>
    public static ClusterPruningOptions NvidiaRecipe() => new()
    {
        Quality = new() { Threshold = 1.0f, Aggregate = ClusterAggregate.MeanLabel },
        Advertisement = new() { Threshold = 2.0f, Aggregate = ClusterAggregate.MeanLabel },
        InformationalValue = new() { Threshold = 1.0f, Aggregate = ClusterAggregate.MeanLabel },
        EducationalValue = new() { Threshold = 1.0f, Aggregate = ClusterAggregate.MeanLabel },
    };

    internal IEnumerable<(string Name, CriterionPruningRule Rule)> Rules()
    {
        yield return (nameof(Quality), Quality);
        yield return (nameof(Advertisement), Advertisement);
        yield return (nameof(InformationalValue), InformationalValue);
        yield return (nameof(EducationalValue), EducationalValue);
    }

    IEnumerable<string> IValidatableOptions.Validate()
    {
        foreach (var (name, rule) in Rules())
        {
            if (rule is null)
            {
                yield return $"{name} rule must not be null (set its Threshold to null to ignore the criterion).";
            }
            else if (rule.Threshold is { } t && (!float.IsFinite(t) || t < 0 || t > 5))
            {
                yield return $"{name}.Threshold must be within 0-5, got {t}.";
            }
            else if (!Enum.IsDefined(rule.Aggregate))
            {
                yield return $"{name}.Aggregate is not a defined value.";
            }
        }
    }
}

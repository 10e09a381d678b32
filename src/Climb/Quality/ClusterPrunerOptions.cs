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

/// <summary>Options of the prune stage (<see cref="ClimbPipelineOptions.Pruning"/>): which clusters are dropped by their quality scores.</summary>
/// <remarks>Use <see cref="Paper"/> or <see cref="NvidiaRecipe"/> for the published settings.</remarks>
public sealed class ClusterPrunerOptions : IValidatableOptions
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

    /// <summary>Gets or sets the share of all documents above which pruning raises a guard (a warning, or an error
    /// when <see cref="GuardViolationIsError"/> is set); <see langword="null"/> disables this guard.</summary>
    /// <value>The default is 0.5.</value>
    [Range(0.0, 1.0)]
    public double? MaxDroppedFraction { get; set; } = 0.5;

    /// <summary>Gets or sets the share of one language's or one source's documents above which pruning raises a
    /// guard, so a whole domain is never lost silently; <see langword="null"/> disables this guard.</summary>
    /// <value>The default is 0.8.</value>
    [Range(0.0, 1.0)]
    public double? MaxDroppedFractionPerGroup { get; set; } = 0.8;

    /// <summary>Gets or sets the number of documents a language or source needs before its guard applies (a handful
    /// of stray documents is reported but does not raise a guard).</summary>
    /// <value>The default is 20.</value>
    [Range(1, int.MaxValue)]
    public int MinGroupSizeForGuard { get; set; } = 20;

    /// <summary>Gets or sets a value indicating whether a guard violation stops the prune stage with an error
    /// instead of being logged as a warning and listed at the top of its report (<c>pruning.md</c>).</summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool GuardViolationIsError { get; set; }

    /// <summary>Climb's default: drop a cluster whose mean quality or advertisement score is below 3.0, or whose mean
    /// informational value is below 1.0 (pages with no content: error pages, banners, placeholders); educational value
    /// is reported but not used. Informational and educational value need positive evidence, so short literary texts
    /// (quotations, verse, proverbs) score low on them by design and the paper's 3.0 on every criterion would remove
    /// such domains (see docs/quality.md).</summary>
    /// <returns>New options.</returns>
    public static ClusterPrunerOptions Default() => new()
    {
        InformationalValue = new() { Threshold = 1.0f },
        EducationalValue = new() { Threshold = null },
    };

    /// <summary>The CLIMB paper's setting: drop a cluster whose mean score is below 3.0 on any of the four criteria.</summary>
    /// <returns>New options.</returns>
    public static ClusterPrunerOptions Paper() => new();

    /// <summary>NVIDIA's public ClimbLab/ClimbMix recipe: the mean of the per-document labels (arg-max class) must
    /// reach 2.0 for advertisement and 1.0 for quality, informational and educational value.</summary>
    /// <returns>New options.</returns>
    public static ClusterPrunerOptions NvidiaRecipe() => new()
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
        if (MaxDroppedFraction is { } all && (!double.IsFinite(all) || all < 0 || all > 1))
        {
            yield return $"MaxDroppedFraction must be within 0-1, got {all}.";
        }

        if (MaxDroppedFractionPerGroup is { } group && (!double.IsFinite(group) || group < 0 || group > 1))
        {
            yield return $"MaxDroppedFractionPerGroup must be within 0-1, got {group}.";
        }

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

namespace Climb;

/// <summary>What a pipeline run produced, and where its artifacts are.</summary>
public sealed class ClimbResult
{
    /// <summary>Gets the artifacts folder.</summary>
    public required string ArtifactsFolder { get; init; }

    /// <summary>Gets the final mixture over the super-clusters.</summary>
    public required MixtureWeights Mixture { get; init; }

    /// <summary>Gets the names of the super-clusters (the mixture's components), with their top terms.</summary>
    public required IReadOnlyList<string> ComponentNames { get; init; }

    /// <summary>Gets the search: every round, every proxy result, the predictor's held-out Spearman per round.</summary>
    public required MixtureSearchResult Search { get; init; }

    /// <summary>Gets the exported dataset's accounting, or <see langword="null"/> when export was not run.</summary>
    public DatasetExportResult? Dataset { get; init; }

    /// <summary>Gets the path of the HTML report, or <see langword="null"/> when it was not written.</summary>
    public string? ReportPath { get; init; }

    /// <summary>Gets the path of <c>weights.json</c> (the final mixture with component names and token counts).</summary>
    public required string WeightsPath { get; init; }

    /// <summary>Gets what each stage did: run, resumed or reused, and how long it took.</summary>
    public required IReadOnlyList<StageReport> Stages { get; init; }

    /// <summary>Gets the key counts of the run (documents, clusters kept, super-clusters, tokens, ...).</summary>
    public required IReadOnlyDictionary<string, double> Counts { get; init; }
}

/// <summary>How one stage of a run went.</summary>
/// <param name="Stage">The stage's name (for example "embed").</param>
/// <param name="Folder">Its artifacts folder.</param>
/// <param name="Outcome">Whether it ran, was resumed, or was reused from an earlier run.</param>
/// <param name="Elapsed">The time it took in this run.</param>
public sealed record StageReport(string Stage, string Folder, StageOutcome Outcome, TimeSpan Elapsed);

/// <summary>What a stage did in a run.</summary>
public enum StageOutcome
{
    /// <summary>Its complete artifacts matched the fingerprint and were loaded.</summary>
    Reused = 0,

    /// <summary>It ran from scratch.</summary>
    Ran = 1,

    /// <summary>It continued an interrupted run of the same configuration.</summary>
    Resumed = 2,
}

/// <summary>Progress of a pipeline run.</summary>
/// <param name="Stage">The stage running.</param>
/// <param name="Message">What is happening.</param>
/// <param name="Completed">Units done in the stage, when known.</param>
/// <param name="Total">Units in the stage, when known.</param>
public sealed record ClimbProgress(string Stage, string Message, long? Completed = null, long? Total = null)
{
    /// <inheritdoc />
    public override string ToString() => Total is long t && Completed is long c ? $"[{Stage}] {Message} ({c}/{t})" : $"[{Stage}] {Message}";
}

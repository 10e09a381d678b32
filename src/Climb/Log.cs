using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Pipeline-level log events with stable event ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Stage {Stage}: reusing complete artifacts in {Folder}.")]
    public static partial void StageReused(ILogger logger, string stage, string folder);

    [LoggerMessage(1001, LogLevel.Information, "Stage {Stage}: running ({Outcome}) into {Folder}.")]
    public static partial void StageStarting(ILogger logger, string stage, StageOutcome outcome, string folder);

    [LoggerMessage(1002, LogLevel.Information, "Stage {Stage}: done in {Seconds:F1} s.")]
    public static partial void StageCompleted(ILogger logger, string stage, double seconds);

    [LoggerMessage(1003, LogLevel.Warning, "Stage {Stage}: configuration changed; discarding {Folder} and everything downstream.")]
    public static partial void StageInvalidated(ILogger logger, string stage, string folder);

    [LoggerMessage(1004, LogLevel.Information, "Pruning kept {Kept} of {Total} clusters ({KeptDocuments} documents); merged into {SuperClusters} super-clusters.")]
    public static partial void PrunedAndMerged(ILogger logger, int kept, int total, long keptDocuments, int superClusters);

    [LoggerMessage(1005, LogLevel.Information, "Search finished: {Strategy} answer {Mixture}.")]
    public static partial void SearchFinished(ILogger logger, string strategy, string mixture);
}

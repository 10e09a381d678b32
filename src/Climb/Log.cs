using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Pipeline-level log events with stable event ids (the stage runner's are in <see cref="StageLog"/>).</summary>
internal static partial class Log
{
    [LoggerMessage(1004, LogLevel.Information, "Pruning kept {Kept} of {Total} clusters ({KeptDocuments} documents); merged into {SuperClusters} super-clusters.")]
    public static partial void PrunedAndMerged(ILogger logger, int kept, int total, long keptDocuments, int superClusters);

    [LoggerMessage(1005, LogLevel.Information, "Search finished: {Strategy} answer {Mixture}.")]
    public static partial void SearchFinished(ILogger logger, string strategy, string mixture);
}

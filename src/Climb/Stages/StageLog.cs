using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>Stage-runner log events with stable event ids.</summary>
internal static partial class StageLog
{
    [LoggerMessage(1000, LogLevel.Information, "Stage {Stage}: reusing complete artifacts in {Folder}.")]
    public static partial void StageReused(ILogger logger, string stage, string folder);

    [LoggerMessage(1001, LogLevel.Information, "Stage {Stage}: running ({Outcome}) into {Folder}.")]
    public static partial void StageStarting(ILogger logger, string stage, StageOutcome outcome, string folder);

    [LoggerMessage(1002, LogLevel.Information, "Stage {Stage}: done in {Seconds:F1} s.")]
    public static partial void StageCompleted(ILogger logger, string stage, double seconds);

    [LoggerMessage(1003, LogLevel.Warning, "Stage {Stage}: configuration changed since {Folder} was written; it runs again.")]
    public static partial void StageInvalidated(ILogger logger, string stage, string folder);

    [LoggerMessage(1006, LogLevel.Warning, "Stage {Stage}: its artifacts failed verification ({Problem}); it runs again.")]
    public static partial void StageCorrupt(ILogger logger, string stage, string problem);

    [LoggerMessage(1007, LogLevel.Warning, "Stage {Stage}: discarding {Folder}, which depends on a stage that runs again.")]
    public static partial void StageDiscarded(ILogger logger, string stage, string folder);

    [LoggerMessage(1009, LogLevel.Debug, "Stage {Stage}: {Written} of {Files} files hashed while written; the rest were read back to hash them.")]
    public static partial void StageHashed(ILogger logger, string stage, int written, int files);

    [LoggerMessage(1008, LogLevel.Warning, "The artifacts folder {Folder} was last owned by process {Pid} on host {Host}, which exited without releasing it; taking it over.")]
    public static partial void StaleLockTakenOver(ILogger logger, string folder, int pid, string host);
}

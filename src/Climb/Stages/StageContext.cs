using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>What every stage of one run shares: progress, loggers, option names and the artifacts root.</summary>
internal sealed class StageContext(string root, ILoggerFactory loggers, IProgress<ClimbProgress>? progress, IProgress<MixtureSearchRound>? rounds, OptionNames names)
{
    /// <summary>Gets the artifacts root folder.</summary>
    public string Root { get; } = root;

    public ILoggerFactory Loggers { get; } = loggers;

    public OptionNames Names { get; } = names;

    /// <summary>Gets the sink of finished search rounds (for streaming), if any.</summary>
    public IProgress<MixtureSearchRound>? Rounds { get; } = rounds;

    public void Report(string stage, string message, long? done = null, long? total = null) =>
        progress?.Report(new ClimbProgress(stage, message, done, total));

    public ILogger<T> Logger<T>() => Loggers.CreateLogger<T>();
}

namespace Climb;

/// <summary>A unit of work failed on Slurm as many times as allowed, or failed in a way a retry cannot fix.</summary>
public sealed class SlurmJobFailedException : Exception
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="message">The unit, its jobs and the reason of each failure.</param>
    /// <param name="requestPath">The request file.</param>
    public SlurmJobFailedException(string message, string requestPath)
        : base(message)
    {
        RequestPath = requestPath;
    }

    /// <summary>Gets the request file of the unit that failed.</summary>
    public string RequestPath { get; }
}

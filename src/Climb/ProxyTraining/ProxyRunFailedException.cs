namespace Climb;

/// <summary>
/// One proxy run failed in a way that says nothing about the rest of the search: the trainer's command timed out, exited
/// with a non-zero code or wrote a malformed result. A proxy trainer throws it to have the run recorded as a failure (in
/// the search journal, with <see cref="Exception.Message"/> as the reason) while the search goes on; any other exception
/// stops the search.
/// </summary>
public sealed class ProxyRunFailedException : Exception
{
    /// <summary>Initializes the exception.</summary>
    public ProxyRunFailedException()
        : base("The proxy run failed.")
    {
    }

    /// <summary>Initializes the exception.</summary>
    /// <param name="message">Why the run failed (recorded in the search journal): the cause and, for a command, the tail of its standard error.</param>
    public ProxyRunFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception.</summary>
    /// <param name="message">Why the run failed (recorded in the search journal).</param>
    /// <param name="innerException">The exception that caused it.</param>
    public ProxyRunFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}

namespace Climb;

/// <summary>The Slurm setup cannot run the work: a command is missing, a partition is unknown, a requested resource does not exist.</summary>
public sealed class SlurmSetupException : InvalidOperationException
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="message">What is wrong and how to fix it.</param>
    public SlurmSetupException(string message)
        : base(message)
    {
    }
}

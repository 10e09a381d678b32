namespace Climb.Cli;

/// <summary>An error in what the user asked for: printed as one line, no stack trace.</summary>
internal sealed class UserError(string message) : Exception(message);

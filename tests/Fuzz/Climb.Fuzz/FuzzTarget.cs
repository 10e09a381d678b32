namespace Climb.Fuzz;

/// <summary>One parser of outside bytes under fuzzing.</summary>
/// <param name="Name">The target's name on the command line.</param>
/// <param name="Description">What the target parses.</param>
/// <param name="Body">Parses one input; may throw anything.</param>
/// <param name="Documented">Whether an exception is one the parser documents for bad input (a clear error, not a crash).</param>
/// <param name="Seeds">The target's seed inputs (file name, bytes), valid files of its format.</param>
internal sealed record FuzzTarget(
    string Name,
    string Description,
    Action<byte[]> Body,
    Func<Exception, bool> Documented,
    Func<IEnumerable<(string Name, byte[] Bytes)>> Seeds)
{
    /// <summary>Runs one input; a documented exception is the parser's correct answer to bad bytes and is swallowed.</summary>
    public void Execute(byte[] input)
    {
        try
        {
            Body(input);
        }
        catch (Exception ex) when (Documented(ex))
        {
            // A clear error naming the file: what the parser promises for bad input.
        }
    }
}

namespace Climb.Tests.Pipeline;

/// <summary>A fact that needs SIGINT to reach the processes this test process starts. A process started in the
/// background by a non-interactive shell (cmd &amp; without job control) has SIGINT ignored, every child inherits that,
/// and the .NET runtime keeps an inherited ignore, so Ctrl+C could not be simulated: the test then reports itself
/// skipped with that reason instead of failing. CI and a terminal run tests in the foreground, where it runs.</summary>
public sealed class SigintFactAttribute : FactAttribute
{
    public SigintFactAttribute()
    {
        if (SigintIgnored())
        {
            Skip = "SIGINT is ignored in this test process (started in the background by a shell without job control), so the children it starts cannot be interrupted; run the tests in the foreground.";
        }
    }

    private static bool SigintIgnored()
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0;
        }
        catch (IOException)
        {
            return false; // no /proc: assume the default disposition
        }
    }
}

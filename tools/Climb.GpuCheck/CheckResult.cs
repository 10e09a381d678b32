namespace Climb.GpuCheck;

/// <summary>One check's outcome, printed as one line.</summary>
/// <param name="Name">The check.</param>
/// <param name="Passed">Whether the device path agreed with the CPU path or reference.</param>
/// <param name="OnCuda">Whether the device path ran on CUDA (otherwise on the CPU).</param>
/// <param name="Detail">What ran where, what was compared, and why CUDA was not used when it was not.</param>
internal sealed record CheckResult(string Name, bool Passed, bool OnCuda, string Detail)
{
    /// <summary>Prints the line and returns the result.</summary>
    /// <returns>This result.</returns>
    public CheckResult Print()
    {
        Console.WriteLine($"check {Name}: {(Passed ? "PASS" : "FAIL")} on {(OnCuda ? "CUDA" : "CPU")}: {Detail}");
        return this;
    }

    /// <summary>The first line of an exception's message (native loaders append long traces).</summary>
    /// <param name="ex">The exception.</param>
    /// <returns>Its first non-empty line, with the innermost cause when the outer message is generic.</returns>
    public static string Reason(Exception ex)
    {
        var inner = ex;
        while (inner.InnerException is not null && inner.Message.StartsWith("The type initializer", StringComparison.Ordinal))
        {
            inner = inner.InnerException;
        }

        // The loader's own words (a missing dependency, an undefined symbol) beat the generic first line.
        var lines = inner.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? loader = lines.FirstOrDefault(l => l.Contains("cannot open shared object", StringComparison.Ordinal) || l.Contains("undefined symbol", StringComparison.Ordinal) || l.Contains("version `", StringComparison.Ordinal));
        return inner.GetType().Name + ": " + (loader ?? lines.FirstOrDefault());
    }
}

namespace Climb.Cli;

/// <summary>Finds the repository's bundled data from wherever the tool runs.</summary>
internal static class CliPaths
{
    /// <summary>Looks for <paramref name="relative"/> in the current directory, the tool's folder and every folder above them.</summary>
    /// <returns>The full path, or <see langword="null"/> when it is nowhere above.</returns>
    public static string? FindUp(string relative)
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, relative);
                if (File.Exists(candidate) || Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }
}

namespace Climb.Fuzz;

/// <summary>A per-process scratch folder (under CLIMB_FUZZ_TMP, else the temporary folder) for the files a target parses.</summary>
internal static class WorkFolder
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string parent = Environment.GetEnvironmentVariable("CLIMB_FUZZ_TMP") is { Length: > 0 } configured ? configured : Path.GetTempPath();
        string root = Path.Combine(parent, $"climb-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    });

    /// <summary>Gets an emptied sub-folder.</summary>
    public static string Fresh(string name)
    {
        string path = Path.Combine(Root.Value, name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Gets a sub-folder, created once and kept.</summary>
    public static string Kept(string name)
    {
        string path = Path.Combine(Root.Value, name);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Copies every file of a folder into another (flat).</summary>
    public static void CopyFiles(string from, string to)
    {
        foreach (string file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }
    }
}

namespace Climb.Fuzz;

/// <summary>Runs saved inputs through a target without AFL: the CI smoke step and crash triage.</summary>
internal static class Replay
{
    public static int Run(FuzzTarget target, IEnumerable<string> paths)
    {
        int inputs = 0, failures = 0;
        foreach (string file in paths.SelectMany(Expand))
        {
            inputs++;
            try
            {
                target.Execute(File.ReadAllBytes(file));
            }
#pragma warning disable CA1031 // report every undocumented exception, whatever its type
            catch (Exception ex)
#pragma warning restore CA1031
            {
                failures++;
                Console.Error.WriteLine($"{target.Name}: {file}: undocumented {ex.GetType().FullName}: {ex.Message}");
                Console.Error.WriteLine(ex.StackTrace);
            }
        }

        Console.WriteLine($"{target.Name}: {inputs} inputs replayed, {failures} with an undocumented exception.");
        return failures == 0 ? 0 : 1;
    }

    /// <summary>Prints, per input, what the parser answered: ok, or the exception's type and its inner exception's type.</summary>
    public static int Classify(FuzzTarget target, IEnumerable<string> paths)
    {
        foreach (string file in paths.SelectMany(Expand))
        {
            string outcome;
            try
            {
                target.Body(File.ReadAllBytes(file));
                outcome = "ok";
            }
#pragma warning disable CA1031 // classification reports every exception
            catch (Exception ex)
#pragma warning restore CA1031
            {
                outcome = $"{(target.Documented(ex) ? "documented" : "UNDOCUMENTED")} {ex.GetType().Name} <- {ex.InnerException?.GetType().Name ?? "-"}: {ex.Message.ReplaceLineEndings(" ")}";
            }

            Console.WriteLine($"{file}\t{outcome}");
        }

        return 0;
    }

    private static IEnumerable<string> Expand(string path) =>
        Directory.Exists(path)
            ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                .Where(f => !Path.GetFileName(f).StartsWith('.') && !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith("README.txt", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
            : [path];
}

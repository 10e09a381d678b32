namespace Climb.Tests;

/// <summary>Locates the repository and its bundled data from the test output folder.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> LazyRoot = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Climb.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Climb.sln not found above " + AppContext.BaseDirectory);
    });

    public static string Root => LazyRoot.Value;

    /// <summary>Gets the folder with the committed sample corpus.</summary>
    public static string SampleCorpus => Path.Combine(Root, "data", "sample-corpus");

    /// <summary>
    /// Gets the evaluation sets committed to the repository (data/eval: PIQA validation with its licence), so the
    /// tests need nothing beside a fresh clone. The name is historical: it once pointed at a shared folder beside the clone.
    /// </summary>
    public static string SharedEval => Path.Combine(Root, "data", "eval");
}

namespace Climb.Tests.Infrastructure;

/// <summary>Packs the library that these tests were built against (no rebuild) into a folder, as a user would.</summary>
internal static class ClimbPackage
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Gets the library's version from src/Climb/Climb.csproj.</summary>
    public static string Version =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "src", "Climb", "Climb.csproj")).Descendants("Version").Single().Value;

    /// <summary>Runs <c>dotnet pack src/Climb --no-build</c> into <paramref name="folder"/> and returns the .nupkg's path.</summary>
    public static async Task<string> PackAsync(string folder, string version)
    {
        await Gate.WaitAsync();
        try
        {
            var r = await ChildProcess.RunAsync(
                "dotnet",
                ["pack", Path.Combine(RepoPaths.Root, "src", "Climb"), "-c", ChildProcess.BuildConfiguration, "--no-build", "-o", folder, "-p:Version=" + version],
                RepoPaths.Root,
                TimeSpan.FromMinutes(3));
            string nupkg = Path.Combine(folder, $"Climb.{version}.nupkg");
            Assert.True(r.ExitCode == 0 && File.Exists(nupkg), "dotnet pack failed:\n" + r.Both);
            return nupkg;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Removes one Climb version from NuGet's global packages folder, so the next restore extracts the new .nupkg.</summary>
    public static void EvictFromNuGetCache(string version)
    {
        string dir = Path.Combine(ChildProcess.NuGetPackagesFolder, "climb", version.ToLowerInvariant());
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

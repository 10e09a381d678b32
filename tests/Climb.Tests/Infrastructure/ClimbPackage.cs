namespace Climb.Tests.Infrastructure;

/// <summary>Packs the library that these tests were built against (no rebuild) into a folder, as a user would.</summary>
internal static class ClimbPackage
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Gets the library's version from src/Climb/Climb.csproj.</summary>
    public static string Version =>
        System.Xml.Linq.XDocument.Load(Path.Combine(RepoPaths.Root, "src", "Climb", "Climb.csproj")).Descendants("Version").Single().Value;

    /// <summary>The packages that a Climb app restores from the local feed: Climb and the contracts it pins.</summary>
    private static readonly string[] Packages = ["Climb.Abstractions", "Climb"];

    /// <summary>
    /// Runs <c>dotnet pack src/Climb.Abstractions --no-build</c> and <c>dotnet pack src/Climb --no-build</c> into
    /// <paramref name="folder"/> (Climb pins Climb.Abstractions at its own version) and returns Climb's .nupkg path.
    /// </summary>
    public static async Task<string> PackAsync(string folder, string version)
    {
        await Gate.WaitAsync();
        try
        {
            foreach (string id in Packages)
            {
                var r = await ChildProcess.RunAsync(
                    "dotnet",
                    ["pack", Path.Combine(RepoPaths.Root, "src", id), "-c", ChildProcess.BuildConfiguration, "--no-build", "-o", folder, "-p:Version=" + version],
                    RepoPaths.Root,
                    TimeSpan.FromMinutes(3));
                Assert.True(r.ExitCode == 0 && File.Exists(Path.Combine(folder, $"{id}.{version}.nupkg")), $"dotnet pack src/{id} failed:\n" + r.Both);
            }

            return Path.Combine(folder, $"Climb.{version}.nupkg");
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Removes one version of Climb and Climb.Abstractions from NuGet's global packages folder, so the next restore extracts the new .nupkg files.</summary>
    public static void EvictFromNuGetCache(string version)
    {
        foreach (string id in Packages)
        {
            string dir = Path.Combine(ChildProcess.NuGetPackagesFolder, id.ToLowerInvariant(), version.ToLowerInvariant());
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}

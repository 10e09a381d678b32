using System.Text.Json;
using System.Text.RegularExpressions;

namespace Climb.Tests.Infrastructure;

/// <summary>
/// Every notebook under samples/ runs as shipped in a real .NET Interactive kernel (dotnet-repl), and the custom-embedder
/// notebook's code cells are the compiled sample's (regenerate with scripts/build-notebook.py).
/// </summary>
[Collection(nameof(PackagingCollection))]
public class NotebookTests
{
    /// <summary>The dotnet-repl version the README and .ci/run name.</summary>
    internal const string DotnetReplVersion = "0.3.259";

    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (string nb in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "samples"), "*.ipynb", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, nb));
        }

        return data;
    }

    [Fact]
    public void Notebook_code_cells_equal_the_compiled_sample_and_reference_the_packed_package()
    {
        string program = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "CustomEmbedder", "Program.cs")).ReplaceLineEndings("\n");
        var expected = Regex.Matches(program, @"// cell (\d+): [^\n]*\n(.*?)(?=\n// cell \d+: |\z)", RegexOptions.Singleline)
            .OrderBy(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(m => m.Groups[2].Value.Trim('\n')).ToList();
        Assert.Equal(3, expected.Count);

        var code = CodeCells(Path.Combine(RepoPaths.Root, "samples", "notebooks", "custom-embedder.ipynb"));
        Assert.Contains("#i \\\"nuget: {Path.Combine(repo.FullName, \".nupkg\")}", code[0], StringComparison.Ordinal);
        Assert.Matches("#r \"nuget: Climb, " + Regex.Escape(ClimbPackage.Version) + "\"", code[1]);

        // A notebook has no implicit usings: the first sample cell carries every using of the sample, whose project
        // disables implicit usings, so the notebook's code is known to compile as it stands.
        Assert.Contains("<ImplicitUsings>disable</ImplicitUsings>", File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "CustomEmbedder", "CustomEmbedder.csproj")), StringComparison.Ordinal);
        var usings = Regex.Matches(program, "^using [^\\n]+$", RegexOptions.Multiline).Select(m => m.Value).ToList();
        Assert.Contains("using System.Threading;", usings);
        Assert.StartsWith(string.Join('\n', usings) + "\n\n", code[2], StringComparison.Ordinal);

        var cells = code.Skip(2).Select(c => Regex.Replace(c, "^(using [^\\n]+\\n)+\\n", string.Empty)).ToList();
        Assert.Equal(expected, cells);
        Assert.Contains("WithEmbedder(new TrigramEmbedder())", code[3], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_runs_in_dotnet_repl_with_no_error_output(string notebook)
    {
        // As the notebook's first cell says: pack into .nupkg at the repository root, and make NuGet take this build.
        await ClimbPackage.PackAsync(Path.Combine(RepoPaths.Root, ".nupkg"), ClimbPackage.Version);
        ClimbPackage.EvictFromNuGetCache(ClimbPackage.Version);
        string artifacts = Path.Combine(RepoPaths.Root, "notebook-artifacts");
        if (Directory.Exists(artifacts))
        {
            Directory.Delete(artifacts, recursive: true); // run every stage for real, not a reused answer
        }

        string repl = await LocateOrInstallDotnetReplAsync();
        string path = Path.Combine(RepoPaths.Root, notebook);
        string output = Path.Combine(Directory.CreateTempSubdirectory("climb-notebook-").FullName, "out.ipynb");

        // The kernel starts in the notebook's own folder, as VS Code's Polyglot Notebooks starts it.
        var r = await ChildProcess.RunAsync(
            repl,
            ["--run", path, "--exit-after-run", "--output-format", "ipynb", "--output-path", output],
            Path.GetDirectoryName(path)!,
            TimeSpan.FromMinutes(8));
        Assert.True(r.ExitCode == 0 && File.Exists(output), $"dotnet-repl exited {r.ExitCode}:\n{r.Both}");

        var errors = new List<string>();
        var stdout = new System.Text.StringBuilder();
        using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(output));
        int codeCells = 0, cellsWithOutput = 0;
        foreach (var cell in doc.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code"))
        {
            codeCells++;
            var outputs = cell.GetProperty("outputs").EnumerateArray().ToList();
            cellsWithOutput += outputs.Count > 0 ? 1 : 0;
            foreach (var o in outputs)
            {
                string type = o.GetProperty("output_type").GetString()!;
                string text = o.TryGetProperty("text", out var t) ? string.Concat(t.EnumerateArray().Select(s => s.GetString()))
                    : o.TryGetProperty("evalue", out var e) ? e.GetString() ?? string.Empty : string.Empty;
                if (type == "error" || (type == "stream" && o.GetProperty("name").GetString() == "stderr"))
                {
                    errors.Add($"cell {codeCells}: {type}: {text}");
                }
                else if (type == "stream")
                {
                    stdout.Append(text);
                }
            }
        }

        Assert.True(errors.Count == 0, $"{notebook} produced error output:\n" + string.Join("\n", errors));
        Assert.True(codeCells > 0 && cellsWithOutput > 0, $"{notebook}: no code cell produced output (was it executed?)");
        if (notebook.EndsWith("custom-embedder.ipynb", StringComparison.Ordinal))
        {
            // The pipeline really ran: three search rounds and a report.
            Assert.Contains("round 3:", stdout.ToString(), StringComparison.Ordinal);
            Assert.Contains("report: ", stdout.ToString(), StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(artifacts, "report.html")));
        }
    }

    private static List<string> CodeCells(string notebook)
    {
        using var nb = JsonDocument.Parse(File.ReadAllText(notebook));
        return nb.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString())))
            .ToList();
    }

    /// <summary>Finds dotnet-repl on PATH or among the global tools; otherwise installs the pinned version beside the tests.</summary>
    internal static async Task<string> LocateOrInstallDotnetReplAsync()
    {
        var candidates = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Append(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".dotnet", "tools"))
            .Select(d => Path.Combine(d, "dotnet-repl"));
        if (candidates.FirstOrDefault(File.Exists) is { } found)
        {
            return found;
        }

        string toolPath = Path.Combine(AppContext.BaseDirectory, "tools");
        string local = Path.Combine(toolPath, "dotnet-repl");
        if (!File.Exists(local))
        {
            var install = await ChildProcess.RunAsync("dotnet", ["tool", "install", "dotnet-repl", "--version", DotnetReplVersion, "--tool-path", toolPath], RepoPaths.Root, TimeSpan.FromMinutes(5));
            Assert.True(install.ExitCode == 0 && File.Exists(local), "could not install dotnet-repl:\n" + install.Both);
        }

        return local;
    }
}

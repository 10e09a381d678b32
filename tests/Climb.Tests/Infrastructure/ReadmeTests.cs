using System.Text.RegularExpressions;

namespace Climb.Tests.Infrastructure;

/// <summary>Keeps the README's code compiling: each snippet block must equal the sample file it names (which CI builds).</summary>
public class ReadmeTests
{
    [Fact]
    public void Readme_snippets_equal_their_compiled_sample_files()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var snippets = Regex.Matches(readme, @"<!-- snippet: (?<file>[^ ]+) -->\s*```csharp\n(?<code>.*?)\n```\s*<!-- /snippet -->", RegexOptions.Singleline);
        Assert.NotEmpty(snippets);
        foreach (Match m in snippets)
        {
            string file = Path.Combine(RepoPaths.Root, m.Groups["file"].Value);
            Assert.True(File.Exists(file), $"README names {file}, which does not exist");
            Assert.Equal(File.ReadAllText(file).TrimEnd('\n').ReplaceLineEndings("\n"), m.Groups["code"].Value.ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void Ci_runs_the_readme_test_command()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var m = Regex.Match(readme, "<!-- test-command -->\\s*```bash\\n(?<cmd>dotnet [^\\n]+)\\n```\\s*<!-- /test-command -->");
        Assert.True(m.Success, "README.md has no test command between the markers");
        Assert.Contains("test-command", File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run")), StringComparison.Ordinal);
    }

    [Fact]
    public void Readme_lists_the_system_packages_the_tests_need_and_ci_installs_that_list()
    {
        string readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var m = Regex.Match(readme, "<!-- apt-packages -->\\s*```bash\\n(?<cmd>[^\\n]*apt-get install[^\\n]+)\\n```\\s*<!-- /apt-packages -->");
        Assert.True(m.Success, "README.md has no apt-get install line between <!-- apt-packages --> markers");
        string[] packages = Regex.Replace(m.Groups["cmd"].Value, ".*apt-get install( -[-a-zA-Z]+)*", string.Empty)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

        // The report tests run Debian's chromium (Reporting/HeadlessChromium.cs); it must be on the list.
        Assert.Contains("chromium", packages);
        // The external trainer's tests run the PyTorch sample (samples/ExternalProxy, PythonTorchFactAttribute).
        Assert.Contains("python3-torch", packages);
        string ci = File.ReadAllText(Path.Combine(RepoPaths.Root, ".ci", "run"));
        Assert.Contains("readme_block apt-packages", ci, StringComparison.Ordinal);
    }

    [Fact]
    public void Tests_and_samples_read_nothing_beside_the_clone()
    {
        // A fresh clone has nothing beside it (no shared folder): evaluation data the tests use is committed under data/eval.
        var offenders = new List<string>();
        foreach (string dir in new[] { "src", "tests", "samples" })
        {
            foreach (string file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, dir), "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".ipynb", StringComparison.Ordinal))
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                string text = File.ReadAllText(file);
                if (Regex.IsMatch(text, "\\.\\./shared|\"\\.\\.\",\\s*\"shared\""))
                {
                    offenders.Add(Path.GetRelativePath(RepoPaths.Root, file));
                }
            }
        }

        Assert.Empty(offenders);
        Assert.True(File.Exists(Path.Combine(RepoPaths.SharedEval, "piqa", "valid.jsonl")));
        Assert.True(File.Exists(Path.Combine(RepoPaths.SharedEval, "piqa", "LICENSE-AFL-3.0.txt")));
    }
}

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
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Climb.Tests.Infrastructure;

/// <summary>The notebook's code cells are the compiled sample's cells (regenerate with scripts/build-notebook.py).</summary>
public class NotebookTests
{
    [Fact]
    public void Notebook_code_cells_equal_the_compiled_sample_and_reference_the_packed_package()
    {
        string program = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "CustomEmbedder", "Program.cs")).ReplaceLineEndings("\n");
        var expected = Regex.Matches(program, @"// cell (\d+): [^\n]*\n(.*?)(?=\n// cell \d+: |\z)", RegexOptions.Singleline)
            .OrderBy(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(m => m.Groups[2].Value.Trim('\n')).ToList();
        Assert.Equal(3, expected.Count);

        using var nb = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "notebooks", "custom-embedder.ipynb")));
        var code = nb.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString())))
            .ToList();
        Assert.Matches("#r \"nuget: Climb, \\d+\\.\\d+\\.\\d+\"", code[0]);
        Assert.Contains("#i \"nuget:", code[0], StringComparison.Ordinal);
        var cells = code.Skip(1).Select(c => Regex.Replace(c, "^(using [^\\n]+\\n)+\\n", string.Empty)).ToList();
        Assert.Equal(expected, cells);
        Assert.Contains("WithEmbedder(new TrigramEmbedder())", code[2], StringComparison.Ordinal);
    }
}

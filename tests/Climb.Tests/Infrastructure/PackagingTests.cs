using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Climb.Tests.Infrastructure;

/// <summary>
/// Keeps the three packages' dependencies where issue 23 puts them: Climb.nuspec in step with the central versions and
/// src/Climb's references (Climb.Abstractions at exactly its own version); Climb.Abstractions with no dependency beyond
/// Microsoft.Extensions.*.Abstractions; Climb.Testing on Climb.Abstractions, never on Climb.
/// </summary>
public partial class PackagingTests
{
    /// <summary>Package ids no contract may pull into a plugin: the numeric and native stacks of the defaults.</summary>
    private static readonly string[] Heavy = ["TorchSharp", "ILGPU", "Microsoft.ML", "Parquet", "Lingua", "MathNet", "ZstdSharp", "LightGBM", "OnnxRuntime"];

    [Fact]
    public void Nuspec_dependencies_match_central_versions_of_the_library_references()
    {
        string root = RepoPaths.Root;
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        var nuspec = XDocument.Load(Path.Combine(root, "Climb.nuspec"));
        var deps = nuspec.Descendants(ns + "dependency")
            .ToDictionary(d => (string)d.Attribute("id")!, d => (string)d.Attribute("version")!, StringComparer.OrdinalIgnoreCase);

        var central = XDocument.Load(Path.Combine(root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(d => (string)d.Attribute("Include")!, d => (string)d.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        var project = Project("Climb");
        var referenced = PackageReferences(project).ToList();
        var projects = ProjectReferences(project).ToList();

        Assert.NotEmpty(referenced);
        Assert.Equal(["Climb.Abstractions"], projects);
        foreach (string id in referenced)
        {
            Assert.True(deps.ContainsKey(id), $"Climb.nuspec lacks a dependency on {id}, which src/Climb references.");
            Assert.True(central.ContainsKey(id), $"Directory.Packages.props has no version for {id}.");
            Assert.True(central[id] == deps[id], $"{id}: nuspec says {deps[id]}, Directory.Packages.props says {central[id]}.");
        }

        foreach (string id in projects)
        {
            Assert.True(deps.TryGetValue(id, out string? version), $"Climb.nuspec lacks a dependency on {id}, which src/Climb references as a project.");
            Assert.True(version == "[$version$]", $"Climb.nuspec: {id} must be pinned to the package's own version, [$version$] (Climb uses its internals), not {version}.");
        }

        foreach (string id in deps.Keys)
        {
            Assert.True(
                referenced.Contains(id, StringComparer.OrdinalIgnoreCase) || projects.Contains(id, StringComparer.OrdinalIgnoreCase),
                $"Climb.nuspec depends on {id}, which src/Climb does not reference.");
        }
    }

    [Fact]
    public void Library_does_not_reference_native_runtime_packages()
    {
        var referenced = Project("Climb").Descendants("PackageReference").Select(r => (string)r.Attribute("Include")!).ToList();
        Assert.DoesNotContain(referenced, r => r.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("TorchSharp-cpu", referenced);
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", referenced);
    }

    [Fact]
    public void Abstractions_depend_on_Microsoft_Extensions_abstractions_at_most()
    {
        var project = Project("Climb.Abstractions");
        Assert.Empty(ProjectReferences(project));
        foreach (string id in PackageReferences(project))
        {
            Assert.True(ExtensionsAbstractions().IsMatch(id), $"src/Climb.Abstractions references {id}; its package may depend on Microsoft.Extensions.*.Abstractions only.");
        }

        // The compiled contracts, not only the project file: every assembly they reference is the framework's or an allowed one.
        var assembly = typeof(IEmbedder).Assembly;
        Assert.Equal("Climb.Abstractions", assembly.GetName().Name);
        foreach (var reference in assembly.GetReferencedAssemblies())
        {
            string name = reference.Name!;
            Assert.True(
                name.StartsWith("System", StringComparison.Ordinal) || name is "netstandard" or "mscorlib" || ExtensionsAbstractions().IsMatch(name),
                $"Climb.Abstractions.dll references {name}.");
            Assert.DoesNotContain(Heavy, h => name.Contains(h, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Testing_depends_on_the_abstractions_not_on_the_library()
    {
        var project = Project("Climb.Testing");
        Assert.Equal(["Climb.Abstractions"], ProjectReferences(project));
        foreach (string id in PackageReferences(project))
        {
            Assert.True(id.StartsWith("xunit", StringComparison.Ordinal), $"src/Climb.Testing references {id}; it may depend on Climb.Abstractions and xunit only.");
        }

        var references = typeof(Climb.Testing.EmbedderConformanceTests).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.Contains("Climb.Abstractions", references);
        Assert.DoesNotContain("Climb", references);
        Assert.DoesNotContain(references, name => Heavy.Any(h => name.Contains(h, StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Plugin_sample_builds_against_the_abstractions_and_the_testing_kit_alone()
    {
        var plugin = XDocument.Load(Path.Combine(RepoPaths.Root, "samples", "PluginEmbedder", "PluginEmbedder.csproj"));
        Assert.Equal(["Climb.Abstractions"], ProjectReferences(plugin));
        Assert.Empty(plugin.Descendants("PackageReference"));

        var tests = XDocument.Load(Path.Combine(RepoPaths.Root, "samples", "PluginEmbedder.Tests", "PluginEmbedder.Tests.csproj"));
        Assert.Equal(["Climb.Testing", "PluginEmbedder"], ProjectReferences(tests).Order(StringComparer.Ordinal));

        // CI builds and runs it: it is in the solution the README's test command runs.
        string sln = File.ReadAllText(Path.Combine(RepoPaths.Root, "Climb.sln"));
        Assert.Contains(@"samples\PluginEmbedder\PluginEmbedder.csproj", sln, StringComparison.Ordinal);
        Assert.Contains(@"samples\PluginEmbedder.Tests\PluginEmbedder.Tests.csproj", sln, StringComparison.Ordinal);
    }

    private static XDocument Project(string name) => XDocument.Load(Path.Combine(RepoPaths.Root, "src", name, name + ".csproj"));

    /// <summary>The packages a project's package depends on: its references that are not PrivateAssets (analyzers are).</summary>
    private static IEnumerable<string> PackageReferences(XDocument project) => project.Descendants("PackageReference")
        .Where(r => r.Attribute("PrivateAssets") is null && r.Element("PrivateAssets")?.Value is null or not "all")
        .Select(r => (string)r.Attribute("Include")!);

    private static IEnumerable<string> ProjectReferences(XDocument project) => project.Descendants("ProjectReference")
        .Select(r => Path.GetFileNameWithoutExtension((string)r.Attribute("Include")!));

    [GeneratedRegex(@"^Microsoft\.Extensions(\.[A-Za-z]+)*\.Abstractions$")]
    private static partial Regex ExtensionsAbstractions();
}

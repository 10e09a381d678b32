using System.Xml.Linq;

namespace Climb.Tests.Infrastructure;

/// <summary>Keeps Climb.nuspec's dependencies in step with the central versions and the library's references.</summary>
public class PackagingTests
{
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
        var referenced = XDocument.Load(Path.Combine(root, "src", "Climb", "Climb.csproj")).Descendants("PackageReference")
            .Where(r => r.Attribute("PrivateAssets") is null)
            .Select(r => (string)r.Attribute("Include")!).ToList();

        Assert.NotEmpty(referenced);
        foreach (string id in referenced)
        {
            Assert.True(deps.ContainsKey(id), $"Climb.nuspec lacks a dependency on {id}, which src/Climb references.");
            Assert.True(central.ContainsKey(id), $"Directory.Packages.props has no version for {id}.");
            Assert.True(central[id] == deps[id], $"{id}: nuspec says {deps[id]}, Directory.Packages.props says {central[id]}.");
        }

        foreach (string id in deps.Keys)
        {
            Assert.True(referenced.Contains(id, StringComparer.OrdinalIgnoreCase), $"Climb.nuspec depends on {id}, which src/Climb does not reference.");
        }
    }

    [Fact]
    public void Library_does_not_reference_native_runtime_packages()
    {
        var referenced = XDocument.Load(Path.Combine(RepoPaths.Root, "src", "Climb", "Climb.csproj")).Descendants("PackageReference")
            .Select(r => (string)r.Attribute("Include")!).ToList();
        Assert.DoesNotContain(referenced, r => r.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("TorchSharp-cpu", referenced);
        Assert.DoesNotContain("Microsoft.ML.OnnxRuntime", referenced);
    }
}

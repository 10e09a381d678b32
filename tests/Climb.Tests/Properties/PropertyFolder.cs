namespace Climb.Tests.Properties;

/// <summary>A temporary folder for one property-test case, deleted afterwards.</summary>
internal sealed class PropertyFolder : IDisposable
{
    public PropertyFolder()
    {
        Root = Path.Combine(Path.GetTempPath(), "climb-property-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string Sub(string name) => Path.Combine(Root, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

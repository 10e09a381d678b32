namespace Climb;

/// <summary>How user-facing messages name pipeline options: <c>ClimbPipelineOptions.X</c> by default, or the names a
/// host (such as the command line) maps them to.</summary>
internal sealed class OptionNames(IReadOnlyDictionary<string, string>? map)
{
    public static readonly OptionNames Default = new(null);

    /// <summary>Gets the name of an option given by its path below <see cref="ClimbPipelineOptions"/> (for example "Merging.TargetClusterCount").</summary>
    public string this[string path] => map is not null && map.TryGetValue(path, out string? name) ? name : "ClimbPipelineOptions." + path;

    /// <summary>Rewrites a validation error that starts with an option path ("ClusterCount: ...") to use the host's name.</summary>
    public string Rename(string error)
    {
        if (map is null)
        {
            return error;
        }

        foreach (var (path, name) in map.OrderByDescending(p => p.Key.Length))
        {
            if (error.StartsWith(path + ":", StringComparison.Ordinal))
            {
                return name + error[path.Length..];
            }
        }

        return error;
    }
}

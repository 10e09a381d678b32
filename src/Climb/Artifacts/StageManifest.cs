using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>The manifest.json of one stage folder: what went in, what came out, and whether it finished.</summary>
internal sealed class StageManifest
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public required string Stage { get; init; }

    /// <summary>Hash of the upstream fingerprint and this stage's options and components.</summary>
    public required string Fingerprint { get; init; }

    public Dictionary<string, string> Options { get; init; } = [];

    public Dictionary<string, double> Counts { get; init; } = [];

    public double Seconds { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Written last: a folder without <c>complete: true</c> is never taken as done.</summary>
    public bool Complete { get; set; }

    public static StageManifest? TryLoad(string folder)
    {
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<StageManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            return null; // a torn or foreign manifest means "not done"
        }
    }

    public Task SaveAsync(string folder, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAllTextAsync(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json), cancellationToken);

    /// <summary>True when the folder holds a complete result with exactly this fingerprint.</summary>
    public static bool IsComplete(string folder, string fingerprint) =>
        TryLoad(folder) is { Complete: true } m && m.Fingerprint == fingerprint;
}

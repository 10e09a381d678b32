using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>The manifest.json of one stage folder: what went in, what came out (with content hashes), and whether it finished.</summary>
internal sealed class StageManifest
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public required string Stage { get; init; }

    /// <summary>Hash of the upstream fingerprints and this stage's component identities and options.</summary>
    public required string Fingerprint { get; init; }

    public Dictionary<string, double> Counts { get; init; } = [];

    /// <summary>Every file of the finished stage (relative path, '/'-separated) with its size and SHA-256.</summary>
    public SortedDictionary<string, StageFile> Files { get; set; } = new(StringComparer.Ordinal);

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

    /// <summary>Hashes every file of a stage folder except the manifest itself.</summary>
    /// <param name="folder">The stage folder.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <param name="written">Hashes computed while the stage wrote its files; a file not in it (or changed since) is read and hashed.</param>
    /// <returns>Every file with its size and hash.</returns>
    public static SortedDictionary<string, StageFile> HashFolder(string folder, CancellationToken cancellationToken, WrittenFileHashes? written = null)
    {
        var files = new SortedDictionary<string, StageFile>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string relative = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative == FileName)
            {
                continue;
            }

            var info = new FileInfo(path);
            files[relative] = new StageFile(info.Length, written?.TryGet(info) ?? HashFile(path));
        }

        return files;
    }

    /// <summary>Checks every recorded file against its size and content hash.</summary>
    /// <returns><see langword="null"/> when all match, otherwise what differs (for the log).</returns>
    public string? Verify(string folder, CancellationToken cancellationToken)
    {
        foreach (var (relative, expected) in Files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string path = Path.Combine(folder, relative);
            if (!File.Exists(path))
            {
                return $"{relative} is missing";
            }

            long size = new FileInfo(path).Length;
            if (size != expected.Size)
            {
                return $"{relative} has {size} bytes, the manifest {expected.Size}";
            }

            if (!string.Equals(HashFile(path), expected.Sha256, StringComparison.Ordinal))
            {
                return $"{relative} does not match its content hash";
            }
        }

        return null;
    }

    private static string HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

/// <summary>One file of a finished stage.</summary>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Sha256">The SHA-256 of its bytes, lower-case hex.</param>
internal sealed record StageFile(long Size, string Sha256);

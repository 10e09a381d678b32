using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Climb;

/// <summary>Stable content hashes of configurations and inputs (SHA-256 of canonical JSON, hex, 16 bytes).</summary>
internal static class Fingerprint
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    /// <summary>Hashes the parts in order; each part is serialised to JSON (strings as is).</summary>
    public static string Of(params object?[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (object? part in parts)
        {
            string text = part switch
            {
                null => "null",
                string s => s,
                _ => JsonSerializer.Serialize(part, part.GetType(), Options),
            };
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            sha.AppendData(BitConverter.GetBytes(bytes.Length));
            sha.AppendData(bytes);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset().AsSpan(0, 16));
    }

    /// <summary>Hashes a file's bytes (for inputs such as target files).</summary>
    public static string OfFile(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs).AsSpan(0, 16));
    }
}

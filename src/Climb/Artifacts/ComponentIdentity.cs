using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>Builds the <c>Identity</c> strings of Climb's own components: a kind, the options as canonical JSON, and hashes of learned state.</summary>
internal static class ComponentIdentity
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(), new MatrixHashConverter() },
    };

    /// <summary>Returns <c>kind:{options as JSON}</c>; matrices in the options are replaced by a hash of their values.</summary>
    public static string Of(string kind, object? options) =>
        options is null ? kind : kind + ":" + JsonSerializer.Serialize(options, options.GetType(), Json);

    /// <summary>Hashes a byte sequence (hex, 16 bytes of SHA-256).</summary>
    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16));

    private sealed class MatrixHashConverter : JsonConverter<EmbeddingMatrix>
    {
        public override EmbeddingMatrix Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Identities are written, never read.");

        public override void Write(Utf8JsonWriter writer, EmbeddingMatrix value, JsonSerializerOptions options) =>
            writer.WriteStringValue($"{value.Rows}x{value.Dimension}:{Hash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Data))}");
    }
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Climb;

/// <summary>
/// A language recorded with a document's quality scores: an ISO 639-1 code such as <c>en</c> or <c>fr</c>, or
/// <see cref="Undetermined"/> (<c>und</c>) when no language was identified.
/// </summary>
/// <remarks>Stored as a packed integer so that <see cref="QualityScores"/> stays a plain, fixed-size value
/// (score arrays are written to disk as raw bytes). Serialised to JSON as its code string.</remarks>
[JsonConverter(typeof(LanguageCodeJsonConverter))]
public readonly record struct LanguageCode
{
    private readonly int _packed;

    private LanguageCode(int packed) => _packed = packed;

    /// <summary>Gets the undetermined language (<c>und</c>): the text was too short, mixed or not in a supported language.</summary>
    public static LanguageCode Undetermined => default;

    /// <summary>Gets English (<c>en</c>).</summary>
    public static LanguageCode English { get; } = Parse("en");

    /// <summary>Gets a value indicating whether no language was identified.</summary>
    public bool IsUndetermined => _packed == 0;

    /// <summary>Gets the code: two or three lower-case ASCII letters, or <c>und</c>.</summary>
    public string Code => ToString();

    /// <summary>Parses a two- or three-letter ISO 639 code (case-insensitive); <c>und</c> gives <see cref="Undetermined"/>.</summary>
    /// <param name="code">The code.</param>
    /// <returns>The language.</returns>
    /// <exception cref="FormatException">The code is not two or three ASCII letters.</exception>
    public static LanguageCode Parse(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (code.Length is < 2 or > 3)
        {
            throw new FormatException($"Language code '{code}' must be two or three ASCII letters (ISO 639).");
        }

        if (string.Equals(code, "und", StringComparison.OrdinalIgnoreCase))
        {
            return Undetermined;
        }

        var packed = 0;
        foreach (var ch in code)
        {
            var c = char.ToLowerInvariant(ch);
            if (c is < 'a' or > 'z')
            {
                throw new FormatException($"Language code '{code}' must be two or three ASCII letters (ISO 639).");
            }

            packed = (packed << 8) | c;
        }

        return new LanguageCode(packed);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        if (_packed == 0)
        {
            return "und";
        }

        Span<char> chars = stackalloc char[3];
        var n = 0;
        for (var shift = 16; shift >= 0; shift -= 8)
        {
            var c = (char)((_packed >> shift) & 0xFF);
            if (c != 0)
            {
                chars[n++] = c;
            }
        }

        return new string(chars[..n]);
    }
}

/// <summary>Reads and writes <see cref="LanguageCode"/> as its code string.</summary>
internal sealed class LanguageCodeJsonConverter : JsonConverter<LanguageCode>
{
    public override LanguageCode Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return LanguageCode.Undetermined;
        }

        var s = reader.GetString();
        return string.IsNullOrEmpty(s) ? LanguageCode.Undetermined : LanguageCode.Parse(s);
    }

    public override void Write(Utf8JsonWriter writer, LanguageCode value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

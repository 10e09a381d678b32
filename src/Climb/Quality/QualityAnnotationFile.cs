using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Climb;

/// <summary>Reads and writes annotation JSONL files (one JSON object per line: id, text and the four scores).</summary>
public static class QualityAnnotationFile
{
    /// <summary>Reads every annotation of a JSONL file, validating each line before returning.</summary>
    /// <param name="path">The file: JSON lines, plain or gzip/zstd compressed (detected from the content).</param>
    /// <param name="fields">The field names, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The annotations in file order.</returns>
    /// <exception cref="FormatException">A line is not UTF-8, not a JSON object or longer than 64 MiB, lacks a field, or has a score outside 0–5 (the message names the file and line).</exception>
    public static async Task<IReadOnlyList<QualityAnnotation>> ReadAsync(
        string path, QualityAnnotationFields? fields = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        fields ??= new QualityAnnotationFields();
        var fieldErrors = fields.Validate().ToList();
        if (fieldErrors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", fieldErrors), nameof(fields));
        }

        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Annotation file '{path}' does not exist.", path);
        }

        // The shared JSON-lines reader: plain, gzip or zstd by content, a UTF-8 check, a line cap and blank lines
        // skipped; its InvalidDataException (file:line[:column]: ...) becomes this method's documented FormatException.
        var result = new List<QualityAnnotation>();
        var reading = JsonLines.ReadObjectsAsync(path, cancellationToken: cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (reading.ConfigureAwait(false))
        {
            while (true)
            {
                try
                {
                    if (!await reading.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (InvalidDataException ex)
                {
                    throw new FormatException(ex.Message, ex);
                }

                result.Add(ParseElement(reading.Current.Root, fields, path, reading.Current.Line));
            }
        }

        return result;
    }

    /// <summary>Formats one annotation as a JSONL line (no trailing newline) with the given field names.</summary>
    /// <param name="annotation">The annotation.</param>
    /// <param name="fields">The field names, or <see langword="null"/> for the defaults.</param>
    /// <returns>The JSON text.</returns>
    public static string FormatLine(QualityAnnotation annotation, QualityAnnotationFields? fields = null)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        fields ??= new QualityAnnotationFields();
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(fields.Id, annotation.Id);
            writer.WriteString(fields.Text, annotation.Text);
            writer.WriteNumber(fields.Quality, annotation.Scores.Quality);
            writer.WriteNumber(fields.Advertisement, annotation.Scores.Advertisement);
            writer.WriteNumber(fields.InformationalValue, annotation.Scores.InformationalValue);
            writer.WriteNumber(fields.EducationalValue, annotation.Scores.EducationalValue);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Parses one line of text (the annotator's resume check reads its own, possibly torn, file line by line).</summary>
    internal static QualityAnnotation ParseLine(string line, QualityAnnotationFields fields, string path, int lineNumber)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"{path}:{lineNumber}: not valid JSON ({ex.Message}).", ex);
        }

        using (doc)
        {
            return ParseElement(doc.RootElement, fields, path, lineNumber);
        }
    }

    private static QualityAnnotation ParseElement(JsonElement root, QualityAnnotationFields fields, string path, long lineNumber)
    {
        try
        {
            return ParseObject(root, fields, path, lineNumber);
        }
        catch (InvalidOperationException ex)
        {
            // A string escape that is not valid UTF-16 (a lone surrogate such as \uDE42) fails only when the string is
            // read; found by fuzzing (tests/Fuzz/regressions/annotations).
            throw new FormatException($"{path}:{lineNumber}: a string is not valid text ({ex.Message}).", ex);
        }
    }

    private static QualityAnnotation ParseObject(JsonElement root, QualityAnnotationFields fields, string path, long lineNumber)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{path}:{lineNumber}: expected a JSON object.");
        }

        if (!root.TryGetProperty(fields.Text, out var textElement) || textElement.ValueKind != JsonValueKind.String)
        {
            throw new FormatException($"{path}:{lineNumber}: missing string field '{fields.Text}'.");
        }

        var id = root.TryGetProperty(fields.Id, out var idElement)
            ? idElement.ValueKind switch
            {
                JsonValueKind.String => idElement.GetString()!,
                JsonValueKind.Number => idElement.GetRawText(),
                _ => throw new FormatException($"{path}:{lineNumber}: field '{fields.Id}' must be a string or a number."),
            }
            : lineNumber.ToString(CultureInfo.InvariantCulture);

        return new QualityAnnotation(
            id,
            textElement.GetString()!,
            new QualityScores(
                Score(root, fields.Quality, path, lineNumber),
                Score(root, fields.Advertisement, path, lineNumber),
                Score(root, fields.InformationalValue, path, lineNumber),
                Score(root, fields.EducationalValue, path, lineNumber)));
    }

    private static float Score(JsonElement root, string field, string path, long lineNumber)
    {
        if (!root.TryGetProperty(field, out var element))
        {
            throw new FormatException($"{path}:{lineNumber}: missing score field '{field}'.");
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value) || !double.IsFinite(value))
        {
            throw new FormatException($"{path}:{lineNumber}: field '{field}' must be a number, got {element.ValueKind}.");
        }

        if (value is < 0 or > 5)
        {
            throw new FormatException($"{path}:{lineNumber}: field '{field}' is {value.ToString(CultureInfo.InvariantCulture)}, outside 0-5.");
        }

        return (float)value;
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Climb;

/// <summary>Reads a JSON lines file (plain, gzip or zstd): one JSON object per line, blank lines ignored.</summary>
internal static class JsonLinesCorpusFile
{
    public static async IAsyncEnumerable<Document> ReadAsync(
        CorpusFileContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var lines = JsonLines.OpenLines(context.FullPath, context.Options.MaxRecordBytes);
        await using (lines.ConfigureAwait(false))
        {
            var parser = new JsonLineParser(context);
            while (await NextLineAsync(context, lines, cancellationToken).ConfigureAwait(false))
            {
                context.AddBytes(lines.CurrentBytes);
                if (lines.CurrentTooLong)
                {
                    context.Fail(
                        CorpusErrorKind.TooLong,
                        lines.LineNumber,
                        0,
                        string.Create(CultureInfo.InvariantCulture, $"the line has {lines.CurrentBytes} bytes, more than MaxRecordBytes ({context.Options.MaxRecordBytes})"));
                    continue;
                }

                var document = parser.Parse(lines.Current.Span, lines.LineNumber);
                if (document is not null)
                {
                    yield return document;
                }
            }
        }
    }

    /// <summary>Reads the next line; a corrupt compressed stream fails the rest of the file.</summary>
    private static async ValueTask<bool> NextLineAsync(CorpusFileContext context, JsonLinesFile lines, CancellationToken cancellationToken)
    {
        try
        {
            return await lines.ReadLineAsync(context.FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex) when (ex.InnerException is { } inner && CompressedFile.IsCorruption(inner))
        {
            context.Fail(
                CorpusErrorKind.CorruptFile,
                lines.LineNumber + 1,
                0,
                $"the compressed data is corrupt after line {lines.LineNumber}; the rest of the file is skipped ({inner.Message})",
                inner);
            return false;
        }
    }
}

/// <summary>Parses one JSON line into a document, or reports why it cannot.</summary>
internal sealed class JsonLineParser
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
        MaxDepth = 256,
    };

    private readonly CorpusFileContext context;
    private readonly byte[] textName;
    private readonly byte[]? idName;
    private readonly byte[]? sourceName;
    private readonly bool includeMetadata;

    public JsonLineParser(CorpusFileContext context)
    {
        this.context = context;
        var options = context.Options;
        textName = Encoding.UTF8.GetBytes(options.TextField);
        idName = options.IdField is null ? null : Encoding.UTF8.GetBytes(options.IdField);
        sourceName = options.SourceField is null ? null : Encoding.UTF8.GetBytes(options.SourceField);
        includeMetadata = options.IncludeMetadata;
    }

    public Document? Parse(ReadOnlySpan<byte> line, long lineNumber)
    {
        if (JsonLines.IsBlank(line))
        {
            return null;
        }

        var invalid = CompressedFile.FirstInvalidUtf8(line);
        if (invalid >= 0)
        {
            return Fail(CorpusErrorKind.InvalidUtf8, lineNumber, invalid + 1, string.Create(CultureInfo.InvariantCulture, $"byte 0x{line[invalid]:X2} at byte {invalid + 1} of the line does not start a valid UTF-8 sequence"));
        }

        string? text = null;
        var textIsNull = false;
        string? id = null;
        string? source = null;
        Dictionary<string, string>? metadata = null;
        var reader = new Utf8JsonReader(line, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(CorpusErrorKind.InvalidJson, lineNumber, reader.TokenStartIndex + 1, $"expected a JSON object, found {JsonLines.Describe(reader.TokenType)}");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals(textName))
                {
                    reader.Read();
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.String:
                            text = reader.GetString();
                            textIsNull = false;
                            break;
                        case JsonTokenType.Null:
                            text = null;
                            textIsNull = true;
                            break;
                        default:
                            return Fail(CorpusErrorKind.InvalidTextType, lineNumber, reader.TokenStartIndex + 1, $"field '{context.Options.TextField}' is {JsonLines.Describe(reader.TokenType)}, not a string");
                    }
                }
                else if (idName is not null && reader.ValueTextEquals(idName))
                {
                    reader.Read();
                    if (!TryReadScalar(ref reader, out id))
                    {
                        return Fail(CorpusErrorKind.InvalidFieldType, lineNumber, reader.TokenStartIndex + 1, $"id field '{context.Options.IdField}' is {JsonLines.Describe(reader.TokenType)}, not a string or number");
                    }
                }
                else if (sourceName is not null && reader.ValueTextEquals(sourceName))
                {
                    reader.Read();
                    if (!TryReadScalar(ref reader, out source))
                    {
                        return Fail(CorpusErrorKind.InvalidFieldType, lineNumber, reader.TokenStartIndex + 1, $"source field '{context.Options.SourceField}' is {JsonLines.Describe(reader.TokenType)}, not a string or number");
                    }
                }
                else if (includeMetadata)
                {
                    var key = reader.GetString()!;
                    reader.Read();
                    var value = ReadAnyAsText(ref reader, line);
                    if (value is not null)
                    {
                        metadata ??= new Dictionary<string, string>(StringComparer.Ordinal);
                        metadata[key] = value;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            // Anything but white space after the object makes Read throw (a single top-level value per line).
            reader.Read();
        }
        catch (JsonException ex)
        {
            return Fail(CorpusErrorKind.InvalidJson, lineNumber, (ex.BytePositionInLine ?? 0) + 1, JsonLines.CleanMessage(ex.Message), ex);
        }
        catch (InvalidOperationException ex)
        {
            // GetString on an escape sequence that is not valid UTF-16 (a lone surrogate).
            return Fail(CorpusErrorKind.InvalidJson, lineNumber, reader.TokenStartIndex + 1, ex.Message, ex);
        }

        if (text is null)
        {
            return Fail(
                CorpusErrorKind.MissingText,
                lineNumber,
                0,
                textIsNull ? $"field '{context.Options.TextField}' is null" : $"the object has no field '{context.Options.TextField}'");
        }

        return context.Accept(id, text, source, metadata, lineNumber);
    }

    private static bool TryReadScalar(ref Utf8JsonReader reader, out string? value)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                value = reader.GetString();
                return true;
            case JsonTokenType.Number:
                value = Encoding.UTF8.GetString(reader.ValueSpan);
                return true;
            case JsonTokenType.Null:
                value = null;
                return true;
            default:
                value = null;
                return false;
        }
    }

    private static string? ReadAnyAsText(ref Utf8JsonReader reader, ReadOnlySpan<byte> line)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                var start = (int)reader.TokenStartIndex;
                reader.Skip();
                return Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]);
            default:
                return Encoding.UTF8.GetString(reader.ValueSpan);
        }
    }

    private Document? Fail(CorpusErrorKind kind, long line, long column, string detail, Exception? innerException = null)
    {
        context.Fail(kind, line, column, detail, innerException);
        return null;
    }
}

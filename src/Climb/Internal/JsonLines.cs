using System.Text.Json;

namespace Climb;

/// <summary>
/// The one place that reads JSON-lines files: plain, gzip or zstd by content (<see cref="CompressedFile"/>), split into
/// lines without decoding and with a length cap (<see cref="LineReader"/>), blank lines skipped, and every problem named
/// as <c>file:line[:column]</c>. The corpus reader streams raw lines through <see cref="OpenLines"/>; small strict files
/// (evaluation sets, annotation files) read whole objects through <see cref="ReadObjectsAsync"/>.
/// </summary>
internal static class JsonLines
{
    /// <summary>The longest line <see cref="ReadObjectsAsync"/> accepts by default (64 MiB).</summary>
    public const int DefaultMaxLineBytes = 64 << 20;

    private static readonly JsonDocumentOptions StrictOptions = new() { CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false, MaxDepth = 256 };

    /// <summary>Opens a JSON-lines file for reading line by line (compression detected from the content).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLineBytes">The longest line kept; longer lines are consumed and flagged.</param>
    /// <returns>The open file; dispose it.</returns>
    public static JsonLinesFile OpenLines(string path, int maxLineBytes) => new(CompressedFile.Open(path), maxLineBytes);

    /// <summary>Reads every line of a JSON-lines file as one JSON object; blank lines are skipped.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLineBytes">The longest line accepted.</param>
    /// <param name="cancellationToken">A token to cancel reading.</param>
    /// <returns>The 1-based line number and a detached copy of each object.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is too long, not UTF-8, not JSON or not an object, or the compressed data is corrupt; the message names the file and line (and column where known).</exception>
    public static async IAsyncEnumerable<(long Line, JsonElement Root)> ReadObjectsAsync(
        string path,
        int maxLineBytes = DefaultMaxLineBytes,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }

        var file = OpenLines(path, maxLineBytes);
        await using (file.ConfigureAwait(false))
        {
            while (await file.ReadLineAsync(path, cancellationToken).ConfigureAwait(false))
            {
                long line = file.LineNumber;
                if (file.CurrentTooLong)
                {
                    throw new InvalidDataException($"{path}:{line}: the line has {file.CurrentBytes} bytes, more than {maxLineBytes}.");
                }

                var bytes = file.Current;
                if (IsBlank(bytes.Span))
                {
                    continue;
                }

                int invalid = CompressedFile.FirstInvalidUtf8(bytes.Span);
                if (invalid >= 0)
                {
                    throw new InvalidDataException($"{path}:{line}:{invalid + 1}: byte 0x{bytes.Span[invalid]:X2} does not start a valid UTF-8 sequence.");
                }

                JsonElement root;
                try
                {
                    using var doc = JsonDocument.Parse(bytes, StrictOptions);
                    root = doc.RootElement.Clone();
                }
                catch (JsonException ex)
                {
                    string column = ex.BytePositionInLine is { } p ? $":{p + 1}" : string.Empty;
                    throw new InvalidDataException($"{path}:{line}{column}: invalid JSON ({CleanMessage(ex.Message).TrimEnd('.', ' ')}).", ex);
                }

                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidDataException($"{path}:{line}: expected a JSON object, found {Describe(root.ValueKind)}.");
                }

                yield return (line, root);
            }
        }
    }

    /// <summary>Reads every object of a small JSON-lines file for a synchronous caller (see <see cref="ReadObjectsAsync"/>).</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxLineBytes">The longest line accepted.</param>
    /// <returns>The 1-based line number and a detached copy of each object.</returns>
    public static IEnumerable<(long Line, JsonElement Root)> ReadObjects(string path, int maxLineBytes = DefaultMaxLineBytes) =>
        ReadObjectsAsync(path, maxLineBytes).ToBlockingEnumerable();

    /// <summary>Gets a field of an object, or throws naming the file, line and field.</summary>
    public static JsonElement Get(JsonElement obj, string field, string path, long line) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(field, out var v)
            ? v
            : throw new InvalidDataException($"{path}:{line}: missing field '{field}'.");

    /// <summary>Gets a string field of an object, or throws naming the file, line and field.</summary>
    public static string String(JsonElement obj, string field, string path, long line)
    {
        var v = Get(obj, field, path, line);
        return v.ValueKind == JsonValueKind.String
            ? v.GetString()!
            : throw new InvalidDataException($"{path}:{line}: field '{field}' is {Describe(v.ValueKind)}, not a string.");
    }

    /// <summary>Whether a line holds only spaces, tabs and carriage returns.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.TrimStart(" \t\r"u8).IsEmpty;

    /// <summary>Names a JSON token kind for an error message ("a string", "an array", ...).</summary>
    public static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    /// <summary>Names a JSON value kind for an error message.</summary>
    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => kind.ToString(),
    };

    /// <summary>Drops System.Text.Json's " LineNumber: 0 | BytePositionInLine: n." suffix, which is relative to the line.</summary>
    public static string CleanMessage(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var at = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at > 0 ? message[..at] : message;
    }
}

/// <summary>An open JSON-lines file read line by line (see <see cref="JsonLines.OpenLines"/>).</summary>
internal sealed class JsonLinesFile : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly LineReader _lines;

    public JsonLinesFile(Stream stream, int maxLineBytes)
    {
        _stream = stream;
        _lines = new LineReader(stream, maxLineBytes);
    }

    /// <summary>Gets the 1-based number of the current line.</summary>
    public long LineNumber => _lines.LineNumber;

    /// <summary>Gets the current line's bytes (empty when <see cref="CurrentTooLong"/>); valid until the next read.</summary>
    public ReadOnlyMemory<byte> Current => _lines.Current;

    /// <summary>Gets a value indicating whether the current line exceeded the limit (and was skipped).</summary>
    public bool CurrentTooLong => _lines.CurrentTooLong;

    /// <summary>Gets the size of the current line in bytes.</summary>
    public long CurrentBytes => _lines.CurrentBytes;

    /// <summary>Reads the next line; corrupt compressed data throws <see cref="InvalidDataException"/> naming the file and line.</summary>
    /// <param name="path">The file's path, for the message.</param>
    /// <param name="cancellationToken">A token to cancel reading.</param>
    /// <returns><see langword="false"/> at the end of the file.</returns>
    public async ValueTask<bool> ReadLineAsync(string path, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return await _lines.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CompressedFile.IsCorruption(ex))
        {
            throw new InvalidDataException($"{path}:{_lines.LineNumber + 1}: the compressed data is corrupt after line {_lines.LineNumber} ({ex.Message}).", ex);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _stream.DisposeAsync();
}

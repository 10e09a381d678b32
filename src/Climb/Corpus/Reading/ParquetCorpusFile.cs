using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Climb;

/// <summary>Reads a Parquet file one row group at a time: text, id and source columns, other scalar columns as metadata.</summary>
internal static class ParquetCorpusFile
{
    public static async IAsyncEnumerable<Document> ReadAsync(
        CorpusFileContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var stream = new FileStream(context.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            context.AddBytes(stream.Length);
            var reader = await OpenAsync(context, stream, cancellationToken).ConfigureAwait(false);
            if (reader is null)
            {
                yield break;
            }

            await using (reader.ConfigureAwait(false))
            {
                var columns = ResolveColumns(context, reader.Schema);
                if (columns is null)
                {
                    yield break;
                }

                long row = 0;
                for (var group = 0; group < reader.RowGroupCount; group++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var batch = await ReadRowGroupAsync(context, stream, reader, group, columns, row, cancellationToken).ConfigureAwait(false);
                    if (batch is null)
                    {
                        yield break;
                    }

                    for (var i = 0; i < batch.Texts.Length; i++)
                    {
                        row++;
                        var text = batch.Texts[i];
                        if (text is null)
                        {
                            context.Fail(CorpusErrorKind.MissingText, row, 0, $"column '{context.Options.TextField}' is null in this row");
                            continue;
                        }

                        var document = context.Accept(batch.Ids?[i], text, batch.Sources?[i], batch.MetadataOf(i), row);
                        if (document is not null)
                        {
                            yield return document;
                        }
                    }
                }
            }
        }
    }

    private static async ValueTask<ParquetReader?> OpenAsync(CorpusFileContext context, Stream stream, CancellationToken cancellationToken)
    {
        try
        {
            // Checked before Parquet.Net reads the footer (both found by fuzzing): a footer length larger than the file made
            // it allocate that length whole (1.3 GB for a 392-byte file), and some damaged footers made its decoder loop forever.
            CheckFooter(stream);
            var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken).ConfigureAwait(false);
            try
            {
                // The schema is decoded lazily; a damaged one throws InvalidOperationException, NotSupportedException or
                // ArgumentException from Parquet.Net (found by fuzzing), so it is decoded here, where damage is reported.
                _ = reader.Schema.Fields;
                return reader;
            }
            catch
            {
                await reader.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Fail(CorpusErrorKind.CorruptFile, 0, 0, $"not a readable Parquet file ({ex.Message})", ex);
            return null;
        }
    }

    private static void CheckFooter(Stream stream)
    {
        // Layout: "PAR1", data, footer, footer length (int32, little-endian), "PAR1".
        if (stream.Length < 12)
        {
            return; // Parquet.Net reports it
        }

        Span<byte> tail = stackalloc byte[8];
        stream.Position = stream.Length - 8;
        stream.ReadExactly(tail);
        stream.Position = 0;
        int footer = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footer <= 0 || footer > stream.Length - 12)
        {
            throw new InvalidDataException($"the footer length {footer} does not fit in the file's {stream.Length} bytes");
        }

        var bytes = new byte[footer];
        stream.Position = stream.Length - 8 - footer;
        stream.ReadExactly(bytes);
        stream.Position = 0;
        try
        {
            ParquetThrift.ReadFooter(bytes);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidDataException($"the footer ({footer} bytes) cannot be decoded: {ex.Message}", ex);
        }
    }

    private static Columns? ResolveColumns(CorpusFileContext context, ParquetSchema schema)
    {
        var options = context.Options;
        var fields = schema.Fields.OfType<DataField>().Where(f => !f.IsArray).ToList();
        DataField? Find(string? name) => name is null ? null : fields.Find(f => string.Equals(f.Name, name, StringComparison.Ordinal));

        var text = Find(options.TextField);
        if (text is null)
        {
            var names = string.Join(", ", schema.Fields.Select(f => f.Name));
            context.Fail(CorpusErrorKind.MissingText, 0, 0, $"the file has no column '{options.TextField}' (columns: {names}); the file is skipped");
            return null;
        }

        if (!IsString(text.ClrType))
        {
            context.Fail(CorpusErrorKind.InvalidTextType, 0, 0, $"column '{options.TextField}' holds {text.ClrType.Name}, not strings; the file is skipped");
            return null;
        }

        var id = Find(options.IdField);
        var source = Find(options.SourceField);
        foreach (var field in new[] { id, source })
        {
            if (field is not null && !IsSupported(field.ClrType))
            {
                context.Fail(CorpusErrorKind.InvalidFieldType, 0, 0, $"column '{field.Name}' holds {field.ClrType.Name}, not strings or numbers; the file is skipped");
                return null;
            }
        }

        var metadata = options.IncludeMetadata
            ? fields.Where(f => f != text && f != id && f != source && IsSupported(f.ClrType)).ToArray()
            : [];
        return new Columns(text, id, source, metadata);
    }

    // Parquet.Net 6 reports string columns as ReadOnlyMemory<char>; older schemas may say string.
    private static bool IsString(Type type) => type == typeof(string) || type == typeof(ReadOnlyMemory<char>);

    private static bool IsSupported(Type type) =>
        IsString(type) || type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte)
        || type == typeof(sbyte) || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort)
        || type == typeof(double) || type == typeof(float) || type == typeof(bool) || type == typeof(decimal);

    private static async ValueTask<Batch?> ReadRowGroupAsync(
        CorpusFileContext context,
        Stream file,
        ParquetReader reader,
        int group,
        Columns columns,
        long rowsBefore,
        CancellationToken cancellationToken)
    {
        try
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var count = checked((int)rowGroup.RowCount);
            var texts = await ReadColumnAsync(file, rowGroup, columns.Text, count, cancellationToken).ConfigureAwait(false);
            var ids = columns.Id is null ? null : await ReadColumnAsync(file, rowGroup, columns.Id, count, cancellationToken).ConfigureAwait(false);
            var sources = columns.Source is null ? null : await ReadColumnAsync(file, rowGroup, columns.Source, count, cancellationToken).ConfigureAwait(false);
            var metadata = new string?[columns.Metadata.Length][];
            for (var m = 0; m < metadata.Length; m++)
            {
                metadata[m] = await ReadColumnAsync(file, rowGroup, columns.Metadata[m], count, cancellationToken).ConfigureAwait(false);
            }

            return new Batch(texts, ids, sources, columns.Metadata, metadata);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            context.Fail(
                CorpusErrorKind.CorruptFile,
                rowsBefore + 1,
                0,
                string.Create(CultureInfo.InvariantCulture, $"row group {group} cannot be read; the rest of the file is skipped ({ex.Message})"),
                ex);
            return null;
        }
    }

    private static async ValueTask<string?[]> ReadColumnAsync(Stream file, ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
    {
        // Pages that Parquet.Net 6.1.0 would decode by corrupting memory are refused first (found by fuzzing).
        ParquetPageGuard.Check(file, rowGroup.GetMetadata(field), field);
        var type = field.ClrType;
        if (IsString(type))
        {
            var values = new string?[count];
            await rowGroup.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            return values;
        }

        return type switch
        {
            _ when type == typeof(int) => await ReadStructAsync<int>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(long) => await ReadStructAsync<long>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(short) => await ReadStructAsync<short>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(byte) => await ReadStructAsync<byte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(sbyte) => await ReadStructAsync<sbyte>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(uint) => await ReadStructAsync<uint>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ulong) => await ReadStructAsync<ulong>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ushort) => await ReadStructAsync<ushort>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(double) => await ReadStructAsync<double>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(float) => await ReadStructAsync<float>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(decimal) => await ReadStructAsync<decimal>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(bool) => await ReadStructAsync<bool>(rowGroup, field, count, cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException($"column '{field.Name}' of type {type.Name}"),
        };
    }

    private static async ValueTask<string?[]> ReadStructAsync<T>(ParquetRowGroupReader rowGroup, DataField field, int count, CancellationToken cancellationToken)
        where T : struct
    {
        var result = new string?[count];
        if (field.IsNullable)
        {
            var values = new T?[count];
            await rowGroup.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                result[i] = values[i] is { } value ? Format(value) : null;
            }
        }
        else
        {
            var values = new T[count];
            await rowGroup.ReadAsync<T>(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                result[i] = Format(values[i]);
            }
        }

        return result;
    }

    private static string Format<T>(T value)
        where T : struct => value switch
        {
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString() ?? string.Empty,
        };

    private sealed record Columns(DataField Text, DataField? Id, DataField? Source, DataField[] Metadata);

    private sealed class Batch(string?[] texts, string?[]? ids, string?[]? sources, DataField[] metadataFields, string?[][] metadata)
    {
        public string?[] Texts => texts;

        public string?[]? Ids => ids;

        public string?[]? Sources => sources;

        public Dictionary<string, string>? MetadataOf(int row)
        {
            Dictionary<string, string>? result = null;
            for (var m = 0; m < metadataFields.Length; m++)
            {
                if (metadata[m][row] is { } value)
                {
                    result ??= new Dictionary<string, string>(StringComparer.Ordinal);
                    result[metadataFields[m].Name] = value;
                }
            }

            return result;
        }
    }
}

using Parquet.Meta;
using Parquet.Schema;
using ParquetEncoding = Parquet.Meta.Encoding;

namespace Climb;

/// <summary>
/// Reads the page headers of a column chunk, exactly as Parquet.Net will, before Parquet.Net decodes the chunk, and
/// rejects a data page whose values declare the RLE encoding in a column that is not boolean.
/// </summary>
/// <remarks>
/// Parquet allows RLE for the values of boolean columns only. Parquet.Net 6.1.0 (and its sources up to at least
/// f09ff233) decodes RLE values of any other column by reinterpreting the column's buffer as 32-bit integers
/// (<c>DataColumnReader</c>, <c>case Encoding.RLE</c>): for a string column it writes integers over the object
/// references of its <see cref="ReadOnlyMemory{T}"/> values, and for 8- and 16-bit columns past the buffer's end. The
/// managed heap is corrupted and the process dies with an access violation, which no <c>catch</c> can stop (found by
/// fuzzing: a one-byte change of a page header's encoding, <c>tests/Fuzz/regressions/parquet/</c>). The headers are
/// read with Parquet.Net's own header decoder (<see cref="ParquetThrift"/>), so the guard sees the same pages and
/// encodings.
/// </remarks>
internal static class ParquetPageGuard
{
    private const int MaxPages = 100_000;

    /// <summary>Throws <see cref="InvalidDataException"/> if a data page of the column chunk declares RLE values for a non-boolean column.</summary>
    /// <param name="file">The Parquet file (its position is restored).</param>
    /// <param name="chunk">The column chunk about to be read.</param>
    /// <param name="field">The column's field.</param>
    public static void Check(Stream file, ColumnChunk? chunk, DataField field)
    {
        if (!ParquetThrift.IsAvailable || chunk?.MetaData is not { } meta || field.ClrType == typeof(bool))
        {
            return; // a missing chunk or metadata is reported by Parquet.Net itself
        }

        // Where Parquet.Net starts: the smallest non-zero of the dictionary, data and index page offsets.
        long offset = new[] { meta.DictionaryPageOffset ?? 0, meta.DataPageOffset, meta.IndexPageOffset ?? 0 }.Where(o => o != 0).DefaultIfEmpty(0).Min();
        long position = file.Position;
        try
        {
            long values = 0;
            for (int page = 0; page < MaxPages && values < meta.NumValues; page++)
            {
                if (offset < 0 || offset >= file.Length)
                {
                    return; // Parquet.Net reports the page outside the file
                }

                file.Position = offset;
                PageHeader header;
                try
                {
                    header = ParquetThrift.ReadPageHeader(file)!;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    return; // an undecodable header: Parquet.Net's decoder fails on it the same way
                }

                long next = file.Position + header.CompressedPageSize;
                var (encoding, count) = header.Type switch
                {
                    PageType.DATA_PAGE => (header.DataPageHeader?.Encoding, header.DataPageHeader?.NumValues ?? 0),
                    PageType.DATA_PAGE_V2 => (header.DataPageHeaderV2?.Encoding, header.DataPageHeaderV2?.NumValues ?? 0),
                    _ => ((ParquetEncoding?)null, 0),
                };
                if (encoding == ParquetEncoding.RLE)
                {
                    throw new InvalidDataException(
                        $"column '{field.Name}': the data page at byte {offset} declares RLE-encoded values, which Parquet allows only in boolean columns (this one holds {field.ClrType.Name})");
                }

                if (next <= offset)
                {
                    return; // no progress: Parquet.Net reports it (or loops on it: see docs/reliability.md)
                }

                values += Math.Max(0, count);
                offset = next;
            }
        }
        finally
        {
            file.Position = position;
        }
    }
}

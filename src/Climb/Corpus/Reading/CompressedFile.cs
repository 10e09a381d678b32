using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Unicode;
using ZstdSharp;

namespace Climb;

/// <summary>Opens a file, transparently decompressing gzip or zstd content (detected from its first bytes).</summary>
internal static class CompressedFile
{
    private static readonly string[] CompressionSuffixes = [".gz", ".zst"];

    public static Stream Open(string path)
    {
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.Read,
            BufferSize = 1 << 16,
            Options = FileOptions.SequentialScan | FileOptions.Asynchronous,
        });
        try
        {
            Span<byte> magic = stackalloc byte[4];
            var read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            file.Position = 0;
            if (read >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
            {
                return new TruncationCheckingGZipStream(file);
            }

            if (read >= 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD)
            {
                return new DecompressionStream(file, leaveOpen: false);
            }

            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Whether an exception thrown while reading a decompressed stream means the file itself is corrupt.</summary>
    public static bool IsCorruption(Exception exception) =>
        exception is InvalidDataException or ZstdException or EndOfStreamException;

    /// <summary>The file name without compression and format extensions: <c>bible.jsonl.gz</c> gives <c>bible</c>.</summary>
    public static string StemOf(string fileName)
    {
        var name = fileName;
        foreach (var suffix in CompressionSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^suffix.Length];
                break;
            }
        }

        var extension = Path.GetExtension(name);
        return extension.Length > 0 && extension.Length < name.Length ? name[..^extension.Length] : name;
    }

    /// <summary>The format a file name implies under <see cref="CorpusFormat.Auto"/>, or <see langword="null"/> if none.</summary>
    public static CorpusFormat? FormatOf(string fileName)
    {
        var name = fileName;
        var compressed = false;
        foreach (var suffix in CompressionSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                name = name[..^suffix.Length];
                compressed = true;
                break;
            }
        }

        return Path.GetExtension(name).ToUpperInvariant() switch
        {
            ".JSONL" or ".NDJSON" or ".JSONLINES" => CorpusFormat.JsonLines,
            ".PARQUET" when !compressed => CorpusFormat.Parquet,
            ".TXT" or ".TEXT" or ".MD" or ".RST" => CorpusFormat.TextFiles,
            _ => null,
        };
    }

    /// <summary>The byte offset of the first invalid UTF-8 sequence, or -1 if the bytes are valid UTF-8.</summary>
    public static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes))
        {
            return -1;
        }

        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return -1;
    }
}

/// <summary>
/// A gzip decompression stream that notices truncation, which .NET's <see cref="GZipStream"/> ends quietly: at the end
/// it compares the trailer's ISIZE (the uncompressed size modulo 2^32, the file's last 4 bytes) with the bytes produced.
/// A mismatch is a truncated file unless the file may hold several gzip members (ISIZE then covers only the last one),
/// which is ruled out when no other gzip header (1F 8B 08) occurs in the file.
/// </summary>
internal sealed class TruncationCheckingGZipStream(FileStream file) : Stream
{
    private readonly GZipStream inner = new(file, CompressionMode.Decompress, leaveOpen: true);
    private long produced;
    private bool checkedEnd;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => produced;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (checkedEnd)
        {
            return 0;
        }

        var read = inner.Read(buffer);
        return Count(read, buffer.IsEmpty);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (checkedEnd)
        {
            return 0;
        }

        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Count(read, buffer.IsEmpty);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
            file.Dispose();
        }

        base.Dispose(disposing);
    }

    private int Count(int read, bool emptyRequest)
    {
        produced += read;
        if (read == 0 && !emptyRequest && !checkedEnd)
        {
            checkedEnd = true;
            CheckTrailer();
        }

        return read;
    }

    private void CheckTrailer()
    {
        var length = file.Length;
        if (length < 18)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"the gzip data is truncated ({length} bytes, less than a gzip header and trailer)"));
        }

        Span<byte> trailer = stackalloc byte[4];
        file.Position = length - 4;
        file.ReadExactly(trailer);
        var size = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        if (size == (uint)produced || MayHoldSeveralMembers())
        {
            return;
        }

        throw new InvalidDataException(string.Create(
            CultureInfo.InvariantCulture,
            $"the gzip data is truncated: it ended after {produced} bytes, its trailer records {size} (mod 2^32)"));
    }

    private bool MayHoldSeveralMembers()
    {
        ReadOnlySpan<byte> magic = [0x1F, 0x8B, 0x08];
        var buffer = new byte[1 << 16];
        file.Position = 1;
        var carry = 0;
        int read;
        while ((read = file.Read(buffer, carry, buffer.Length - carry)) > 0)
        {
            var span = buffer.AsSpan(0, carry + read);
            if (span.IndexOf(magic) >= 0)
            {
                return true;
            }

            carry = Math.Min(magic.Length - 1, span.Length);
            span[^carry..].CopyTo(buffer);
        }

        return false;
    }
}


using System.Buffers;
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
                return new GZipStream(file, CompressionMode.Decompress, leaveOpen: false);
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

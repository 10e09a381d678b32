using System.Globalization;
using System.Text;

namespace Climb;

/// <summary>Reads one text file (plain, gzip or zstd) as one document; its id is its relative path.</summary>
internal static class TextCorpusFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async ValueTask<Document?> ReadAsync(CorpusFileContext context, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var limit = context.Options.MaxRecordBytes;
        byte[] bytes;
        var stream = CompressedFile.Open(context.FullPath);
        await using (stream.ConfigureAwait(false))
        {
            using var content = new MemoryStream();
            var buffer = new byte[1 << 16];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (content.Length + read > limit)
                    {
                        context.AddBytes(content.Length + read);
                        context.Fail(
                            CorpusErrorKind.TooLong,
                            0,
                            0,
                            string.Create(CultureInfo.InvariantCulture, $"the file has more than MaxRecordBytes ({limit}) bytes"));
                        return null;
                    }

                    content.Write(buffer, 0, read);
                }
            }
            catch (Exception ex) when (CompressedFile.IsCorruption(ex))
            {
                context.AddBytes(content.Length);
                context.Fail(CorpusErrorKind.CorruptFile, 0, 0, $"the compressed data is corrupt ({ex.Message})", ex);
                return null;
            }

            bytes = content.ToArray();
        }

        context.AddBytes(bytes.Length);
        var span = bytes.AsSpan();
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        var invalid = CompressedFile.FirstInvalidUtf8(span);
        if (invalid >= 0)
        {
            var before = span[..invalid];
            var line = before.Count((byte)'\n') + 1;
            var column = invalid - (before.LastIndexOf((byte)'\n') + 1) + 1;
            context.Fail(
                CorpusErrorKind.InvalidUtf8,
                line,
                column,
                string.Create(CultureInfo.InvariantCulture, $"byte 0x{span[invalid]:X2} at byte {invalid + 1} of the file does not start a valid UTF-8 sequence"));
            return null;
        }

        var text = StrictUtf8.GetString(span);
        return context.Accept(context.RelativeName, text, null, null, 1);
    }
}

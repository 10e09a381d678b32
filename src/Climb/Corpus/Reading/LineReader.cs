namespace Climb;

/// <summary>
/// Splits a byte stream into lines ('\n', an optional '\r' before it is dropped) without decoding, reusing one buffer.
/// A line longer than the limit is consumed and reported as <see cref="CurrentTooLong"/> instead of growing the buffer
/// without bound. <see cref="Current"/> stays valid until the next call.
/// </summary>
internal sealed class LineReader
{
    private const int InitialBufferSize = 1 << 18;

    private readonly Stream stream;
    private readonly int maxLineBytes;
    private byte[] buffer;
    private int start;
    private int end;
    private bool eof;

    public LineReader(Stream stream, int maxLineBytes)
    {
        this.stream = stream;
        this.maxLineBytes = maxLineBytes;
        buffer = new byte[Math.Min(InitialBufferSize, maxLineBytes + 1)];
    }

    /// <summary>Gets the 1-based number of the current line.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Gets the current line without its terminator (empty when <see cref="CurrentTooLong"/>).</summary>
    public ReadOnlyMemory<byte> Current { get; private set; }

    /// <summary>Gets a value indicating whether the current line exceeded the limit (and was skipped).</summary>
    public bool CurrentTooLong { get; private set; }

    /// <summary>Gets the bytes the current line took in the stream, terminator included.</summary>
    public long CurrentBytes { get; private set; }

    public async ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken)
    {
        var discarding = false;
        long discarded = 0;
        var searchFrom = start;
        while (true)
        {
            var index = buffer.AsSpan(searchFrom, end - searchFrom).IndexOf((byte)'\n');
            if (index >= 0)
            {
                var newline = searchFrom + index;
                SetCurrent(newline, 1, discarding, discarded);
                start = newline + 1;
                return true;
            }

            if (eof)
            {
                if (start < end || discarding)
                {
                    SetCurrent(end, 0, discarding, discarded);
                    start = end;
                    return true;
                }

                Current = default;
                return false;
            }

            if (discarding)
            {
                discarded += end - start;
                start = end = 0;
            }
            else if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
            }

            if (end == buffer.Length)
            {
                if (buffer.Length > maxLineBytes)
                {
                    discarding = true;
                    discarded += end;
                    start = end = 0;
                }
                else
                {
                    var grown = new byte[(int)Math.Min((long)buffer.Length * 2, (long)maxLineBytes + 1)];
                    Buffer.BlockCopy(buffer, 0, grown, 0, end);
                    buffer = grown;
                }
            }

            searchFrom = end;
            var read = await stream.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                eof = true;
            }
            else
            {
                end += read;
            }
        }
    }

    private void SetCurrent(int lineEnd, int terminator, bool discarding, long discarded)
    {
        LineNumber++;
        var length = lineEnd - start;
        CurrentBytes = discarded + length + terminator;
        if (discarding || length > maxLineBytes)
        {
            CurrentTooLong = true;
            Current = default;
            return;
        }

        CurrentTooLong = false;
        var line = buffer.AsMemory(start, length);
        if (line.Span is [.., (byte)'\r'])
        {
            line = line[..^1];
        }

        if (LineNumber == 1 && line.Span.StartsWith("\uFEFF"u8))
        {
            line = line[3..];
        }

        Current = line;
    }
}

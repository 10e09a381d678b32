using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Climb;

/// <summary>
/// The SHA-256 of every file <see cref="AtomicFile"/> writes while a stage runs, computed from the bytes on their way to
/// the disk, so that the stage's manifest need not read those files back. The stage runner opens a scope around a stage's
/// run (<see cref="Record"/>); the scope flows with the async context into the stage's tasks. A file written by other
/// code (a store builder, a user's component, another process) has no entry and is hashed by reading it.
/// </summary>
internal sealed class WrittenFileHashes
{
    private static readonly AsyncLocal<WrittenFileHashes?> CurrentScope = new();

    private readonly ConcurrentDictionary<string, Entry> _files = new(StringComparer.Ordinal);
    private int _hits;

    /// <summary>Gets the recorder of the stage running in this async context, or <see langword="null"/> outside one.</summary>
    public static WrittenFileHashes? Current => CurrentScope.Value;

    /// <summary>Gets the number of files recorded.</summary>
    public int Count => _files.Count;

    /// <summary>Gets how many times <see cref="TryGet"/> returned a recorded hash (a file not read back).</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Starts recording in this async context until the returned scope is disposed.</summary>
    /// <param name="recorder">The new recorder.</param>
    /// <returns>The scope; disposing it restores the previous recorder.</returns>
    public static Scope Record(out WrittenFileHashes recorder)
    {
        var previous = CurrentScope.Value;
        recorder = new WrittenFileHashes();
        CurrentScope.Value = recorder;
        return new Scope(previous);
    }

    /// <summary>Records a file just written (and renamed into place) with the hash of the bytes written to it.</summary>
    /// <param name="path">The file's full path.</param>
    /// <param name="length">The number of bytes written.</param>
    /// <param name="sha256">Their SHA-256, lower-case hex.</param>
    public void Add(string path, long length, string sha256)
    {
        var info = new FileInfo(path);
        if (info.Exists && info.Length == length)
        {
            _files[Path.GetFullPath(path)] = new Entry(length, info.LastWriteTimeUtc, sha256);
        }
        else
        {
            _files.TryRemove(Path.GetFullPath(path), out _);
        }
    }

    /// <summary>
    /// Gets the recorded hash of a file when the file still has the size and write time it had when recorded. Other code
    /// rewriting the file in place with the same size within the file system's timestamp granularity would go unseen; the
    /// manifest's hash would then fail verification on the next run, which runs the stage again (never a silent reuse).
    /// </summary>
    /// <param name="file">The file as it is now.</param>
    /// <returns>The hash, or <see langword="null"/> when the file must be read to hash it.</returns>
    public string? TryGet(FileInfo file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (_files.TryGetValue(file.FullName, out var e) && e.Length == file.Length && e.LastWriteUtc == file.LastWriteTimeUtc)
        {
            Interlocked.Increment(ref _hits);
            return e.Sha256;
        }

        return null;
    }

    /// <summary>Hex of a finished hash.</summary>
    internal static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    /// <summary>Restores the previous recorder when disposed.</summary>
    internal readonly struct Scope(WrittenFileHashes? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => CurrentScope.Value = previous;
    }

    private sealed record Entry(long Length, DateTime LastWriteUtc, string Sha256);
}

/// <summary>
/// A write-only pass-through stream that hashes what is written, in order. A writer that seeks, truncates or disposes it
/// makes the hash unusable (<see cref="Finish"/> returns <see langword="null"/>) but still works: its file is then hashed
/// by reading it. Disposing it disposes the underlying stream, as a writer disposing the file stream would.
/// </summary>
internal sealed class HashingWriteStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private bool _disposed;

    /// <summary>Gets the number of bytes written.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>Gets a value indicating whether every byte was appended in order (no seek, position change or truncation).</summary>
    public bool Sequential { get; private set; } = true;

    public override bool CanRead => false;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => true;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set
        {
            Sequential = false;
            inner.Position = value;
        }
    }

    /// <summary>Finishes the hash (call once, after the last write).</summary>
    /// <returns>The SHA-256 of the bytes written, lower-case hex; <see langword="null"/> when the writer seeked, truncated
    /// or disposed the stream, so the bytes on disk are not known to be the bytes hashed in order.</returns>
    public string? Finish() => Sequential && !_disposed ? WrittenFileHashes.Hex(_hash) : null;

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin)
    {
        Sequential = false;
        return inner.Seek(offset, origin);
    }

    public override void SetLength(long value)
    {
        Sequential = false;
        inner.SetLength(value);
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        inner.Write(buffer);
        Append(buffer);
    }

    public override void WriteByte(byte value)
    {
        inner.WriteByte(value);
        Append([value]);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
        Append(buffer.Span);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _hash.Dispose();
            inner.Dispose(); // as if the writer had disposed the file stream itself
        }

        base.Dispose(disposing);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        _hash.AppendData(bytes);
        BytesWritten += bytes.Length;
    }
}

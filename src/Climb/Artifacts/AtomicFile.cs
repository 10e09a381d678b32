using System.Security.Cryptography;
using System.Text;

namespace Climb;

/// <summary>
/// Writes files so that a reader never sees a partial one: write to a temporary name, flush, rename. Inside a stage run
/// (<see cref="WrittenFileHashes.Current"/>) it also hashes the bytes as they are written, for the stage's manifest.
/// </summary>
internal static class AtomicFile
{
    public static async Task WriteAllTextAsync(string path, string contents, CancellationToken cancellationToken = default)
    {
        await WriteAsync(path, async s =>
        {
            byte[] bytes = new UTF8Encoding(false).GetBytes(contents);
            await s.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes bytes synchronously through a temporary file in the same folder, flushed, then renamed.</summary>
    public static void Write(string path, ReadOnlySpan<byte> content)
    {
        string full = Path.GetFullPath(path);
        var recorder = WrittenFileHashes.Current;
        string temp = full + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
            recorder?.Add(full, content.Length, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static async Task WriteAsync(string path, Func<Stream, Task> write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var recorder = WrittenFileHashes.Current;
        string tmp = full + "." + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        HashingWriteStream? hashing = null;
        try
        {
            var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (fs.ConfigureAwait(false))
            {
                if (recorder is null)
                {
                    await write(fs).ConfigureAwait(false);
                }
                else
                {
                    hashing = new HashingWriteStream(fs);
                    await write(hashing).ConfigureAwait(false);
                }

                await fs.FlushAsync(cancellationToken).ConfigureAwait(false);
                fs.Flush(flushToDisk: true);
            }

            File.Move(tmp, full, overwrite: true);
            if (hashing?.Finish() is { } sha256)
            {
                recorder!.Add(full, hashing.BytesWritten, sha256);
            }
        }
        catch
        {
            TryDelete(tmp);
            throw;
        }
        finally
        {
            hashing?.Dispose();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

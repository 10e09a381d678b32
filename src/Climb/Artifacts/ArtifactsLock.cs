using System.Globalization;
using System.Text.Json;

namespace Climb;

/// <summary>
/// Makes one process the owner of an artifacts folder: an exclusive OS lock on <c>.climb.lock</c> (released by the OS
/// when the owner exits, even when killed) and the owner's pid, host and start time in <c>.climb.lock.owner</c>.
/// </summary>
internal sealed class ArtifactsLock : IDisposable
{
    public const string LockFileName = ".climb.lock";
    public const string OwnerFileName = ".climb.lock.owner";

    private readonly FileStream _lock;

    private ArtifactsLock(FileStream lockStream, LockOwner? previous)
    {
        _lock = lockStream;
        PreviousOwner = previous;
    }

    /// <summary>Gets the owner recorded by a process that exited without releasing the folder (a stale lock taken over), if any.</summary>
    public LockOwner? PreviousOwner { get; }

    /// <summary>Takes the folder, or throws naming the process that holds it.</summary>
    /// <exception cref="InvalidOperationException">Another process (or another run in this one) owns the folder.</exception>
    public static ArtifactsLock Acquire(string root, string folderOptionName)
    {
        Directory.CreateDirectory(root);
        string lockPath = Path.Combine(root, LockFileName);
        string ownerPath = Path.Combine(root, OwnerFileName);
        FileStream stream;
        try
        {
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException ex)
        {
            var owner = ReadOwner(ownerPath);
            string who = owner is null
                ? "another process"
                : string.Create(CultureInfo.InvariantCulture, $"process {owner.Pid} on host {owner.Host} (running since {owner.Started:u})");
            throw new InvalidOperationException(
                $"The artifacts folder {root} is in use by {who}. Wait for that run to finish, or use another folder ({folderOptionName}).", ex);
        }

        var previous = ReadOwner(ownerPath);
        var me = new LockOwner(Environment.ProcessId, Environment.MachineName, DateTimeOffset.UtcNow);
        AtomicFile.Write(ownerPath, JsonSerializer.SerializeToUtf8Bytes(me));
        return new ArtifactsLock(stream, previous is null || previous.Pid == me.Pid && previous.Host == me.Host ? null : previous);
    }

    public void Dispose()
    {
        string? root = Path.GetDirectoryName(_lock.Name);
        if (root is not null)
        {
            try
            {
                File.Delete(Path.Combine(root, OwnerFileName));
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        _lock.Dispose();
    }

    private static LockOwner? ReadOwner(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<LockOwner>(File.ReadAllBytes(path)) : null;
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}

/// <summary>Who holds (or held) an artifacts folder.</summary>
/// <param name="Pid">The process id.</param>
/// <param name="Host">The machine name.</param>
/// <param name="Started">When it took the folder.</param>
internal sealed record LockOwner(int Pid, string Host, DateTimeOffset Started);

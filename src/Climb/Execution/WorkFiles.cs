using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Climb;

/// <summary>File helpers of the executors: atomic writes and the JSON options of request and result files.</summary>
internal static class WorkFiles
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes text through a temporary file in the same folder, flushed to disk, then renamed over the target.</summary>
    public static void WriteAtomic(string path, string contents)
    {
        string temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(new UTF8Encoding(false).GetBytes(contents));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try
            {
                File.Delete(temp);
            }
            catch (IOException)
            {
            }

            throw;
        }
    }

    /// <summary>Writes bytes through a temporary file in the same folder, flushed to disk, then renamed over the target.</summary>
    public static void WriteAtomic(string path, ReadOnlySpan<byte> contents)
    {
        string temp = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8];
        using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            stream.Write(contents);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Returns the last lines of a text file, or an empty string when it cannot be read.</summary>
    public static string Tail(string path, int lines)
    {
        try
        {
            if (!File.Exists(path))
            {
                return string.Empty;
            }

            var all = File.ReadAllLines(path);
            return string.Join(" | ", all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Trim()).Where(l => l.Length > 0));
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }
}

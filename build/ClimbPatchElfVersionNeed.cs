using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Marks one ELF version need (e.g. GLIBCXX_3.4.32) weak in the given shared objects, but only when the
// system's libstdc++ does not provide that version. Idempotent; writes through a temporary file + rename.
public class ClimbPatchElfVersionNeed : Task
{
    [Required] public ITaskItem[] Files { get; set; }
    [Required] public string VersionName { get; set; }

    private const ushort VerFlgWeak = 0x2;
    private static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        "/lib64/libstdc++.so.6",
    };

    public override bool Execute()
    {
        string lib = null;
        foreach (var c in LibStdCxxCandidates) { if (File.Exists(c)) { lib = c; break; } }
        if (lib == null)
        {
            Log.LogMessage(MessageImportance.Low, "Climb: no system libstdc++ found; TorchSharp patch not needed.");
            return true;
        }
        if (IndexOf(File.ReadAllBytes(lib), Encoding.ASCII.GetBytes(VersionName + "\0")) >= 0)
        {
            Log.LogMessage(MessageImportance.Low, "Climb: {0} provides {1}; TorchSharp patch not needed.", lib, VersionName);
            return true;
        }
        foreach (var item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                byte[] data = File.ReadAllBytes(path);
                int changed = MarkWeak(data, VersionName);
                if (changed < 0) { Log.LogMessage(MessageImportance.Low, "Climb: {0} has no need for {1}.", path, VersionName); continue; }
                if (changed == 0) { Log.LogMessage(MessageImportance.Low, "Climb: {0} already patched.", path); continue; }
                string tmp = path + ".climb-tmp";
                File.WriteAllBytes(tmp, data);
                File.Delete(path);           // break any hard link before the new file takes the name
                File.Move(tmp, path);
                Log.LogMessage(MessageImportance.High, "Climb: marked {0} weak in {1} ({2} lacks it).", VersionName, path, lib);
            }
            catch (Exception ex)
            {
                Log.LogError("Climb: could not patch {0}: {1}", path, ex.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    // Returns -1 if the need is absent, 0 if already weak, 1 if patched.
    private static int MarkWeak(byte[] d, string name)
    {
        if (d.Length < 64 || d[0] != 0x7f || d[1] != (byte)'E' || d[2] != (byte)'L' || d[3] != (byte)'F' || d[4] != 2 || d[5] != 1)
            throw new InvalidDataException("not a 64-bit little-endian ELF file");
        long shoff = (long)BitConverter.ToUInt64(d, 0x28);
        int shentsize = BitConverter.ToUInt16(d, 0x3A), shnum = BitConverter.ToUInt16(d, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            uint type = BitConverter.ToUInt32(d, (int)sh + 4);
            if (type != 0x6ffffffe) continue; // SHT_GNU_verneed
            long off = (long)BitConverter.ToUInt64(d, (int)sh + 0x18);
            uint link = BitConverter.ToUInt32(d, (int)sh + 0x28);
            long strSh = shoff + (long)link * shentsize;
            long strOff = (long)BitConverter.ToUInt64(d, (int)strSh + 0x18);
            int result = -1;
            long vn = off;
            while (true)
            {
                ushort cnt = BitConverter.ToUInt16(d, (int)vn + 2);
                uint aux = BitConverter.ToUInt32(d, (int)vn + 8), next = BitConverter.ToUInt32(d, (int)vn + 12);
                long va = vn + aux;
                for (int k = 0; k < cnt; k++)
                {
                    ushort flags = BitConverter.ToUInt16(d, (int)va + 4);
                    uint nameOff = BitConverter.ToUInt32(d, (int)va + 8), vnext = BitConverter.ToUInt32(d, (int)va + 12);
                    if (ReadCString(d, strOff + nameOff) == name)
                    {
                        if ((flags & VerFlgWeak) != 0) { result = Math.Max(result, 0); }
                        else
                        {
                            flags |= VerFlgWeak;
                            d[va + 4] = (byte)(flags & 0xff); d[va + 5] = (byte)(flags >> 8);
                            result = 1;
                        }
                    }
                    if (vnext == 0) break;
                    va += vnext;
                }
                if (next == 0) break;
                vn += next;
            }
            return result;
        }
        return -1;
    }

    private static string ReadCString(byte[] d, long at)
    {
        long end = at;
        while (end < d.Length && d[end] != 0) end++;
        return Encoding.ASCII.GetString(d, (int)at, (int)(end - at));
    }

    private static int IndexOf(byte[] hay, byte[] needle)
    {
        for (int i = 0; i <= hay.Length - needle.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && hay[i + j] == needle[j]) j++;
            if (j == needle.Length) return i;
        }
        return -1;
    }
}

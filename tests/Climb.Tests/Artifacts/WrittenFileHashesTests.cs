using System.Security.Cryptography;

namespace Climb.Tests.Artifacts;

public sealed class WrittenFileHashesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-hashes-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Sha(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task Files_written_through_AtomicFile_in_a_scope_are_hashed_while_written()
    {
        string a = Path.Combine(_dir, "a.bin"), b = Path.Combine(_dir, "sub", "b.bin"), c = Path.Combine(_dir, "c.json");
        WrittenFileHashes recorder;
        using (WrittenFileHashes.Record(out recorder))
        {
            AtomicFile.Write(a, Bytes(100_000, 1));
            await Task.Run(() => AtomicFile.WriteAsync(b, async s =>
            {
                await s.WriteAsync(Bytes(70_000, 2));
                s.WriteByte(7);
                s.Write(Bytes(3, 3), 1, 2);
            }));
            await AtomicFile.WriteAllTextAsync(c, "{\"x\": 1}");
        }

        Assert.Null(WrittenFileHashes.Current);
        Assert.Equal(3, recorder.Count);
        foreach (string path in new[] { a, b, c })
        {
            Assert.Equal(Sha(path), recorder.TryGet(new FileInfo(path)));
        }

        var fromWrites = StageManifest.HashFolder(_dir, CancellationToken.None, recorder);
        var fromReads = StageManifest.HashFolder(_dir, CancellationToken.None);
        Assert.Equal(fromReads, fromWrites);
    }

    [Fact]
    public async Task A_writer_that_disposes_the_stream_fails_as_it_does_without_hashing()
    {
        string path = Path.Combine(_dir, "disposed.txt");
        static async Task Write(Stream s)
        {
            await using var writer = new StreamWriter(s);
            await writer.WriteAsync("text");
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(() => AtomicFile.WriteAsync(path, Write));
        using (WrittenFileHashes.Record(out var recorder))
        {
            await Assert.ThrowsAsync<ObjectDisposedException>(() => AtomicFile.WriteAsync(path, Write));
            Assert.Equal(0, recorder.Count);
        }

        Assert.False(File.Exists(path));
        Assert.Empty(Directory.EnumerateFiles(_dir));
    }

    [Fact]
    public async Task A_file_changed_after_writing_or_written_with_seeks_is_hashed_by_reading()
    {
        string changed = Path.Combine(_dir, "changed.bin"), seeking = Path.Combine(_dir, "seeking.bin"), outside = Path.Combine(_dir, "outside.bin");
        AtomicFile.Write(outside, Bytes(10, 4)); // no scope: nothing recorded
        WrittenFileHashes recorder;
        using (WrittenFileHashes.Record(out recorder))
        {
            AtomicFile.Write(changed, Bytes(1000, 5));
            await AtomicFile.WriteAsync(seeking, async s =>
            {
                await s.WriteAsync(new byte[8]);
                await s.WriteAsync(Bytes(100, 6));
                s.Seek(0, SeekOrigin.Begin);
                await s.WriteAsync(BitConverter.GetBytes(100L)); // a length prefix filled in afterwards
            });
        }

        Assert.NotNull(recorder.TryGet(new FileInfo(changed)));
        await File.AppendAllTextAsync(changed, "more");
        Assert.Null(recorder.TryGet(new FileInfo(changed)));
        Assert.Null(recorder.TryGet(new FileInfo(seeking)));
        Assert.Null(recorder.TryGet(new FileInfo(outside)));

        var manifest = StageManifest.HashFolder(_dir, CancellationToken.None, recorder);
        Assert.Equal(Sha(changed), manifest["changed.bin"].Sha256);
        Assert.Equal(Sha(seeking), manifest["seeking.bin"].Sha256);
        Assert.Equal(108, manifest["seeking.bin"].Size);
    }
}

using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace Climb.Benchmarks.Artifacts;

/// <summary>
/// What a stage's manifest costs at the end of a stage: one artifact file written through <see cref="AtomicFile"/>
/// (streamed in 1 MiB writes, as a stage writer does, or from one span), then <see cref="StageManifest.HashFolder"/>.
/// <c>ReadBack</c> is the manifest reading the file again to hash it; <c>WhileWriting</c> hashes the bytes on their way
/// to the disk (<see cref="WrittenFileHashes"/>) and reads nothing back. <c>Cache=evicted</c> drops the file from the page
/// cache after the write (posix_fadvise DONTNEED, as happens to a file larger than free memory), so a read-back reads the
/// disk. One operation writes and hashes the file once.
/// Run: <c>dotnet run -c Release --project benchmarks/Climb.Benchmarks -- --filter '*StageFileHashBenchmarks*'</c>.
/// </summary>
[Config(typeof(Config))]
public partial class StageFileHashBenchmarks
{
    private const int Chunk = 1 << 20;
    private string folder = string.Empty;
    private byte[] data = [];

    /// <summary>Gets or sets the file size in MiB.</summary>
    [Params(256)]
    public int SizeMiB { get; set; } = 256;

    /// <summary>Gets or sets how the file is written: "stream" (1 MiB async writes) or "span" (one synchronous write).</summary>
    [Params("stream", "span")]
    public string Writer { get; set; } = "stream";

    /// <summary>Gets or sets whether the file stays in the page cache ("warm") or is evicted after writing ("evicted").</summary>
    [Params("warm", "evicted")]
    public string Cache { get; set; } = "warm";

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("climb-hash-bench-").FullName;
        data = new byte[SizeMiB * (long)Chunk];
        new Random(42).NextBytes(data);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    /// <summary>The manifest reads the file back to hash it (before hashing while writing).</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> ReadBack()
    {
        await WriteAsync().ConfigureAwait(false);
        return StageManifest.HashFolder(folder, CancellationToken.None).Count;
    }

    /// <summary>The bytes are hashed as they are written; the manifest takes the recorded hash.</summary>
    [Benchmark]
    public async Task<int> WhileWriting()
    {
        WrittenFileHashes recorder;
        using (WrittenFileHashes.Record(out recorder))
        {
            await WriteAsync().ConfigureAwait(false);
        }

        return StageManifest.HashFolder(folder, CancellationToken.None, recorder).Count;
    }

    private async Task WriteAsync()
    {
        string path = Path.Combine(folder, "artifact.bin");
        if (Writer == "span")
        {
            AtomicFile.Write(path, data);
        }
        else
        {
            await AtomicFile.WriteAsync(path, async s =>
            {
                for (int offset = 0; offset < data.Length; offset += Chunk)
                {
                    await s.WriteAsync(data.AsMemory(offset, Chunk)).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        if (Cache == "evicted")
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int fd = (int)file.SafeFileHandle.DangerousGetHandle();
            if (PosixFadvise(fd, 0, 0, PosixFadviseDontNeed) != 0)
            {
                throw new IOException("posix_fadvise(DONTNEED) failed.");
            }
        }
    }

    private const int PosixFadviseDontNeed = 4;

    [LibraryImport("libc", EntryPoint = "posix_fadvise")]
    private static partial int PosixFadvise(int fd, long offset, long length, int advice);

    private sealed class Config : ManualConfig
    {
        public Config() =>
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(1).WithIterationCount(10).WithInvocationCount(1).WithUnrollFactor(1));
    }
}

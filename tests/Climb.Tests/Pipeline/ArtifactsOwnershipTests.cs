using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;

namespace Climb.Tests.Pipeline;

/// <summary>One process owns an artifacts folder; the exported dataset depends on the seed alone, not on the process.</summary>
public class ArtifactsOwnershipTests
{
    private static ClimbCorpus Corpus => ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);

    [Fact]
    public async Task A_second_run_on_a_held_folder_names_the_owner_and_changes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("climb-lock-").FullName;
        using (ArtifactsLock.Acquire(dir, "--artifacts"))
        {
            var before = Snapshot(dir);
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                PipelineFixtures.SmallBuilder(dir).Build().RunUntilAsync(Corpus, [], "embed"));
            Assert.Contains($"process {Environment.ProcessId} on host {Environment.MachineName}", ex.Message, StringComparison.Ordinal);
            Assert.Contains("ClimbPipelineOptions.ArtifactsFolder", ex.Message, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(dir));

            // Another process (the CLI) gets the same clear message, without a stack trace, and exit code 1.
            var (exit, output) = await Cli.RunAsync(["embed", "--corpus", await Cli.WriteCorpusAsync(Directory.CreateTempSubdirectory("climb-lock-in-").FullName), "--artifacts", dir]);
            Assert.Equal(1, exit);
            Assert.Contains($"in use by process {Environment.ProcessId}", output.ReplaceLineEndings(" "), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
            Assert.Equal(before, Snapshot(dir).Where(f => !f.Key.EndsWith("climb.log", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task A_stale_lock_of_a_process_that_died_is_taken_over()
    {
        string dir = Directory.CreateTempSubdirectory("climb-stale-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, ArtifactsLock.LockFileName), string.Empty);
        await File.WriteAllTextAsync(Path.Combine(dir, ArtifactsLock.OwnerFileName), JsonSerializer.Serialize(new LockOwner(int.MaxValue - 1, "gone-host", DateTimeOffset.UtcNow.AddHours(-3))));
        var log = new ListLoggerFactory();
        var stages = await PipelineFixtures.SmallBuilder(dir).WithLoggerFactory(log).Build().RunUntilAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus.Take(200).ToList()), [], "embed");
        Assert.Equal(StageOutcome.Ran, Assert.Single(stages).Outcome);
        Assert.Contains(log.Messages, m => m.Text.Contains("gone-host", StringComparison.Ordinal) && m.Text.Contains("taking it over", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dir, ArtifactsLock.OwnerFileName)), "the owner record is removed when the run ends");
    }

    [Fact]
    public async Task The_export_is_byte_identical_when_two_processes_write_it_with_the_same_seed()
    {
        string work = Directory.CreateTempSubdirectory("climb-export-").FullName;
        string corpus = await Cli.WriteCorpusAsync(work, every: 3);
        string target = Path.Combine(work, "target.jsonl");
        await File.WriteAllLinesAsync(target, PipelineFixtures.Target("python").Texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        string first = Path.Combine(work, "first");
        string[] args = ["export", "--corpus", corpus, "--target", target, "--clusters", "10", "--super-clusters", "4", "--budgets", "4,4", "--proxy", "NGram", "--proxy-tokens", "20000", "--tokenizer", "byte", "--export-tokens", "100000", "--seed", "11"];
        var (exit1, out1) = await Cli.RunAsync([.. args, "--artifacts", first]);
        Assert.True(exit1 == 0, out1);

        // The same folder without its export, exported again by a new process.
        string second = Path.Combine(work, "second");
        foreach (string file in Directory.EnumerateFiles(first, "*", SearchOption.AllDirectories).Where(f => !f.Contains("09-export", StringComparison.Ordinal)))
        {
            string to = Path.Combine(second, Path.GetRelativePath(first, file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to);
        }

        var (exit2, out2) = await Cli.RunAsync([.. args, "--artifacts", second]);
        Assert.True(exit2 == 0, out2);
        Assert.Matches("│ export +│ Ran", out2);
        Assert.Matches("│ search +│ Reused", out2);
        var a = Snapshot(Path.Combine(first, "09-export", "dataset"));
        var b = Snapshot(Path.Combine(second, "09-export", "dataset"));
        Assert.True(a.Count >= 3, "shards and export.json");
        Assert.Equal(a, b);
    }

    private static List<KeyValuePair<string, string>> Snapshot(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(ArtifactsLock.LockFileName, StringComparison.Ordinal))
            .Select(f => KeyValuePair.Create(Path.GetRelativePath(dir, f), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Runs the built `climb` command line in its own process.</summary>
    internal static class Cli
    {
        public static async Task<string> WriteCorpusAsync(string dir, int every = 1)
        {
            string corpus = Path.Combine(dir, "corpus.jsonl");
            await File.WriteAllLinesAsync(corpus, PipelineFixtures.Corpus.Where((_, i) => i % every == 0).Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
            return corpus;
        }

        public static async Task<(int Exit, string Output)> RunAsync(IEnumerable<string> args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(Dll);
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["NO_COLOR"] = "1";
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            return (p.ExitCode, await stdout + await stderr);
        }

        private static string Dll =>
            new[] { "Release", "Debug" }.Select(c => Path.Combine(RepoPaths.Root, "src", "Climb.Cli", "bin", c, "net10.0", "Climb.Cli.dll")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Build the solution first: src/Climb.Cli is not built.");
    }
}

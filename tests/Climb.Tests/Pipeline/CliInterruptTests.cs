using System.Diagnostics;
using System.Text.Json;

namespace Climb.Tests.Pipeline;

/// <summary>The real `climb` process, interrupted by SIGINT and killed by SIGKILL, resumes to the same weights.</summary>
public partial class CliInterruptTests
{
    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    internal static string CliDll
    {
        get
        {
            foreach (string config in new[] { "Release", "Debug" })
            {
                string p = Path.Combine(RepoPaths.Root, "src", "Climb.Cli", "bin", config, "net10.0", "Climb.Cli.dll");
                if (File.Exists(p))
                {
                    return p;
                }
            }

            throw new InvalidOperationException("Build the solution first: src/Climb.Cli is not built.");
        }
    }

    private static async Task<(string Corpus, string Target)> WriteInputsAsync(string dir)
    {
        string corpus = Path.Combine(dir, "corpus.jsonl");
        string target = Path.Combine(dir, "target.jsonl");
        await File.WriteAllLinesAsync(corpus, PipelineFixtures.Corpus.Select(d => JsonSerializer.Serialize(new { id = d.Id, text = d.Text, source = d.Source })));
        await File.WriteAllLinesAsync(target, PipelineFixtures.Target("python").Texts.Select(t => JsonSerializer.Serialize(new { text = t })));
        return (corpus, target);
    }

    private static Process Start(string corpus, string target, string artifacts)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[]
        {
            CliDll, "run", "--corpus", corpus, "--target", target, "--artifacts", artifacts, "--clusters", "24", "--super-clusters", "8",
            "--budgets", "8,4,4", "--proxy", "NGram", "--proxy-tokens", "60000", "--tokenizer", "byte", "--export-tokens", "100000",
        })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["NO_COLOR"] = "1";
        return Process.Start(psi)!;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string corpus, string target, string artifacts, Func<string, bool>? killWhen = null, bool sigint = false)
    {
        using var p = Start(corpus, target, artifacts);
        var output = new System.Text.StringBuilder();
        var err = p.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await p.StandardOutput.ReadLineAsync()) is not null)
        {
            output.AppendLine(line);
            if (killWhen is not null && killWhen(line))
            {
                if (sigint)
                {
                    Assert.Equal(0, Kill(p.Id, 2)); // SIGINT, as Ctrl+C sends
                }
                else
                {
                    p.Kill(entireProcessTree: true); // SIGKILL: no cleanup at all
                }

                killWhen = null;
            }
        }

        await p.WaitForExitAsync();
        return (p.ExitCode, output + await err);
    }

    private static double[] Weights(string artifacts)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "weights.json")));
        return doc.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("weight").GetDouble()).ToArray();
    }

    [SigintFact]
    public async Task Sigint_then_sigkill_mid_run_and_a_rerun_give_the_uninterrupted_weights()
    {
        string dir = Directory.CreateTempSubdirectory("climb-cli-").FullName;
        var (corpus, target) = await WriteInputsAsync(dir);

        string reference = Path.Combine(dir, "reference");
        var (exit0, out0) = await RunAsync(corpus, target, reference);
        Assert.True(exit0 == 0, out0);

        string artifacts = Path.Combine(dir, "interrupted");
        var (exit1, out1) = await RunAsync(corpus, target, artifacts, l => l.Contains(" tokenize ", StringComparison.Ordinal), sigint: true);
        Assert.True(exit1 == 130, out1);
        Assert.Contains("interrupted", out1, StringComparison.Ordinal);

        var (exit2, out2) = await RunAsync(corpus, target, artifacts, l => l.Contains("round 1 done", StringComparison.Ordinal));
        Assert.NotEqual(0, exit2);
        Assert.True(File.ReadLines(Path.Combine(artifacts, "08-search", "journal.jsonl")).Count() > 1, "the killed run had finished some proxies");
        Assert.False(File.Exists(Path.Combine(artifacts, "weights.json")));

        var (exit3, out3) = await RunAsync(corpus, target, artifacts);
        Assert.True(exit3 == 0, out3);
        foreach (string stage in new[] { "embed", "cluster", "score", "prune", "merge", "tokenize" })
        {
            Assert.Matches($"│ {stage} +│ Reused", out3);
        }

        Assert.Matches("│ search +│ Resumed", out3);
        Assert.Equal(Weights(reference), Weights(artifacts));
    }
}

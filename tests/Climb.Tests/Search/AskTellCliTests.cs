using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace Climb.Tests.Search;

/// <summary>
/// The ask/tell round trip through the real `climb` tool: `climb propose` writes mixtures, a "trainer" of the test's own
/// (no model: a known function of the mixture) writes results, `climb tell` reads them, `climb answer` answers.
/// </summary>
public sealed class AskTellCliTests(ITestOutputHelper log) : IDisposable
{
    /// <summary>Five domains; one name needs CSV quoting. 1M tokens; at a 1M-token target and 4 epochs each weight is at most 4 x its share.</summary>
    private static readonly (string Name, long Tokens)[] Domains = [("code", 400_000), ("prose, \"fiction\"", 300_000), ("math", 150_000), ("web", 100_000), ("dialogue", 50_000)];

    /// <summary>The optimum of the test's objective: feasible (math 0.45 ≤ 0.6, web 0.25 ≤ 0.4, dialogue 0.05 ≤ 0.2), far from the prior and from uniform.</summary>
    private static readonly double[] Optimum = [0.10, 0.15, 0.45, 0.25, 0.05];

    private readonly string _dir = Directory.CreateTempSubdirectory("climb-asktell-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The known function: 3 + 2 × squared Hellinger distance to <see cref="Optimum"/>, plus a small seed-dependent noise.</summary>
    private static double TrueLoss(IReadOnlyList<double> w) => 3 + (2 * Enumerable.Range(0, w.Count).Sum(i => Math.Pow(Math.Sqrt(w[i]) - Math.Sqrt(Optimum[i]), 2)));

    private static double Loss(IReadOnlyList<double> w, int seed) => TrueLoss(w) + (0.002 * ((new Random(seed).NextDouble() * 2) - 1));

    private static string CliDll
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

    private async Task<(int Exit, string Output)> RunClimb(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        psi.ArgumentList.Add(CliDll);
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

    /// <summary>The mixtures file: run, seed and one weight per domain, by the header's names (the test's own CSV reading).</summary>
    private static List<(string Run, int Seed, double[] Weights)> ReadMixtures(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = SplitCsv(lines[0]);
        Assert.Equal(new[] { "run", "seed" }.Concat(Domains.Select(d => d.Name)), header);
        return lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = SplitCsv(l);
            return (cells[0], int.Parse(cells[1], CultureInfo.InvariantCulture), cells.Skip(2).Select(c => double.Parse(c, CultureInfo.InvariantCulture)).ToArray());
        }).ToList();
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return cells;
    }

    private static string ResultRow(string run, double loss) => string.Create(CultureInfo.InvariantCulture, $"{run},{loss:R},{1 - (loss / 10):R},ok,");

    private const string ResultHeader = "run,loss,accuracy,status,error";

    private async Task<string[]> StartAsync(string session, string prior)
    {
        var (exit, output) = await RunClimb(
            "propose", "--session", session, "--prior", prior, "--budgets", "24,16,8", "--candidate-pool", "20000", "--seed", "5",
            "--target-tokens", "1000000", "--max-repetition", "4", "--out", Path.Combine(_dir, "first.csv"));
        Assert.True(exit == 0, output);
        return [Path.Combine(_dir, "first.csv")];
    }

    private string WritePrior()
    {
        string prior = Path.Combine(_dir, "tokens.csv");
        File.WriteAllLines(prior, new[] { "name,tokens" }.Concat(Domains.Select(d => (d.Name.Contains(',', StringComparison.Ordinal) ? "\"" + d.Name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : d.Name) + "," + d.Tokens.ToString(CultureInfo.InvariantCulture))));
        return prior;
    }

    /// <summary>Runs the whole round trip. Runs whose id is in <paramref name="lost"/> never report; those in <paramref name="failed"/> report status=failed.</summary>
    private async Task<JsonElement> RoundTripAsync(string session, bool shuffle, ISet<string> lost, ISet<string> failed)
    {
        string prior = WritePrior();
        string mixtures = (await StartAsync(session, prior))[0];
        var random = new Random(8);
        bool first = true;
        for (int step = 0; step < 10; step++)
        {
            var rows = ReadMixtures(mixtures);
            var lines = rows.Where(r => !lost.Contains(r.Run))
                .Select(r => failed.Contains(r.Run) ? $"{r.Run},,,failed,out of memory" : ResultRow(r.Run, Loss(r.Weights, r.Seed)))
                .ToList();
            string[] goal = first ? ["--metric", "loss", "--goal", "Minimize"] : [];
            first = false;
            bool close = rows.Any(r => lost.Contains(r.Run));
            if (shuffle)
            {
                // Shuffled and in two parts: a CSV, then JSON lines that repeat part of the CSV (told again unchanged: skipped).
                lines = lines.OrderBy(_ => random.Next()).ToList();
                int half = lines.Count / 2;
                string csv = Path.Combine(_dir, $"part1-{step}.csv");
                File.WriteAllLines(csv, new[] { ResultHeader }.Concat(lines.Take(half)));
                var (e1, o1) = await RunClimb(["tell", "--session", session, csv, .. goal]);
                Assert.True(e1 == 0, o1);
                string jsonl = Path.Combine(_dir, $"part2-{step}.jsonl");
                File.WriteAllLines(jsonl, lines.Skip(Math.Max(0, half - 2)).Select(JsonLine));
                var (e2, o2) = await RunClimb(["tell", "--session", session, jsonl, .. close ? ["--close"] : Array.Empty<string>()]);
                Assert.True(e2 == 0, o2);
            }
            else
            {
                string csv = Path.Combine(_dir, $"results-{step}.csv");
                File.WriteAllLines(csv, new[] { ResultHeader }.Concat(lines));
                var (e, o) = await RunClimb(["tell", "--session", session, csv, .. goal, .. close ? ["--close"] : Array.Empty<string>()]);
                Assert.True(e == 0, o);
            }

            mixtures = Path.Combine(_dir, $"next-{step}.csv");
            var (exit, output) = await RunClimb("propose", "--session", session, "--out", mixtures);
            Assert.True(exit == 0, output);
            if (output.Contains("the search is finished", StringComparison.Ordinal))
            {
                var (ae, ao) = await RunClimb("answer", "--session", session);
                Assert.True(ae == 0, ao);
                using var doc = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(session, "weights.json")));
                return doc.RootElement.Clone();
            }
        }

        throw new InvalidOperationException("the round trip did not finish in 10 steps");
    }

    /// <summary>A CSV result row as a JSON line ({"run", "metrics": {...}} or {"run", "status": "failed", "error"}).</summary>
    private static string JsonLine(string csvRow)
    {
        var c = SplitCsv(csvRow);
        return c[3] == "failed"
            ? JsonSerializer.Serialize(new { run = c[0], status = "failed", error = c[4] })
            : JsonSerializer.Serialize(new { run = c[0], metrics = new Dictionary<string, double> { ["loss"] = double.Parse(c[1], CultureInfo.InvariantCulture), ["accuracy"] = double.Parse(c[2], CultureInfo.InvariantCulture) } });
    }

    private static double[] Weights(JsonElement answer) => answer.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("weight").GetDouble()).ToArray();

    [Fact]
    public async Task Propose_train_tell_answer_converges_to_the_functions_optimum()
    {
        var answer = await RoundTripAsync(Path.Combine(_dir, "s"), shuffle: false, new HashSet<string>(), new HashSet<string>());
        var w = Weights(answer);
        double gap = TrueLoss(w) - TrueLoss(Optimum);
        double uniformGap = TrueLoss(Enumerable.Repeat(0.2, 5).ToArray()) - TrueLoss(Optimum);
        double priorGap = TrueLoss(Domains.Select(d => d.Tokens / 1e6).ToArray()) - TrueLoss(Optimum);
        log.WriteLine(FormattableString.Invariant($"answer {string.Join(", ", w.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))}: {gap:F4} above the optimum's loss (uniform {uniformGap:F4}, prior {priorGap:F4}); {answer.GetProperty("method").GetString()}"));
        Assert.True(gap <= 0.03, $"answer {string.Join(", ", w.Select(x => x.ToString("F3", CultureInfo.InvariantCulture)))} is {gap:F4} above the optimum (uniform {uniformGap:F4}, prior {priorGap:F4})");
        Assert.Equal(Domains.Select(d => d.Name), answer.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.Equal(1_000_000, answer.GetProperty("target_tokens").GetInt64());
        foreach (var c in answer.GetProperty("components").EnumerateArray())
        {
            Assert.True(c.GetProperty("weight").GetDouble() <= c.GetProperty("max_weight").GetDouble() + 1e-9);
            Assert.InRange(c.GetProperty("epochs").GetDouble(), 0, 4 + 1e-9);
        }

        // Climb's default ends with its confirmation round, proposed like any round: 2 candidates x 3 fresh seeds, with ids.
        Assert.Equal(24 + 16 + 8 + 6, answer.GetProperty("proxy_runs").GetInt32());
        var confirmation = ReadMixtures(Path.Combine(_dir, "next-2.csv"));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => $"r3-{i}"), confirmation.Select(r => r.Run));
        Assert.Equal(2, confirmation.Select(r => string.Join(",", r.Weights)).Distinct().Count());
        Assert.Equal(3, confirmation.Select(r => r.Seed).Distinct().Count());
        Assert.Contains("confirmed on 3 fresh data seeds", answer.GetProperty("method").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shuffled_partial_and_failed_results_give_the_in_order_answer_and_bad_files_are_refused_line_by_line()
    {
        var lost = new HashSet<string> { "r0-2", "r0-noise0", "r1-7" };
        var failed = new HashSet<string> { "r0-5", "r2-3" };
        var inOrder = await RoundTripAsync(Path.Combine(_dir, "a"), shuffle: false, lost, failed);

        // The bad file first, in the second session: each problem is named by file, line and column; nothing is told.
        string session = Path.Combine(_dir, "b");
        string prior = WritePrior();
        await StartAsync(session, prior);
        string bad = Path.Combine(_dir, "bad.csv");
        File.WriteAllLines(bad, new[] { ResultHeader, ResultRow("r0-0", 3.1), "r0-1,nan,0.7,ok,", "r9-9,3.2,0.7,ok,", ResultRow("r0-0", 3.1), "r0-3,,0.7,ok,", "r0-4,3.3,0.7,maybe," });
        string journal = Path.Combine(session, "journal.jsonl");
        int before = File.ReadAllLines(journal).Length;
        var (exit, output) = await RunClimb("tell", "--session", session, bad, "--metric", "loss", "--goal", "Minimize");
        Assert.Equal(1, exit);
        Assert.Contains($"nothing of {bad} was told", output, StringComparison.Ordinal);
        Assert.Contains($"{bad} line 3, column 2 (loss): nan is not finite", output, StringComparison.Ordinal);
        Assert.Contains($"{bad} line 4, column 1 (run): unknown run 'r9-9'", output, StringComparison.Ordinal);
        Assert.Contains($"{bad} line 5, column 1 (run): run 'r0-0' is also on line 2", output, StringComparison.Ordinal);
        Assert.Contains($"{bad} line 6, column 2 (loss): '' is not a number", output, StringComparison.Ordinal);
        Assert.Contains($"{bad} line 7, column 4 (status): status 'maybe' is neither ok nor failed", output, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllLines(journal).Length);
        var missing = Path.Combine(_dir, "missing.csv");
        File.WriteAllLines(missing, new[] { "run,accuracy", "r0-0,0.7" });
        var (mexit, moutput) = await RunClimb("tell", "--session", session, missing, "--metric", "loss", "--goal", "Minimize");
        Assert.Equal(1, mexit);
        Assert.Contains($"{missing} line 1: missing column 'loss'", moutput, StringComparison.Ordinal);
        Directory.Delete(session, recursive: true);

        var shuffled = await RoundTripAsync(session, shuffle: true, lost, failed);
        Assert.Equal(Weights(inOrder), Weights(shuffled));
        Assert.Equal(inOrder.GetProperty("method").GetString(), shuffled.GetProperty("method").GetString());
        Assert.Equal(inOrder.GetProperty("proxy_runs").GetInt32(), shuffled.GetProperty("proxy_runs").GetInt32());
        Assert.Equal(24 + 16 + 8 + 6 - 4, inOrder.GetProperty("proxy_runs").GetInt32()); // + the confirmation round; r0-2, r1-7 lost; r0-5, r2-3 failed
        Assert.Equal(5, inOrder.GetProperty("failed_runs").GetInt32()); // and the lost noise replicate
    }
}

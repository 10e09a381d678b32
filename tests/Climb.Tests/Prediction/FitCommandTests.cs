using System.Globalization;
using System.Text;
using Climb.Tests.Infrastructure;

namespace Climb.Tests.Prediction;

/// <summary>The real `climb fit` process on a small swarm in files: its printout, and its errors.</summary>
public class FitCommandTests
{
    private static string CliDll =>
        new[] { "Release", "Debug" }.Select(c => Path.Combine(RepoPaths.Root, "src", "Climb.Cli", "bin", c, "net10.0", "Climb.Cli.dll")).FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Build the solution first: src/Climb.Cli is not built.");

    private static Task<ChildProcess.Result> Climb(string dir, params string[] args) =>
        ChildProcess.RunAsync("dotnet", [CliDll, "fit", .. args], dir, TimeSpan.FromMinutes(5));

    [Fact]
    public async Task Fits_a_swarm_in_files_and_prints_the_answer_its_spearman_and_the_nearest_runs()
    {
        string dir = Directory.CreateTempSubdirectory("climb-fit-").FullName;
        try
        {
            // 40 runs over 3 domains; the loss is lowest at (0.2, 0.5, 0.3).
            var mixtures = new DirichletMixtureSampler().Sample(new MixturePrior([1.0, 1.0, 1.0]), 40, 3);
            var ratios = new StringBuilder("run,name,web,code,math\n");
            var metrics = new StringBuilder("run,eval/loss\n");
            for (int i = 0; i < mixtures.Count; i++)
            {
                var w = mixtures[i].AsSpan();
                double loss = 3 + Math.Pow(w[0] - 0.2, 2) + Math.Pow(w[1] - 0.5, 2) + Math.Pow(w[2] - 0.3, 2);
                ratios.AppendLine(string.Create(CultureInfo.InvariantCulture, $"run{i},mix {i},{w[0]:R},{w[1]:R},{w[2]:R}"));
                metrics.AppendLine(string.Create(CultureInfo.InvariantCulture, $"run{i},{loss:R}"));
            }

            await File.WriteAllTextAsync(Path.Combine(dir, "ratios.csv"), ratios.ToString());
            await File.WriteAllTextAsync(Path.Combine(dir, "metrics.csv"), metrics.ToString());
            await File.WriteAllTextAsync(Path.Combine(dir, "tokens.csv"), "domain,tokens\nweb,1000\ncode,100\nmath,1000\n");

            var ok = await Climb(dir, "--ratios", "ratios.csv", "--metrics", "metrics.csv", "--candidate-count", "5000", "--prior", "tokens.csv", "--target-tokens", "1000", "--max-repetition", "2");
            Assert.True(ok.ExitCode == 0, ok.Both);
            Assert.Contains("objective: eval/loss (lower is better; inferred: the name 'eval/loss' reads as a loss", ok.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("cross-validated Spearman: ", ok.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("answer: mean of the predicted top 128 of 5000 drawn candidates (prior: tokens.csv)", ok.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("(at most 0.2000)", ok.StandardOutput, StringComparison.Ordinal); // code: 100 tokens x 2 / 1000; the optimum's 0.5 is infeasible
            Assert.Contains("nearest measured runs", ok.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("predicted eval/loss: 3.", ok.StandardOutput, StringComparison.Ordinal);

            await File.AppendAllTextAsync(Path.Combine(dir, "metrics.csv"), "zz,3.5\n");
            var bad = await Climb(dir, "--ratios", "ratios.csv", "--metrics", "metrics.csv");
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("climb fit: error: metrics.csv:42: column 1 ('run'): run 'zz' is not in ratios.csv, so its mixture is unknown.", bad.StandardError, StringComparison.Ordinal);

            await File.WriteAllTextAsync(Path.Combine(dir, "bad-ratios.csv"), "run,name,web,code,math\nrun0,a,0.2,0.5,0.3\nrun1,b,0.2,x5,0.8\n");
            var badValue = await Climb(dir, "--ratios", "bad-ratios.csv", "--metrics", "metrics.csv");
            Assert.Equal(1, badValue.ExitCode);
            Assert.Contains("climb fit: error: bad-ratios.csv:3: column 4 ('code') is 'x5', not a number.", badValue.StandardError, StringComparison.Ordinal);

            var infeasible = await Climb(dir, "--ratios", "ratios.csv", "--metrics", "ratios.csv", "--target-tokens", "5");
            Assert.Equal(1, infeasible.ExitCode);
            Assert.Contains("--target-tokens needs --prior", infeasible.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

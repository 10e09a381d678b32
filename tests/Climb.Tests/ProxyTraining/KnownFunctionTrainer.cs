using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb.Tests.ProxyTraining;

/// <summary>
/// The tests' own external trainer (known_function_trainer.py, python3 only): it trains nothing and computes
/// f(w) = Σ wᵢ (1 − pᵢ), where pᵢ is the share of super-cluster i's tokens from documents of one source, read from the
/// data folder. Its optimum over the feasible mixtures (0 ≤ wᵢ ≤ max_weightᵢ, Σ wᵢ = 1) is known: fill the purest
/// super-clusters up to their bounds.
/// </summary>
internal static class KnownFunctionTrainer
{
    /// <summary>Gets the script's path.</summary>
    public static string Script => Path.Combine(RepoPaths.Root, "tests", "Climb.Tests", "ProxyTraining", "known_function_trainer.py");

    /// <summary>Gets a python3 (no packages needed), or null.</summary>
    public static string? Python => Found.Value;

    private static readonly Lazy<string?> Found = new(() => new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(Runs));

    /// <summary>The command template (no quotes around placeholders: Climb quotes them).</summary>
    /// <param name="source">The source whose share of the mixture's tokens f rewards.</param>
    /// <param name="waitFor">A file each proxy waits for before it computes f (null: none).</param>
    public static string Template(string source = "python", string? waitFor = null) =>
        $"'{Python}' '{Script}' --mixture {{mixture}} --data {{data}} --output {{output}} --seed {{seed}} --source {source}" +
        (waitFor is null ? string.Empty : $" --wait-for '{waitFor}'");

    /// <summary>Reads pᵢ for every super-cluster from a data folder (independently of the script).</summary>
    public static double[] SourceShares(string dataFolder, string source)
    {
        var index = JsonNode.Parse(File.ReadAllText(Path.Combine(dataFolder, "data.json")))!;
        return index["super_clusters"]!.AsArray().Select(c =>
        {
            long all = 0, matching = 0;
            foreach (var f in c!["files"]!.AsArray())
            {
                foreach (string line in File.ReadLines(Path.Combine(dataFolder, f!["path"]!.GetValue<string>())))
                {
                    var d = JsonNode.Parse(line)!;
                    long t = d["tokens"]!.GetValue<long>();
                    all += t;
                    matching += d["source"]?.GetValue<string>() == source ? t : 0;
                }
            }

            return all == 0 ? 0 : matching / (double)all;
        }).ToArray();
    }

    /// <summary>f(w) without the seed's noise.</summary>
    public static double Value(IReadOnlyList<double> weights, IReadOnlyList<double> shares) => weights.Select((w, i) => w * (1 - shares[i])).Sum();

    /// <summary>The optimum of f over the feasible mixtures: the purest super-clusters filled up to their bounds.</summary>
    public static double Optimum(IReadOnlyList<double> shares, IReadOnlyList<double> maxWeights)
    {
        double left = 1, value = 0;
        foreach (int i in Enumerable.Range(0, shares.Count).OrderByDescending(i => shares[i]))
        {
            double w = Math.Min(left, maxWeights[i]);
            value += w * (1 - shares[i]);
            left -= w;
        }

        return value;
    }

    /// <summary>Reads weights.json: the names, weights and bounds of the answer.</summary>
    public static (string[] Names, double[] Weights, double[] MaxWeights) Answer(string artifacts)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "weights.json")));
        var c = doc.RootElement.GetProperty("components").EnumerateArray().ToList();
        return (c.Select(e => e.GetProperty("name").GetString()!).ToArray(), c.Select(e => e.GetProperty("weight").GetDouble()).ToArray(), c.Select(e => e.GetProperty("max_weight").GetDouble()).ToArray());
    }

    private static bool Runs(string python)
    {
        try
        {
            var psi = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("import json, hashlib");
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            return p.WaitForExit(60_000) && p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}

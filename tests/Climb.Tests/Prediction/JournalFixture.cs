using System.Text.Json;

namespace Climb.Tests.Prediction;

/// <summary>Reads the (mixture, utility) pairs of a committed search journal (real proxy runs) for predictor tests.</summary>
internal static class JournalFixture
{
    /// <summary>The 112 Kneser-Ney proxies of `climb run --proxy NGram` on the sample corpus (seed 42, 20 super-clusters).</summary>
    public const string NGramSample = "ngram-sample-112.jsonl";

    public static string PathOf(string name) => Path.Combine(RepoPaths.Root, "tests", "Climb.Tests", "Prediction", "Fixtures", name);

    public static List<(MixtureWeights Mixture, double Target)> Load(string name, int? round = null)
    {
        var rows = new List<(MixtureWeights, double)>();
        foreach (string line in File.ReadLines(PathOf(name)))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            if (root.GetProperty("kind").GetString() != "result" || (round is { } r && root.GetProperty("round").GetInt32() != r))
            {
                continue;
            }

            rows.Add((new MixtureWeights(root.GetProperty("mixture").EnumerateArray().Select(e => e.GetDouble())), root.GetProperty("utility").GetDouble()));
        }

        return rows;
    }
}

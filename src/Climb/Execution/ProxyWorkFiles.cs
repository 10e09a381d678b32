using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb;

/// <summary>The JSON forms of a proxy run's request and result, and of the evaluation targets file.</summary>
internal static class ProxyWorkFiles
{
    public const string Kind = "proxy";

    /// <summary>Writes the targets once into the work folder (named by a hash of their content) and returns the path.</summary>
    public static string WriteTargets(string folder, IReadOnlyList<EvaluationTarget> targets)
    {
        var array = new JsonArray(targets.Select(t => (JsonNode?)t.ToJson()).ToArray());
        string json = array.ToJsonString();
        string path = Path.Combine(folder, "targets-" + WorkRequest.HashOf(json) + ".json");
        Directory.CreateDirectory(folder);
        if (!File.Exists(path))
        {
            WorkFiles.WriteAtomic(path, json);
        }

        return path;
    }

    public static List<EvaluationTarget> ReadTargets(string path)
    {
        if (!File.Exists(path))
        {
            throw new WorkRequestNotFoundException($"Targets file '{path}' not found on host '{Environment.MachineName}': the artifacts folder must be on storage every node sees.", path);
        }

        var list = new List<EvaluationTarget>();
        foreach (var node in JsonNode.Parse(File.ReadAllText(path))!.AsArray())
        {
            list.Add(EvaluationTarget.FromJson(node!.AsObject(), path));
        }

        return list;
    }

    public static JsonObject ResultToJson(ProxyResult r) => new()
    {
        ["objective"] = r.Objective,
        ["goal"] = r.Goal.ToString(),
        ["metrics"] = JsonSerializer.SerializeToNode(r.Metrics.ToDictionary(k => k.Key, k => k.Value), WorkFiles.Json),
        ["tokensTrained"] = r.TokensTrained,
        ["elapsedSeconds"] = r.Elapsed.TotalSeconds,
        ["device"] = r.Device,
        ["proxyConfiguration"] = r.ProxyConfiguration,
    };

    /// <summary>The result of a proxy run that failed (<see cref="ProxyRunFailedException"/>): <c>{ "failed": true, "reason": … }</c>.</summary>
    public static JsonObject FailureToJson(string reason) => new() { ["failed"] = true, ["reason"] = reason };

    /// <summary>Returns the reason of a failed run's result, or <see langword="null"/> when the run succeeded.</summary>
    public static string? FailureFromJson(JsonObject o) =>
        o["failed"] is JsonValue f && f.TryGetValue(out bool failed) && failed ? o["reason"]?.GetValue<string>() ?? "the proxy run failed" : null;

    public static ProxyResult ResultFromJson(JsonObject o, MixtureWeights mixture, int seed, string? job, string? host) => new()
    {
        Mixture = mixture,
        Seed = seed,
        Objective = Number(o["objective"]!),
        Goal = Enum.Parse<ObjectiveGoal>(o["goal"]!.GetValue<string>()),
        Metrics = o["metrics"]!.AsObject().ToDictionary(m => m.Key, m => Number(m.Value!)),
        TokensTrained = o["tokensTrained"]!.GetValue<long>(),
        Elapsed = TimeSpan.FromSeconds(o["elapsedSeconds"]!.GetValue<double>()),
        Device = job is null ? o["device"]!.GetValue<string>() : string.Create(CultureInfo.InvariantCulture, $"{o["device"]!.GetValue<string>()} (slurm job {job} on {host})"),
        ProxyConfiguration = o["proxyConfiguration"]!.GetValue<string>(),
    };

    /// <summary>Reads a number written with named literals allowed ("NaN", "Infinity" and "-Infinity" are strings).</summary>
    private static double Number(JsonNode node) => node.GetValueKind() == JsonValueKind.String
        ? double.Parse(node.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture)
        : node.GetValue<double>();
}

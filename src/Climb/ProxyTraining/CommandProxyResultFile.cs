using System.Text.Json;

namespace Climb;

/// <summary>
/// The result file a proxy command writes to <c>{output}</c> (docs/external-proxies.md, "The result file"): a JSON object
/// with <c>objective</c> (a finite number), <c>goal</c> (<c>"minimize"</c> or <c>"maximize"</c>) and optionally
/// <c>metrics</c> (names to finite numbers), <c>tokens_trained</c> and <c>device</c>; other fields are ignored.
/// </summary>
internal sealed record CommandProxyResultFile(double Objective, ObjectiveGoal Goal, IReadOnlyDictionary<string, double> Metrics, long TokensTrained, string? Device)
{
    /// <summary>The largest result file read (a trainer that writes more is malformed).</summary>
    private const long MaxBytes = 16L << 20;

    /// <summary>Reads and checks a result file.</summary>
    /// <exception cref="FormatException">The file is missing, too large, not JSON, or breaks the schema; the message says what is wrong, naming the field.</exception>
    public static CommandProxyResultFile Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FormatException($"it wrote no result file ('{path}' does not exist)");
        }

        if (info.Length > MaxBytes)
        {
            throw new FormatException($"its result file '{path}' has {info.Length} bytes, more than {MaxBytes}");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllBytes(path));
        }
        catch (JsonException ex)
        {
            throw new FormatException($"its result file '{path}' is not valid JSON ({ex.Message}{(ex.Message.Contains("'N'", StringComparison.Ordinal) || ex.Message.Contains("'I'", StringComparison.Ordinal) ? "; NaN and Infinity are not JSON" : string.Empty)})", ex);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Bad(path, $"is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object with \"objective\" and \"goal\"");
            }

            if (!root.TryGetProperty("objective", out var objective))
            {
                throw Bad(path, "has no \"objective\"");
            }

            if (objective.ValueKind != JsonValueKind.Number || !objective.TryGetDouble(out double value) || !double.IsFinite(value))
            {
                throw Bad(path, $"has \"objective\": {objective.GetRawText()}, not a finite number");
            }

            if (!root.TryGetProperty("goal", out var goalElement))
            {
                throw Bad(path, "has no \"goal\" (\"minimize\" for a loss, \"maximize\" for an accuracy)");
            }

            ObjectiveGoal goal = goalElement.ValueKind == JsonValueKind.String ? goalElement.GetString()!.ToLowerInvariant() switch
            {
                "minimize" => ObjectiveGoal.Minimize,
                "maximize" => ObjectiveGoal.Maximize,
                _ => throw Bad(path, $"has \"goal\": {goalElement.GetRawText()}, not \"minimize\" or \"maximize\""),
            }
            : throw Bad(path, $"has \"goal\": {goalElement.GetRawText()}, not \"minimize\" or \"maximize\"");

            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            if (root.TryGetProperty("metrics", out var m) && m.ValueKind != JsonValueKind.Null)
            {
                if (m.ValueKind != JsonValueKind.Object)
                {
                    throw Bad(path, $"has \"metrics\" of kind {m.ValueKind.ToString().ToLowerInvariant()}, not an object of names to numbers");
                }

                foreach (var p in m.EnumerateObject())
                {
                    if (p.Value.ValueKind != JsonValueKind.Number || !p.Value.TryGetDouble(out double v) || !double.IsFinite(v))
                    {
                        throw Bad(path, $"has metric \"{p.Name}\": {Short(p.Value.GetRawText())}, not a finite number");
                    }

                    metrics[p.Name] = v;
                }
            }

            long tokens = 0;
            if (root.TryGetProperty("tokens_trained", out var t) && t.ValueKind != JsonValueKind.Null && (t.ValueKind != JsonValueKind.Number || !t.TryGetInt64(out tokens) || tokens < 0))
            {
                throw Bad(path, $"has \"tokens_trained\": {Short(t.GetRawText())}, not a whole number ≥ 0");
            }

            string? device = root.TryGetProperty("device", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new CommandProxyResultFile(value, goal, metrics, tokens, device);
        }
    }

    private static FormatException Bad(string path, string what) => new($"its result file '{path}' {what}");

    private static string Short(string s) => s.Length <= 60 ? s : s[..60] + "…";

    /// <summary>Writes the record as a result file (the same schema; what a finished proxy keeps for re-runs).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("objective", Objective);
            w.WriteString("goal", Goal == ObjectiveGoal.Minimize ? "minimize" : "maximize");
            w.WriteStartObject("metrics");
            foreach (var (k, v) in Metrics)
            {
                w.WriteNumber(k, v);
            }

            w.WriteEndObject();
            w.WriteNumber("tokens_trained", TokensTrained);
            if (Device is not null)
            {
                w.WriteString("device", Device);
            }

            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Climb;

/// <summary>
/// Reads mixtures to measure or compare: a <c>weights.json</c> written by the search stage, a CSV of mixtures (a
/// <c>run</c> column and one column per super-cluster, named as in weights.json), or the keywords <c>uniform</c> (1/K
/// everywhere) and <c>prior</c> (the data's token shares). Every error names the file and the line.
/// </summary>
internal static class MixtureFiles
{
    /// <summary>The largest difference from 1 a file's weights may sum to; within it they are renormalised.</summary>
    public const double SumTolerance = 1e-3;

    /// <summary>Reads the mixtures one source names.</summary>
    /// <param name="source">A weights.json file, a .csv file, <c>uniform</c> or <c>prior</c> (keywords win over files of that name).</param>
    /// <param name="prior">The super-clusters' names and token shares.</param>
    /// <returns>The mixtures: one for weights.json and the keywords, one per row for a CSV.</returns>
    /// <exception cref="InvalidDataException">The file is malformed; the message names the file, the line and what is wrong.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static IReadOnlyList<NamedMixture> Read(string source, MixturePrior prior)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentNullException.ThrowIfNull(prior);
        switch (source)
        {
            case "uniform":
                return [new NamedMixture("uniform", MixtureWeights.Uniform(prior.Count))];
            case "prior":
                return [new NamedMixture("prior", new MixtureWeights(prior.Shares))];
        }

        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"Mixture file '{source}' does not exist (give a weights.json, a .csv of mixtures, 'uniform' or 'prior').", source);
        }

        return Path.GetExtension(source).ToLowerInvariant() switch
        {
            ".json" => [ReadWeightsJson(source, prior)],
            ".csv" => ReadCsv(source, prior),
            _ => throw new InvalidDataException($"Mixture file '{source}': unknown kind; give a weights.json (.json) or a CSV of mixtures (.csv)."),
        };
    }

    /// <summary>Reads a weights.json: its <c>components</c> array of <c>{ "name": ..., "weight": ... }</c>, matched to the super-clusters by name.</summary>
    /// <param name="path">The file.</param>
    /// <param name="prior">The super-clusters' names.</param>
    /// <returns>The mixture, named by the file's path.</returns>
    public static NamedMixture ReadWeightsJson(string path, MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        byte[] bytes = File.ReadAllBytes(path);
        var offsets = ComponentOffsets(path, bytes);
        using var doc = JsonDocument.Parse(bytes, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("components", out var components) || components.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"Mixture file '{path}' line 1: no \"components\" array; a weights.json lists {{\"name\", \"weight\"}} per super-cluster.");
        }

        var index = NameIndex(prior);
        var weights = new double[prior.Count];
        var seen = new bool[prior.Count];
        int i = 0;
        foreach (var c in components.EnumerateArray())
        {
            int line = i < offsets.Count ? LineOf(bytes, offsets[i]) : 1;
            if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("name", out var n) || n.ValueKind != JsonValueKind.String)
            {
                throw new InvalidDataException($"Mixture file '{path}' line {line}: component {i} has no \"name\" string.");
            }

            string name = n.GetString()!;
            if (!index.TryGetValue(name, out int k))
            {
                throw new InvalidDataException($"Mixture file '{path}' line {line}: component '{name}' is not a super-cluster of this run (they are: {Known(prior)}).");
            }

            if (seen[k])
            {
                throw new InvalidDataException($"Mixture file '{path}' line {line}: component '{name}' appears twice.");
            }

            if (!c.TryGetProperty("weight", out var w) || w.ValueKind != JsonValueKind.Number || !w.TryGetDouble(out double v) || !double.IsFinite(v) || v < 0)
            {
                throw new InvalidDataException($"Mixture file '{path}' line {line}: component '{name}' needs a finite, non-negative \"weight\" number.");
            }

            weights[k] = v;
            seen[k] = true;
            i++;
        }

        int missing = Array.IndexOf(seen, false);
        if (missing >= 0)
        {
            throw new InvalidDataException($"Mixture file '{path}': super-cluster '{prior.Names[missing]}' has no component (the file lists {i} of {prior.Count}); was it written by a run with other super-clusters?");
        }

        return new NamedMixture(path, Normalised(weights, $"Mixture file '{path}'"));
    }

    /// <summary>Reads a CSV of mixtures: a header with a <c>run</c> column and one column per super-cluster (any order, names as in weights.json), then one mixture per line.</summary>
    /// <param name="path">The file.</param>
    /// <param name="prior">The super-clusters' names.</param>
    /// <returns>One mixture per row, named by its <c>run</c> value.</returns>
    public static IReadOnlyList<NamedMixture> ReadCsv(string path, MixturePrior prior)
    {
        ArgumentNullException.ThrowIfNull(prior);
        string[] lines = File.ReadAllLines(path);
        int headerLine = Array.FindIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        if (headerLine < 0)
        {
            throw new InvalidDataException($"Mixture file '{path}' line 1: the file is empty; it needs a header (run, then one column per super-cluster).");
        }

        var header = SplitCsv(lines[headerLine], path, headerLine + 1).Select(h => h.Trim()).ToArray();
        int runColumn = Array.FindIndex(header, h => string.Equals(h, "run", StringComparison.OrdinalIgnoreCase));
        if (runColumn < 0)
        {
            throw new InvalidDataException($"Mixture file '{path}' line {headerLine + 1}: no 'run' column in the header.");
        }

        var index = NameIndex(prior);
        var columnOf = new int[prior.Count];
        Array.Fill(columnOf, -1);
        for (int c = 0; c < header.Length; c++)
        {
            if (c == runColumn)
            {
                continue;
            }

            if (!index.TryGetValue(header[c], out int k))
            {
                throw new InvalidDataException($"Mixture file '{path}' line {headerLine + 1}, column {c + 1}: '{header[c]}' is not a super-cluster of this run (they are: {Known(prior)}).");
            }

            if (columnOf[k] >= 0)
            {
                throw new InvalidDataException($"Mixture file '{path}' line {headerLine + 1}, column {c + 1}: '{header[c]}' appears twice.");
            }

            columnOf[k] = c;
        }

        int absent = Array.IndexOf(columnOf, -1);
        if (absent >= 0)
        {
            throw new InvalidDataException($"Mixture file '{path}' line {headerLine + 1}: no column for super-cluster '{prior.Names[absent]}'.");
        }

        var result = new List<NamedMixture>();
        var runs = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int l = headerLine + 1; l < lines.Length; l++)
        {
            if (string.IsNullOrWhiteSpace(lines[l]))
            {
                continue;
            }

            var fields = SplitCsv(lines[l], path, l + 1);
            if (fields.Count != header.Length)
            {
                throw new InvalidDataException($"Mixture file '{path}' line {l + 1}: {fields.Count} fields; the header has {header.Length}.");
            }

            string run = fields[runColumn].Trim();
            if (run.Length == 0)
            {
                throw new InvalidDataException($"Mixture file '{path}' line {l + 1}, column 'run': the run name is empty.");
            }

            if (runs.TryGetValue(run, out int first))
            {
                throw new InvalidDataException($"Mixture file '{path}' line {l + 1}, column 'run': run '{run}' already appears on line {first}.");
            }

            runs[run] = l + 1;
            var weights = new double[prior.Count];
            for (int k = 0; k < prior.Count; k++)
            {
                string text = fields[columnOf[k]].Trim();
                if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v) || v < 0)
                {
                    throw new InvalidDataException($"Mixture file '{path}' line {l + 1}, column '{prior.Names[k]}': '{text}' is not a finite, non-negative number.");
                }

                weights[k] = v;
            }

            result.Add(new NamedMixture(run, Normalised(weights, $"Mixture file '{path}' line {l + 1}")));
        }

        if (result.Count == 0)
        {
            throw new InvalidDataException($"Mixture file '{path}' line {headerLine + 2}: the header is not followed by any mixture.");
        }

        return result;
    }

    private static MixtureWeights Normalised(double[] weights, string where)
    {
        double sum = weights.Sum();
        if (!(Math.Abs(sum - 1) <= SumTolerance))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"{where}: the weights sum to {sum:R}, not 1 (±{SumTolerance})."));
        }

        return MixtureWeights.Normalize(weights);
    }

    private static Dictionary<string, int> NameIndex(MixturePrior prior)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int k = 0; k < prior.Count; k++)
        {
            index[prior.Names[k]] = k;
        }

        return index;
    }

    private static string Known(MixturePrior prior) =>
        prior.Count <= 8 ? string.Join(", ", prior.Names.Select(n => "'" + n + "'")) : string.Join(", ", prior.Names.Take(8).Select(n => "'" + n + "'")) + $", … ({prior.Count} in all)";

    /// <summary>Splits one CSV line (RFC 4180 quoting: "a,b" and "" inside quotes).</summary>
    private static List<string> SplitCsv(string line, string path, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        if (quoted)
        {
            throw new InvalidDataException($"Mixture file '{path}' line {lineNumber}: a quoted field is not closed.");
        }

        fields.Add(field.ToString());
        return fields;
    }

    /// <summary>The byte offsets of the objects in the top-level "components" array, read with the JSON reader (a syntax error names its line).</summary>
    private static List<long> ComponentOffsets(string path, byte[] bytes)
    {
        var offsets = new List<long>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        bool inComponents = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    inComponents = reader.ValueTextEquals("components"u8);
                }
                else if (inComponents && reader.CurrentDepth == 2 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.String or JsonTokenType.Number or JsonTokenType.StartArray or JsonTokenType.True or JsonTokenType.False or JsonTokenType.Null)
                {
                    offsets.Add(reader.TokenStartIndex);
                }
            }
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Mixture file '{path}' line {(ex.LineNumber ?? 0) + 1}: not valid JSON ({ex.Message})", ex);
        }

        return offsets;
    }

    private static int LineOf(byte[] bytes, long offset)
    {
        int line = 1;
        for (long i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
            }
        }

        return line;
    }
}

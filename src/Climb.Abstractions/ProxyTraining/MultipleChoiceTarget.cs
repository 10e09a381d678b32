using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// Multiple-choice questions scored as lm-evaluation-harness does: each choice's log-likelihood given the
/// context is summed over its tokens; acc picks the largest sum, acc_norm the largest sum divided by the
/// choice's UTF-8 byte length. Metric keys: mc:&lt;name&gt;/acc, /acc_norm, /gold_loss (nats per token of the
/// correct continuation), /items.
/// </summary>
public sealed class MultipleChoiceTarget : EvaluationTarget
{
    /// <summary>Initializes the target.</summary>
    /// <param name="name">The name.</param>
    /// <param name="items">The questions.</param>
    /// <param name="weight">The weight in the objective.</param>
    public MultipleChoiceTarget(string name, IReadOnlyList<MultipleChoiceItem> items, double weight = 1.0)
        : base(name, weight)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException($"Target '{name}' has no items.", nameof(items));
        }

        for (int i = 0; i < items.Count; i++)
        {
            var it = items[i] ?? throw new ArgumentException($"Item {i} of '{name}' is null.", nameof(items));
            if (it.Choices is null || it.Choices.Count < 2 || (uint)it.Label >= (uint)it.Choices.Count)
            {
                throw new ArgumentException($"Item {i} of '{name}' needs at least two choices and a label among them.", nameof(items));
            }
        }

        Items = items;
    }

    /// <summary>Gets the questions.</summary>
    public IReadOnlyList<MultipleChoiceItem> Items { get; }

    /// <summary>Loads PIQA: JSON lines with goal, sol1, sol2 and a labels file with 0 or 1 per line. Context "Question: {goal}\nAnswer:".</summary>
    /// <param name="jsonlPath">valid.jsonl.</param>
    /// <param name="labelsPath">valid-labels.lst.</param>
    /// <param name="name">The target name.</param>
    /// <param name="weight">The weight in the objective.</param>
    /// <param name="maxItems">Loads at most this many items (null = all).</param>
    /// <returns>The target.</returns>
    public static MultipleChoiceTarget LoadPiqa(string jsonlPath, string labelsPath, string name = "piqa", double weight = 1.0, int? maxItems = null)
    {
        ArgumentNullException.ThrowIfNull(labelsPath);
        if (!File.Exists(labelsPath))
        {
            throw new FileNotFoundException($"{labelsPath}: PIQA labels file not found.", labelsPath);
        }

        string[] labels = File.ReadAllLines(labelsPath);
        var items = new List<MultipleChoiceItem>();
        foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
        {
            if (maxItems is { } m && items.Count >= m)
            {
                break;
            }

            if (line > labels.Length)
            {
                throw new InvalidDataException($"{labelsPath}: has {labels.Length} labels but {jsonlPath} has more items (line {line}).");
            }

            string lab = labels[line - 1].Trim();
            if (lab is not ("0" or "1"))
            {
                throw new InvalidDataException($"{labelsPath}:{line}: label '{lab}' is not 0 or 1.");
            }

            string goal = JsonLines.String(root, "goal", jsonlPath, line);
            items.Add(new MultipleChoiceItem(
                $"Question: {goal}\nAnswer:",
                [JsonLines.String(root, "sol1", jsonlPath, line), JsonLines.String(root, "sol2", jsonlPath, line)],
                lab == "0" ? 0 : 1));
        }

        return new MultipleChoiceTarget(name, items, weight);
    }

    /// <summary>
    /// Loads ARC (Easy or Challenge) JSON lines: question (a string, or an object with "stem" and "choices"),
    /// choices ({"text": [...], "label": [...]} or a list of {"text","label"}), answerKey. Context "Question: {question}\nAnswer:".
    /// </summary>
    /// <param name="jsonlPath">The file.</param>
    /// <param name="name">The target name.</param>
    /// <param name="weight">The weight in the objective.</param>
    /// <param name="maxItems">Loads at most this many items (null = all).</param>
    /// <returns>The target.</returns>
    public static MultipleChoiceTarget LoadArc(string jsonlPath, string name = "arc_easy", double weight = 1.0, int? maxItems = null)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
        {
            if (maxItems is { } m && items.Count >= m)
            {
                break;
            }

            var q = JsonLines.Get(root, "question", jsonlPath, line);
            string question;
            JsonElement choices;
            if (q.ValueKind == JsonValueKind.Object)
            {
                question = JsonLines.String(q, "stem", jsonlPath, line);
                choices = JsonLines.Get(q, "choices", jsonlPath, line);
            }
            else
            {
                question = JsonLines.String(root, "question", jsonlPath, line);
                choices = JsonLines.Get(root, "choices", jsonlPath, line);
            }

            var texts = new List<string>();
            var labels = new List<string>();
            if (choices.ValueKind == JsonValueKind.Object)
            {
                foreach (var t in JsonLines.Get(choices, "text", jsonlPath, line).EnumerateArray())
                {
                    texts.Add(t.GetString() ?? string.Empty);
                }

                foreach (var l in JsonLines.Get(choices, "label", jsonlPath, line).EnumerateArray())
                {
                    labels.Add(l.GetString() ?? string.Empty);
                }
            }
            else if (choices.ValueKind == JsonValueKind.Array)
            {
                foreach (var c in choices.EnumerateArray())
                {
                    texts.Add(JsonLines.String(c, "text", jsonlPath, line));
                    labels.Add(JsonLines.String(c, "label", jsonlPath, line));
                }
            }
            else
            {
                throw new InvalidDataException($"{jsonlPath}:{line}: 'choices' must be an object or an array.");
            }

            string key = JsonLines.String(root, "answerKey", jsonlPath, line);
            int label = labels.IndexOf(key);
            if (label < 0 || texts.Count != labels.Count)
            {
                throw new InvalidDataException($"{jsonlPath}:{line}: answerKey '{key}' is not among the choice labels [{string.Join(",", labels)}].");
            }

            items.Add(new MultipleChoiceItem($"Question: {question}\nAnswer:", texts, label));
        }

        return new MultipleChoiceTarget(name, items, weight);
    }

    /// <summary>
    /// Loads HellaSwag JSON lines: ctx (or ctx_a and ctx_b), endings, label, optional activity_label; preprocessed as
    /// lm-evaluation-harness does (context "{activity_label}: {ctx}", "[title]" to ". ", bracketed tags removed).
    /// </summary>
    /// <param name="jsonlPath">The file.</param>
    /// <param name="name">The target name.</param>
    /// <param name="weight">The weight in the objective.</param>
    /// <param name="maxItems">Loads at most this many items (null = all).</param>
    /// <returns>The target.</returns>
    public static MultipleChoiceTarget LoadHellaSwag(string jsonlPath, string name = "hellaswag", double weight = 1.0, int? maxItems = null)
    {
        var items = new List<MultipleChoiceItem>();
        foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
        {
            if (maxItems is { } m && items.Count >= m)
            {
                break;
            }

            string ctx;
            if (root.TryGetProperty("ctx_a", out var a) && root.TryGetProperty("ctx_b", out var b))
            {
                string cb = b.GetString() ?? string.Empty;
                ctx = (a.GetString() ?? string.Empty) + " " + (cb.Length > 0 ? char.ToUpperInvariant(cb[0]) + cb[1..] : cb);
            }
            else
            {
                ctx = JsonLines.String(root, "ctx", jsonlPath, line);
            }

            if (root.TryGetProperty("activity_label", out var act) && act.ValueKind == JsonValueKind.String)
            {
                ctx = act.GetString() + ": " + ctx;
            }

            var endings = JsonLines.Get(root, "endings", jsonlPath, line);
            if (endings.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"{jsonlPath}:{line}: 'endings' must be an array.");
            }

            var choices = endings.EnumerateArray().Select(e => HellaSwagPreprocess(e.GetString() ?? string.Empty)).ToList();
            var lab = JsonLines.Get(root, "label", jsonlPath, line);
            int label = lab.ValueKind == JsonValueKind.Number ? lab.GetInt32()
                : int.TryParse(lab.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) ? l
                : throw new InvalidDataException($"{jsonlPath}:{line}: 'label' is not an integer.");
            if ((uint)label >= (uint)choices.Count)
            {
                throw new InvalidDataException($"{jsonlPath}:{line}: label {label} is outside the {choices.Count} endings.");
            }

            items.Add(new MultipleChoiceItem(HellaSwagPreprocess(ctx), choices, label));
        }

        return new MultipleChoiceTarget(name, items, weight);
    }

    internal static string HellaSwagPreprocess(string text)
    {
        text = text.Trim().Replace(" [title]", ". ", StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, "\\[.*?\\]", string.Empty);
        return text.Replace("  ", " ", StringComparison.Ordinal);
    }

    /// <summary>The <c>type</c> of the JSON form.</summary>
    internal const string JsonType = "mc";

    internal static MultipleChoiceTarget FromJson(string name, double weight, JsonObject json) =>
        new(name, json["items"]!.AsArray().Select(i => new MultipleChoiceItem(
            i!["context"]!.GetValue<string>(),
            i["choices"]!.AsArray().Select(c => c!.GetValue<string>()).ToList(),
            i["label"]!.GetValue<int>())).ToList(), weight);

    /// <inheritdoc />
    internal override string? Problem() => Items.Count == 0 ? $"Target '{Name}' has no multiple-choice items." : null;

    /// <inheritdoc />
    internal override string ContentFingerprint() =>
        $"mc|{Name}|{Weight}|{Climb.Fingerprint.Of(Items.Select(i => i.Context + "\u0001" + string.Join("\u0002", i.Choices) + "\u0001" + i.Label).ToArray())}";

    /// <inheritdoc />
    internal override JsonObject ToJson() => new()
    {
        ["type"] = JsonType,
        ["name"] = Name,
        ["weight"] = Weight,
        ["items"] = new JsonArray(Items.Select(i => (JsonNode?)new JsonObject
        {
            ["context"] = i.Context,
            ["choices"] = new JsonArray(i.Choices.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray()),
            ["label"] = i.Label,
        }).ToArray()),
    };

    /// <inheritdoc />
    internal override PreparedTarget Prepare(ITokenizedClusters store, int maxSequenceLength, int endOfText) =>
        new PreparedChoices(this, store, maxSequenceLength, endOfText);
}

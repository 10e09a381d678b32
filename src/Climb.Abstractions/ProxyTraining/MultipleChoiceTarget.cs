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

using System.Text.Json.Nodes;

namespace Climb;

/// <summary>
/// Target texts scored by token-weighted loss (mean negative log-likelihood in nats per token), perplexity and
/// bits per UTF-8 byte. Metric keys: target:&lt;name&gt;/loss, /ppl, /bpb, /tokens.
/// </summary>
public sealed class TextTarget : EvaluationTarget
{
    /// <summary>Initializes the target.</summary>
    /// <param name="name">The name.</param>
    /// <param name="texts">The texts (each scored as a document starting after an end of text).</param>
    /// <param name="weight">The weight in the objective.</param>
    public TextTarget(string name, IReadOnlyList<string> texts, double weight = 1.0)
        : base(name, weight)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0)
        {
            throw new ArgumentException($"Target '{name}' has no texts.", nameof(texts));
        }

        Texts = texts;
    }

    /// <summary>Gets the texts.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>The <c>type</c> of the JSON form.</summary>
    internal const string JsonType = "text";

    internal static TextTarget FromJson(string name, double weight, JsonObject json) =>
        new(name, json["texts"]!.AsArray().Select(x => x!.GetValue<string>()).ToList(), weight);

    /// <inheritdoc />
    internal override string? Problem() =>
        Texts.Any(s => !string.IsNullOrWhiteSpace(s)) ? null : $"Target '{Name}' has no scorable text: all of its {Texts.Count} texts are blank.";

    /// <inheritdoc />
    internal override string ContentFingerprint() => $"text|{Name}|{Weight}|{Climb.Fingerprint.Of(Texts.ToArray())}";

    /// <inheritdoc />
    internal override JsonObject ToJson() => new()
    {
        ["type"] = JsonType,
        ["name"] = Name,
        ["weight"] = Weight,
        ["texts"] = new JsonArray(Texts.Select(x => (JsonNode?)JsonValue.Create(x)).ToArray()),
    };

    /// <inheritdoc />
    internal override PreparedTarget Prepare(ITokenizedClusters store, int maxSequenceLength, int endOfText) =>
        new PreparedText(this, store, maxSequenceLength, endOfText);
}

using System.Text.Json.Nodes;

namespace Climb;

/// <summary>Something a proxy model is scored on: a name (used in metric keys) and a weight in the composite objective.</summary>
/// <remarks>
/// The kinds of target are a closed set: <see cref="TextTarget"/> (loss on held-out text) and <see cref="MultipleChoiceTarget"/>
/// (lm-evaluation-harness-style accuracy). Every proxy trainer scores both, a worker on another node rebuilds them from
/// their JSON form, and the search fingerprints their content; a new kind is added here, beside these two, by implementing
/// the internal members the stages call (validation, content fingerprint, JSON form, tokenisation for a scorer), not by
/// subclassing outside the library.
/// </remarks>
public abstract class EvaluationTarget
{
    /// <summary>Initializes the name and weight.</summary>
    /// <param name="name">The name; metric keys are "target:&lt;name&gt;/…" or "mc:&lt;name&gt;/…".</param>
    /// <param name="weight">The non-negative weight in the objective (0 = reported only).</param>
    private protected EvaluationTarget(string name, double weight)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!double.IsFinite(weight) || weight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "The weight must be finite and non-negative.");
        }

        Name = name;
        Weight = weight;
    }

    /// <summary>Gets the name.</summary>
    public string Name { get; }

    /// <summary>Gets the weight in the composite objective.</summary>
    public double Weight { get; }

    /// <summary>Rebuilds a target from its JSON form (<see cref="ToJson"/>).</summary>
    /// <exception cref="InvalidDataException">The type is unknown; the message names <paramref name="source"/>.</exception>
    internal static EvaluationTarget FromJson(JsonObject json, string source)
    {
        string name = json["name"]!.GetValue<string>();
        double weight = json["weight"]!.GetValue<double>();
        return json["type"]!.GetValue<string>() switch
        {
            TextTarget.JsonType => TextTarget.FromJson(name, weight, json),
            MultipleChoiceTarget.JsonType => MultipleChoiceTarget.FromJson(name, weight, json),
            var other => throw new InvalidDataException($"{source}: unknown target type '{other}'."),
        };
    }

    /// <summary>Returns why the search could not score this target (for example all of its texts are blank), or <see langword="null"/>.</summary>
    internal abstract string? Problem();

    /// <summary>Returns a string that changes with the target's kind, name, weight and every scored item.</summary>
    internal abstract string ContentFingerprint();

    /// <summary>Returns the JSON form a worker on another node rebuilds the target from (<see cref="FromJson"/>).</summary>
    internal abstract JsonObject ToJson();

    /// <summary>Tokenises the target for a scorer of one token store.</summary>
    /// <param name="store">The token store whose tokenizer and model ids the scorer uses.</param>
    /// <param name="maxSequenceLength">The longest sequence the scorer takes.</param>
    /// <param name="endOfText">The model id of the end-of-text token.</param>
    internal abstract PreparedTarget Prepare(ITokenizedClusters store, int maxSequenceLength, int endOfText);
}

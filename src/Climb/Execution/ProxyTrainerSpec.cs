using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// A proxy trainer described by its kind and options, so that a worker on another node can build the same trainer:
/// "ngram" (<see cref="KneserNeyProxyTrainer"/> with <see cref="KneserNeyProxyTrainerOptions"/>) or "transformer"
/// (<see cref="TorchSharpProxyTrainer"/> with <see cref="TorchSharpProxyTrainerOptions"/>) or "command"
/// (<see cref="CommandProxyTrainer"/> with <see cref="CommandProxyTrainerOptions"/>, its data folder, work folder and working
/// directory made explicit).
/// </summary>
internal sealed class ProxyTrainerSpec
{
    /// <summary>The kind of the n-gram proxy.</summary>
    public const string NGramKind = "ngram";

    /// <summary>The kind of the transformer proxy.</summary>
    public const string TransformerKind = "transformer";

    /// <summary>The kind of the external command proxy.</summary>
    public const string CommandKind = "command";

    private ProxyTrainerSpec(string kind, JsonObject options)
    {
        Kind = kind;
        Options = options;
    }

    /// <summary>Gets the kind.</summary>
    public string Kind { get; }

    /// <summary>Gets the options as JSON.</summary>
    public JsonObject Options { get; }

    /// <summary>Gets the identity: the kind and every option.</summary>
    public string Identity => Kind + " " + Options.ToJsonString();

    /// <summary>Describes a <see cref="KneserNeyProxyTrainer"/>.</summary>
    /// <param name="options">Its options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The description.</returns>
    public static ProxyTrainerSpec NGram(KneserNeyProxyTrainerOptions? options = null) =>
        new(NGramKind, JsonSerializer.SerializeToNode(OptionsValidation.Validate(options ?? new KneserNeyProxyTrainerOptions(), nameof(options)))!.AsObject());

    /// <summary>Describes a <see cref="TorchSharpProxyTrainer"/>. A base checkpoint path, if any, must be on storage the nodes see.</summary>
    /// <param name="options">Its options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The description.</returns>
    public static ProxyTrainerSpec Transformer(TorchSharpProxyTrainerOptions? options = null) =>
        new(TransformerKind, JsonSerializer.SerializeToNode(OptionsValidation.Validate(options ?? new TorchSharpProxyTrainerOptions(), nameof(options)))!.AsObject());

    /// <summary>Describes a <see cref="CommandProxyTrainer"/>; its data folder, work folder and working directory must be on storage the nodes see.</summary>
    /// <param name="options">Its options.</param>
    /// <returns>The description.</returns>
    public static ProxyTrainerSpec Command(CommandProxyTrainerOptions options) =>
        new(CommandKind, JsonSerializer.SerializeToNode(OptionsValidation.Validate(options, nameof(options)))!.AsObject());

    /// <summary>Reads a description written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON object.</param>
    /// <returns>The description.</returns>
    /// <exception cref="InvalidDataException">The kind is unknown or the options are missing.</exception>
    public static ProxyTrainerSpec FromJson(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        string kind = json["kind"]?.GetValue<string>() ?? throw new InvalidDataException("Proxy trainer description: 'kind' is missing.");
        var options = json["options"] as JsonObject ?? throw new InvalidDataException("Proxy trainer description: 'options' is missing.");
        if (kind is not (NGramKind or TransformerKind or CommandKind))
        {
            throw new InvalidDataException($"Proxy trainer description: unknown kind '{kind}' (known: {NGramKind}, {TransformerKind}, {CommandKind}).");
        }

        return new ProxyTrainerSpec(kind, (JsonObject)options.DeepClone());
    }

    /// <summary>Writes the description as JSON.</summary>
    /// <returns>{ "kind": …, "options": { … } }.</returns>
    public JsonObject ToJson() => new() { ["kind"] = Kind, ["options"] = Options.DeepClone() };

    /// <summary>Builds the trainer.</summary>
    /// <param name="loggers">Creates its logger.</param>
    /// <returns>The trainer.</returns>
    public IProxyTrainer Create(ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        return Kind switch
        {
            NGramKind => new KneserNeyProxyTrainer(Options.Deserialize<KneserNeyProxyTrainerOptions>(), loggers.CreateLogger<KneserNeyProxyTrainer>()),
            CommandKind => new CommandProxyTrainer(Options.Deserialize<CommandProxyTrainerOptions>()!, loggers.CreateLogger<CommandProxyTrainer>()),
            _ => new TorchSharpProxyTrainer(Options.Deserialize<TorchSharpProxyTrainerOptions>(), loggers.CreateLogger<TorchSharpProxyTrainer>()),
        };
    }
}

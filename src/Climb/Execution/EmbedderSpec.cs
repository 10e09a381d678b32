using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// A built-in embedder described by its kind and options, so that a worker on another node builds the same embedder
/// for an embedding shard: "glove-sif" (<see cref="GloveSifEmbedder"/>, its options including the fitted common
/// components, so a corpus-fitted embedder is fitted once in the main process and its fit travels in the request) or
/// "onnx" (<see cref="OnnxEmbedder"/>; the model and vocabulary files must be on storage every node sees).
/// </summary>
internal sealed class EmbedderSpec
{
    public const string GloveSifKind = "glove-sif";
    public const string OnnxKind = "onnx";

    private EmbedderSpec(string kind, JsonObject options, EmbedderInfo info)
    {
        Kind = kind;
        Options = options;
        Info = info;
    }

    public string Kind { get; }

    public JsonObject Options { get; }

    /// <summary>Gets what the embedder in the main process reports; the worker's rebuilt embedder must report the same.</summary>
    public EmbedderInfo Info { get; }

    /// <summary>Describes a built-in embedder, or returns <see langword="null"/> with the reason when a worker could not rebuild it.</summary>
    public static EmbedderSpec? TryDescribe(IEmbedder embedder, out string reason)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        switch (embedder)
        {
            case GloveSifEmbedder glove when embedder is ICorpusFittedEmbedder { IsFitted: false }:
                reason = $"the {embedder.Info.ModelId} embedder is not fitted yet (fit it on the corpus in the main process first)";
                return null;
            case GloveSifEmbedder glove:
                reason = string.Empty;
                return new EmbedderSpec(GloveSifKind, JsonSerializer.SerializeToNode(glove.Options)!.AsObject(), glove.Info);
            case OnnxEmbedder onnx:
                var json = JsonSerializer.SerializeToNode(onnx.BuiltWith)!.AsObject();
                string model = Path.GetFullPath(onnx.BuiltWith.ModelPath);
                json[nameof(OnnxEmbedderOptions.ModelPath)] = model;
                json[nameof(OnnxEmbedderOptions.VocabularyPath)] = Path.GetFullPath(onnx.BuiltWith.VocabularyPath ?? Path.Combine(Path.GetDirectoryName(model)!, "vocab.txt"));
                reason = string.Empty;
                return new EmbedderSpec(OnnxKind, json, onnx.Info);
            default:
                reason = $"a worker cannot rebuild the embedder {embedder.GetType().Name} ({embedder.Info?.ModelId}) from a request file: only the built-in GloveSifEmbedder and OnnxEmbedder can run as shard jobs";
                return null;
        }
    }

    public static EmbedderSpec FromJson(JsonObject json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        string kind = json["kind"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: embedder 'kind' is missing.");
        var options = json["options"] as JsonObject ?? throw new InvalidDataException($"{source}: embedder 'options' are missing.");
        string modelId = json["modelId"]?.GetValue<string>() ?? throw new InvalidDataException($"{source}: embedder 'modelId' is missing.");
        int dimension = json["dimension"]?.GetValue<int>() ?? throw new InvalidDataException($"{source}: embedder 'dimension' is missing.");
        if (kind is not (GloveSifKind or OnnxKind))
        {
            throw new InvalidDataException($"{source}: unknown embedder kind '{kind}' (known: {GloveSifKind}, {OnnxKind}).");
        }

        return new EmbedderSpec(kind, (JsonObject)options.DeepClone(), new EmbedderInfo(modelId, dimension));
    }

    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind,
        ["options"] = Options.DeepClone(),
        ["modelId"] = Info.ModelId,
        ["dimension"] = Info.Dimension,
    };

    /// <summary>Builds the embedder and checks that it is the one described (same model identity and dimension).</summary>
    public IEmbedder Create(ILoggerFactory loggers, string source)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        IEmbedder embedder = Kind switch
        {
            GloveSifKind => new GloveSifEmbedder(Options.Deserialize<GloveSifEmbedderOptions>(), loggers.CreateLogger<GloveSifEmbedder>()),
            _ => new OnnxEmbedder(Options.Deserialize<OnnxEmbedderOptions>()!, loggers.CreateLogger<OnnxEmbedder>()),
        };
        if (embedder.Info != Info)
        {
            (embedder as IDisposable)?.Dispose();
            throw new InvalidDataException(
                $"{source}: the worker on host '{Environment.MachineName}' built embedder '{embedder.Info.ModelId}' (dimension {embedder.Info.Dimension}), " +
                $"not the main process's '{Info.ModelId}' (dimension {Info.Dimension}); the model files the nodes see differ from the submitting machine's.");
        }

        return embedder;
    }
}

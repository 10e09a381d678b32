using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Climb;

/// <summary>
/// A built-in embedder described by its kind and options, so that a worker on another node builds the same embedder
/// for an embedding shard: "glove-sif" (<see cref="GloveSifEmbedder"/>, its options including the fitted common
/// components, so a corpus-fitted embedder is fitted once in the main process and its fit travels in the request) or
/// "onnx" (<see cref="OnnxEmbedder"/>): a model in files, which must be on storage every node sees, or a model carried by
/// an assembly (<see cref="OnnxEmbedderOptions.ModelAssembly"/>, the <c>SentenceTransformers.*</c> packages), which the
/// worker loads by name when it references the package too (the <c>climb</c> tool carries MiniLM) and otherwise reads
/// from the assembly file the main process loaded (<see cref="ModelAssemblyFile"/>, then on storage the nodes see).
/// </summary>
internal sealed class EmbedderSpec
{
    public const string GloveSifKind = "glove-sif";
    public const string OnnxKind = "onnx";

    private EmbedderSpec(string kind, JsonObject options, EmbedderInfo info, string? modelAssemblyFile = null)
    {
        Kind = kind;
        Options = options;
        Info = info;
        ModelAssemblyFile = modelAssemblyFile;
    }

    public string Kind { get; }

    public JsonObject Options { get; }

    /// <summary>Gets what the embedder in the main process reports; the worker's rebuilt embedder must report the same.</summary>
    public EmbedderInfo Info { get; }

    /// <summary>Gets the file of the assembly that carried the main process's model, when the model is a resource: a worker
    /// that cannot load the assembly by name reads the model from this file.</summary>
    public string? ModelAssemblyFile { get; }

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
            case OnnxEmbedder { BuiltWith.ModelAssembly: { } assembly } packaged:
                var fromAssembly = JsonSerializer.SerializeToNode(packaged.BuiltWith)!.AsObject();
                string? file = packaged.Source.AssemblyLocation;
                fromAssembly[nameof(OnnxEmbedderOptions.ModelAssembly)] = file is not null && OnnxModelSource.IsAssemblyPath(assembly) ? file : assembly;
                reason = string.Empty;
                return new EmbedderSpec(OnnxKind, fromAssembly, packaged.Info, file);
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

        string? assemblyFile = json["modelAssemblyFile"]?.GetValue<string>();
        return new EmbedderSpec(kind, (JsonObject)options.DeepClone(), new EmbedderInfo(modelId, dimension), assemblyFile);
    }

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["kind"] = Kind,
            ["options"] = Options.DeepClone(),
            ["modelId"] = Info.ModelId,
            ["dimension"] = Info.Dimension,
        };
        if (ModelAssemblyFile is not null)
        {
            json["modelAssemblyFile"] = ModelAssemblyFile;
        }

        return json;
    }

    /// <summary>Builds the embedder and checks that it is the one described (same model identity and dimension).</summary>
    public IEmbedder Create(ILoggerFactory loggers, string source)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        IEmbedder embedder = Kind switch
        {
            GloveSifKind => new GloveSifEmbedder(Options.Deserialize<GloveSifEmbedderOptions>(), loggers.CreateLogger<GloveSifEmbedder>()),
            _ => new OnnxEmbedder(OnnxOptions(source), loggers.CreateLogger<OnnxEmbedder>()),
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

    private static bool CanLoad(string assemblyName)
    {
        try
        {
            System.Reflection.Assembly.Load(new System.Reflection.AssemblyName(assemblyName));
            return true;
        }
        catch (Exception ex) when (ex is FileNotFoundException or FileLoadException or BadImageFormatException)
        {
            return false;
        }
    }

    /// <summary>The ONNX options to rebuild with: a model assembly this process cannot load by name is read from the file
    /// the main process loaded it from, when this node sees that file.</summary>
    private OnnxEmbedderOptions OnnxOptions(string source)
    {
        var options = Options.Deserialize<OnnxEmbedderOptions>() ?? throw new InvalidDataException($"{source}: embedder 'options' are null.");
        if (options.ModelAssembly is { } name && !OnnxModelSource.IsAssemblyPath(name) && !CanLoad(name))
        {
            if (ModelAssemblyFile is null || !File.Exists(ModelAssemblyFile))
            {
                throw new FileNotFoundException(
                    $"{source}: the worker on host '{Environment.MachineName}' can neither load the model assembly '{name}' (its package is not referenced by the worker) " +
                    $"nor read the main process's copy {(ModelAssemblyFile is null ? "(none recorded)" : "'" + ModelAssemblyFile + "' (not found on this node)")}.",
                    ModelAssemblyFile ?? name);
            }

            options.ModelAssembly = ModelAssemblyFile;
        }

        return options;
    }
}

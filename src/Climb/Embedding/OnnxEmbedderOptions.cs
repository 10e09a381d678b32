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
public sealed class OnnxEmbedderOptions : IValidatableOptions
{
    /// <summary>Gets or sets the path of the ONNX model (a sentence-transformers / BERT-family export).</summary>
    /// <value>Required.</value>
    [Required]
    public string ModelPath { get; set; } = string.Empty;

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

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (!string.IsNullOrEmpty(OutputName) && string.IsNullOrWhiteSpace(OutputName))
        {
            yield return $"{nameof(OutputName)} is blank.";
        }
    }
}

using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="LlmQualityAnnotator"/>.</summary>
public sealed class LlmQualityAnnotatorOptions : IValidatableOptions
{
    /// <summary>Gets or sets the maximum number of requests in flight.</summary>
    /// <value>The default is 4.</value>
    [Range(1, 1024)]
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Gets or sets how many times an invalid answer (or a failed request) is retried before the document is skipped.</summary>
    /// <value>The default is 2 (three attempts in all).</value>
    [Range(0, 100)]
    public int MaxRetries { get; set; } = 2;

    /// <summary>Gets or sets how many leading characters of a document are put in the prompt.</summary>
    /// <value>The default is 8000.</value>
    [Range(100, 10_000_000)]
    public int MaxDocumentCharacters { get; set; } = 8000;

    /// <summary>Gets or sets the sampling temperature sent with each request; <see langword="null"/> leaves the provider's default.</summary>
    /// <value>The default is 0.</value>
    [Range(0.0, 2.0)]
    public float? Temperature { get; set; } = 0f;

    /// <summary>Gets or sets the maximum number of output tokens requested; <see langword="null"/> leaves the provider's default.</summary>
    /// <value>The default is 200.</value>
    [Range(1, 1_000_000)]
    public int? MaxOutputTokens { get; set; } = 200;

    /// <summary>Gets or sets a value indicating whether to ask the provider for JSON output (<c>ChatResponseFormat.Json</c>).</summary>
    /// <value>The default is <see langword="true"/>.</value>
    public bool RequestJsonResponseFormat { get; set; } = true;

    /// <summary>Gets or sets the model identifier sent with each request; <see langword="null"/> uses the client's default.</summary>
    public string? ModelId { get; set; }

    /// <summary>Gets or sets the system prompt (the rubric).</summary>
    /// <value>The default is <see cref="LlmQualityAnnotator.DefaultRubric"/>.</value>
    [Required]
    public string Rubric { get; set; } = LlmQualityAnnotator.DefaultRubric;

    /// <summary>Gets the field names written to the output JSONL file.</summary>
    public QualityAnnotationFields Fields { get; } = new();

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (string.IsNullOrWhiteSpace(Rubric))
        {
            yield return "Rubric must not be blank.";
        }

        foreach (var error in Fields.Validate())
        {
            yield return error;
        }
    }
}

/// <summary>Why an LLM answer was rejected.</summary>
public enum AnnotationFailureReason
{
    /// <summary>The answer was empty.</summary>
    EmptyResponse,

    /// <summary>The answer was not JSON.</summary>
    NotJson,

    /// <summary>The answer held text besides the JSON object.</summary>
    ExtraText,

    /// <summary>The JSON lacked one of the four keys (or was not an object).</summary>
    MissingKey,

    /// <summary>A score was not a number.</summary>
    NotANumber,

    /// <summary>A score was outside 0–5.</summary>
    OutOfRange,

    /// <summary>The chat client threw.</summary>
    ClientError,
}

/// <summary>Progress of an annotation run.</summary>
/// <param name="Annotated">Documents annotated in this run.</param>
/// <param name="Failed">Documents skipped after exhausting retries.</param>
/// <param name="Retries">Retried attempts so far.</param>
public sealed record QualityAnnotationProgress(int Annotated, int Failed, int Retries);

/// <summary>The outcome of <see cref="LlmQualityAnnotator.AnnotateAsync"/>.</summary>
public sealed class QualityAnnotationStatistics
{
    /// <summary>Gets the documents annotated (and appended) in this run.</summary>
    public required int Annotated { get; init; }

    /// <summary>Gets the documents skipped because the output file already held them (resume).</summary>
    public required int AlreadyAnnotated { get; init; }

    /// <summary>Gets the documents skipped because their id repeated one seen earlier in the input.</summary>
    public required int DuplicateIds { get; init; }

    /// <summary>Gets the number of retried attempts (every attempt after a document's first).</summary>
    public required int Retries { get; init; }

    /// <summary>Gets the documents given up after all attempts failed.</summary>
    public required int Failed { get; init; }

    /// <summary>Gets the failed documents by the reason of their last attempt.</summary>
    public required IReadOnlyDictionary<AnnotationFailureReason, int> FailedByReason { get; init; }

    /// <summary>Gets every rejected answer (including those later retried successfully) by reason.</summary>
    public required IReadOnlyDictionary<AnnotationFailureReason, int> RejectedAnswersByReason { get; init; }

    /// <summary>Gets whether the output file ended in a torn (incomplete) line that was removed before appending.</summary>
    public required bool RepairedTornLine { get; init; }

    /// <summary>Gets the wall-clock time of the run.</summary>
    public required TimeSpan Elapsed { get; init; }
}

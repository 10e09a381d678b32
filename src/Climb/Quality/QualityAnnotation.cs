namespace Climb;

/// <summary>One annotated document: a text and its four scores (a line of an annotation JSONL file).</summary>
/// <param name="Id">The document's identifier.</param>
/// <param name="Text">The document's text.</param>
/// <param name="Scores">The four scores, 0–5 each.</param>
public sealed record QualityAnnotation(string Id, string Text, QualityScores Scores);

/// <summary>Names the JSON fields of an annotation JSONL file.</summary>
/// <remarks>The defaults match the files <see cref="LlmQualityAnnotator"/> writes.</remarks>
public sealed class QualityAnnotationFields
{
    /// <summary>Gets or sets the field holding the document identifier (optional in the file; the line number is used when absent).</summary>
    /// <value>The default is <c>id</c>.</value>
    public string Id { get; set; } = "id";

    /// <summary>Gets or sets the field holding the text.</summary>
    /// <value>The default is <c>text</c>.</value>
    public string Text { get; set; } = "text";

    /// <summary>Gets or sets the field holding the quality score.</summary>
    /// <value>The default is <c>quality</c>.</value>
    public string Quality { get; set; } = "quality";

    /// <summary>Gets or sets the field holding the advertisement score.</summary>
    /// <value>The default is <c>advertisement</c>.</value>
    public string Advertisement { get; set; } = "advertisement";

    /// <summary>Gets or sets the field holding the informational value score.</summary>
    /// <value>The default is <c>informational_value</c>.</value>
    public string InformationalValue { get; set; } = "informational_value";

    /// <summary>Gets or sets the field holding the educational value score.</summary>
    /// <value>The default is <c>educational_value</c>.</value>
    public string EducationalValue { get; set; } = "educational_value";

    internal IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(Id), Id), (nameof(Text), Text), (nameof(Quality), Quality), (nameof(Advertisement), Advertisement),
                     (nameof(InformationalValue), InformationalValue), (nameof(EducationalValue), EducationalValue),
                 })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"Annotation field name '{name}' must not be empty.";
            }
        }
    }
}

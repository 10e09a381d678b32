namespace Climb;

/// <summary>One document of a corpus.</summary>
/// <param name="Id">A stable identifier, unique within the corpus.</param>
/// <param name="Text">The document's text.</param>
/// <param name="Source">Where the document came from (a domain tag, file or data set name), or <see langword="null"/>.</param>
/// <param name="Metadata">Other fields carried along with the document, or <see langword="null"/>.</param>
public sealed record Document(
    string Id,
    string Text,
    string? Source = null,
    IReadOnlyDictionary<string, string>? Metadata = null);

namespace Climb;

/// <summary>One multiple-choice question: a context, its candidate continuations and the index of the right one.</summary>
/// <param name="Context">The context (for example "Question: …\nAnswer:").</param>
/// <param name="Choices">The continuations, each scored after a single space.</param>
/// <param name="Label">The index of the correct continuation.</param>
public sealed record MultipleChoiceItem(string Context, IReadOnlyList<string> Choices, int Label);

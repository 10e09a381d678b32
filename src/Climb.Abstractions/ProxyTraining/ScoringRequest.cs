namespace Climb;

/// <summary>A sequence to score: the sum of log p(tokens[i] | tokens[..i]) for i from <see cref="ScoredFrom"/> to the end.</summary>
/// <param name="Tokens">Model ids.</param>
/// <param name="ScoredFrom">The first scored position (at least 1).</param>
internal readonly record struct ScoringRequest(int[] Tokens, int ScoredFrom);

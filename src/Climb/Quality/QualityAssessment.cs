namespace Climb;

/// <summary>The scores of one document together with the rules that lowered them.</summary>
/// <param name="Scores">The four scores.</param>
/// <param name="IsCode">Whether the document was recognised as source code (prose-only rules skipped).</param>
/// <param name="Hits">The rules that applied a penalty, in rule-table order.</param>
internal sealed record QualityAssessment(QualityScores Scores, bool IsCode, IReadOnlyList<QualityRuleHit> Hits);

/// <summary>One rule that lowered a document's scores.</summary>
/// <param name="Rule">The rule name as listed in docs/quality.md (for example <c>duplicate_lines</c>).</param>
/// <param name="Value">The measured signal value.</param>
/// <param name="Penalty">The amount subtracted from each criterion.</param>
internal sealed record QualityRuleHit(string Rule, double Value, QualityScores Penalty);

using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>Options of <see cref="ClimbSearchStrategy"/>.</summary>
public sealed class ClimbSearchStrategyOptions : IValidatableOptions
{
    /// <summary>Gets or sets the proxy runs of each round; the first round samples directly from the sampler.</summary>
    /// <value>64, 32, 16 (the paper's 112-run search).</value>
    public IList<int> RoundBudgets { get; set; } = [64, 32, 16];

    /// <summary>Gets or sets the number of candidates drawn from the sampler and ranked by the predictor in each later round and for the answer.</summary>
    /// <value>100,000.</value>
    [Range(1, 100_000_000)]
    public int CandidatePoolSize { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the floor of the top-ranked set a round samples from: a round of n runs draws its n mixtures uniformly
    /// at random from the top max(n², this) ranked candidates.
    /// </summary>
    /// <value>128.</value>
    [Range(1, 100_000_000)]
    public int TopCandidatesMinimum { get; set; } = 128;

    /// <summary>Gets or sets how many top-predicted candidates are averaged into the answer; 1 returns the predictor's best mixture (the paper's rule).</summary>
    /// <value>1.</value>
    [Range(1, 100_000_000)]
    public int AnswerTopK { get; set; } = 1;

    /// <summary>Gets or sets whether the already evaluated mixtures join the candidates ranked for the answer, ranked by their out-of-fold predictions.</summary>
    /// <value><see langword="true"/>.</value>
    public bool IncludeEvaluatedInAnswer { get; set; } = true;

    /// <summary>Gets or sets whether, when several candidates tie for the top prediction (a tree ensemble is piecewise constant), the answer is their mean rather than the first of them.</summary>
    /// <value><see langword="false"/>.</value>
    public bool AverageTiedAnswers { get; set; }

    /// <summary>
    /// Gets or sets the held-out Spearman correlation the final predictor needs for its best candidate to be the answer;
    /// below it (or when it cannot be measured) the answer is the best measured mixture and the result says why.
    /// <see langword="null"/> always trusts the predictor.
    /// </summary>
    /// <value>0.3.</value>
    [Range(-1.0, 1.0)]
    public double? MinimumAnswerSpearman { get; set; } = 0.3;

    /// <summary>Gets or sets the L1 distance under which a proposal counts as a repeat of an evaluated or already proposed mixture and is skipped.</summary>
    /// <value>1e-3.</value>
    [Range(0.0, 2.0)]
    public double RepeatDistance { get; set; } = 1e-3;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (RoundBudgets is null || RoundBudgets.Count == 0)
        {
            yield return "RoundBudgets needs at least one round.";
        }
        else if (RoundBudgets.Any(b => b < 1))
        {
            yield return $"RoundBudgets: every round needs at least 1 proxy run (got [{string.Join(", ", RoundBudgets)}]).";
        }
    }

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"rounds=[{string.Join(",", RoundBudgets)}],pool={CandidatePoolSize},top>={TopCandidatesMinimum},answerTopK={AnswerTopK},includeEvaluated={IncludeEvaluatedInAnswer},ties={AverageTiedAnswers},minRho={MinimumAnswerSpearman?.ToString("R", CultureInfo.InvariantCulture) ?? "none"},repeat={RepeatDistance:R}");
}

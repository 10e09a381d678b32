using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>
/// Options of <see cref="ClimbSearchStrategy"/>. The defaults are Climb's small-budget rule (trust region, Thompson
/// sampling, a lower-confidence-bound answer confirmed against the best measured mixture on fresh data seeds);
/// <see cref="Paper"/> is the paper's rule.
/// </summary>
public sealed class ClimbSearchStrategyOptions : IValidatableOptions
{
    /// <summary>Gets or sets the proxy runs of each search round; the first round samples directly from the sampler. The confirmation round (<see cref="ConfirmationCandidates"/> × <see cref="ConfirmationSeeds"/> runs) comes on top.</summary>
    /// <value>23, 17, 18 (64 proxy runs with the confirmation round: <see cref="ForBudget"/>(64)).</value>
    public IList<int> RoundBudgets { get; set; } = [23, 17, 18];

    /// <summary>Gets or sets how a later round chooses its mixtures from the ranked candidates.</summary>
    /// <value><see cref="ClimbProposalRule.ThompsonSampling"/>.</value>
    public ClimbProposalRule Proposals { get; set; } = ClimbProposalRule.ThompsonSampling;

    /// <summary>Gets or sets where the candidates ranked for the proposals and the answer are drawn.</summary>
    /// <value><see cref="ClimbCandidateRegion.TrustRegion"/>.</value>
    public ClimbCandidateRegion Candidates { get; set; } = ClimbCandidateRegion.TrustRegion;

    /// <summary>Gets or sets which mixture is proposed as the answer.</summary>
    /// <value><see cref="ClimbAnswerRule.LowerConfidenceBound"/>.</value>
    public ClimbAnswerRule Answer { get; set; } = ClimbAnswerRule.LowerConfidenceBound;

    /// <summary>Gets or sets which data seeds the search rounds' proxies train with.</summary>
    /// <value><see cref="ClimbDataSeeds.Search"/>.</value>
    public ClimbDataSeeds DataSeeds { get; set; }

    /// <summary>Gets or sets the number of candidates drawn from the sampler and ranked by the predictor in each later round and for the answer (<see cref="ClimbCandidateRegion.Prior"/>).</summary>
    /// <value>100,000.</value>
    [Range(1, 100_000_000)]
    public int CandidatePoolSize { get; set; } = 100_000;

    /// <summary>
    /// Gets or sets the floor of the top-ranked set a round samples from under <see cref="ClimbProposalRule.TopOfPool"/>: a round of n runs draws its n mixtures uniformly
    /// at random from the top max(n², this) ranked candidates.
    /// </summary>
    /// <value>128.</value>
    [Range(1, 100_000_000)]
    public int TopCandidatesMinimum { get; set; } = 128;

    /// <summary>Gets or sets how many top-predicted candidates are averaged into the answer: under <see cref="ClimbAnswerRule.PredictedBest"/> 1 returns the predictor's best mixture (the paper's rule); <see cref="ClimbAnswerRule.TopKMean"/> averages max(this, 2).</summary>
    /// <value>1.</value>
    [Range(1, 100_000_000)]
    public int AnswerTopK { get; set; } = 1;

    /// <summary>
    /// Gets or sets whether the already evaluated mixtures join the candidates ranked for the answer (by their out-of-fold
    /// predictions under the paper's rule, by the predictor otherwise). Off by default: the confirmation round already
    /// re-measures the best measured mixture beside the model's candidates.
    /// </summary>
    /// <value><see langword="false"/> (the paper preset: <see langword="true"/>).</value>
    public bool IncludeEvaluatedInAnswer { get; set; }

    /// <summary>Gets or sets whether, when several candidates tie for the top prediction (a tree ensemble is piecewise constant), the answer is their mean rather than the first of them (<see cref="ClimbAnswerRule.PredictedBest"/> only).</summary>
    /// <value><see langword="false"/>.</value>
    public bool AverageTiedAnswers { get; set; }

    /// <summary>
    /// Gets or sets the held-out Spearman correlation the final predictor needs for its best candidate to be the answer;
    /// below it (or when it cannot be measured) the answer is the best measured mixture and the result says why.
    /// <see langword="null"/> always trusts the predictor. Without a confirmation round only: a confirmation round
    /// re-measures the best measured mixture beside the predicted ones and lets fresh data decide.
    /// </summary>
    /// <value><see langword="null"/> (the paper preset: 0.3).</value>
    [Range(-1.0, 1.0)]
    public double? MinimumAnswerSpearman { get; set; }

    /// <summary>Gets or sets the L1 distance under which a proposal counts as a repeat of an evaluated or already proposed mixture and is skipped.</summary>
    /// <value>1e-3.</value>
    [Range(0.0, 2.0)]
    public double RepeatDistance { get; set; } = 1e-3;

    /// <summary>Gets or sets the number of candidates drawn in the trust region (and from the sampler, <see cref="GlobalCandidateShare"/>) for each later round and for the answer.</summary>
    /// <value>2,000.</value>
    [Range(16, 1_000_000)]
    public int TrustRegionPoolSize { get; set; } = 2000;

    /// <summary>Gets or sets the first Dirichlet concentration of the trust region (the sum of the Dirichlet's parameters: 50 moves a weight of 0.2 by about ±0.06).</summary>
    /// <value>50.</value>
    [Range(1.0, 1e6)]
    public double TrustRegionConcentration { get; set; } = 50;

    /// <summary>Gets or sets the bounds the trust region's concentration stays in as it doubles and halves.</summary>
    /// <value>12.5 and 800.</value>
    [Range(0.1, 1e6)]
    public double TrustRegionMinimumConcentration { get; set; } = 12.5;

    /// <inheritdoc cref="TrustRegionMinimumConcentration"/>
    [Range(0.1, 1e7)]
    public double TrustRegionMaximumConcentration { get; set; } = 800;

    /// <summary>Gets or sets how many distinct measured mixtures (the best by the predictor) centre the trust region.</summary>
    /// <value>3.</value>
    [Range(1, 1000)]
    public int TrustRegionCentres { get; set; } = 3;

    /// <summary>Gets or sets the share of the candidates drawn from the sampler over the whole simplex rather than in the trust region.</summary>
    /// <value>0.2.</value>
    [Range(0.0, 1.0)]
    public double GlobalCandidateShare { get; set; } = 0.2;

    /// <summary>Gets or sets the width, in posterior standard deviations, of the lower confidence bound (<see cref="ClimbAnswerRule.LowerConfidenceBound"/>).</summary>
    /// <value>1.</value>
    [Range(0.0, 10.0)]
    public double ConfidenceBoundWidth { get; set; } = 1.0;

    /// <summary>
    /// Gets or sets how many distinct candidates a final confirmation round re-measures on fresh data seeds before answering:
    /// the proposed answer, other predicted candidates, and the best measured mixture (always last); <see cref="ConfirmationRule"/>
    /// chooses among them, which counters the winner's curse of the best single measurement. 0 turns the round off.
    /// </summary>
    /// <value>2 (the proposed answer and the best measured mixture).</value>
    [Range(0, 100)]
    public int ConfirmationCandidates { get; set; } = 2;

    /// <summary>Gets or sets how the confirmation round chooses the answer among its candidates.</summary>
    /// <value><see cref="ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed"/>.</value>
    public ClimbConfirmationRule ConfirmationRule { get; set; } = ClimbConfirmationRule.KeepUnlessBeatenOnEverySeed;

    /// <summary>Gets or sets how many fresh data seeds (shared by every confirmed candidate, so they compare paired) the confirmation round uses.</summary>
    /// <value>3.</value>
    [Range(1, 1000)]
    public int ConfirmationSeeds { get; set; } = 3;

    /// <summary>Gets the proxy runs of the whole search: the search rounds and the confirmation round.</summary>
    public int TotalProxyRuns => (RoundBudgets?.Sum() ?? 0) + (ConfirmationCandidates * ConfirmationSeeds);

    /// <summary>
    /// Climb's default rule for <paramref name="totalProxyRuns"/> proxy runs in all: a confirmation round of 2 candidates × 3
    /// fresh data seeds, and the rest split 40 % / 30 % / 30 % over three search rounds. Give Best-of-N and RegMix the same
    /// total (<see cref="TotalProxyRuns"/>) to compare them at equal compute.
    /// </summary>
    /// <param name="totalProxyRuns">Every proxy run of the search, the confirmation round's included; at least 16.</param>
    /// <returns>The options.</returns>
    public static ClimbSearchStrategyOptions ForBudget(int totalProxyRuns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalProxyRuns, 16);
        var options = new ClimbSearchStrategyOptions();
        int search = totalProxyRuns - (options.ConfirmationCandidates * options.ConfirmationSeeds);
        int first = (int)Math.Round(search * 0.4), second = (int)Math.Round(search * 0.3);
        options.RoundBudgets = [first, second, search - first - second];
        return options;
    }

    /// <summary>
    /// The paper's rule (§3.2, §4.1): rounds of 64, 32 and 16 runs; a later round draws its mixtures at random from the top
    /// max(n², 128) of 100,000 fresh prior candidates ranked by the predictor; the answer is the predictor's argmax over a
    /// fresh pool and the evaluated mixtures (these by their out-of-fold predictions), or the best measured mixture when the
    /// predictor's held-out Spearman is below 0.3. No trust region, no acquisition rule, no confirmation round.
    /// </summary>
    /// <returns>The options.</returns>
    public static ClimbSearchStrategyOptions Paper() => new()
    {
        RoundBudgets = [64, 32, 16],
        Proposals = ClimbProposalRule.TopOfPool,
        Candidates = ClimbCandidateRegion.Prior,
        Answer = ClimbAnswerRule.PredictedBest,
        AnswerTopK = 1,
        IncludeEvaluatedInAnswer = true,
        AverageTiedAnswers = false,
        MinimumAnswerSpearman = 0.3,
        ConfirmationCandidates = 0,
    };

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

        if (TrustRegionMinimumConcentration > TrustRegionMaximumConcentration)
        {
            yield return $"TrustRegionMinimumConcentration ({TrustRegionMinimumConcentration}) exceeds TrustRegionMaximumConcentration ({TrustRegionMaximumConcentration}).";
        }

        if (TrustRegionConcentration < TrustRegionMinimumConcentration || TrustRegionConcentration > TrustRegionMaximumConcentration)
        {
            yield return $"TrustRegionConcentration ({TrustRegionConcentration}) is outside [TrustRegionMinimumConcentration, TrustRegionMaximumConcentration] = [{TrustRegionMinimumConcentration}, {TrustRegionMaximumConcentration}].";
        }

        if (ConfirmationCandidates == 1)
        {
            yield return "ConfirmationCandidates must be 0 (off) or at least 2: confirming one candidate chooses nothing.";
        }
    }

    internal string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"rounds=[{string.Join(",", RoundBudgets)}],pool={CandidatePoolSize},top>={TopCandidatesMinimum},answerTopK={AnswerTopK},includeEvaluated={IncludeEvaluatedInAnswer},ties={AverageTiedAnswers},minRho={MinimumAnswerSpearman?.ToString("R", CultureInfo.InvariantCulture) ?? "none"},repeat={RepeatDistance:R}")
        + (Candidates == ClimbCandidateRegion.TrustRegion || Proposals != ClimbProposalRule.TopOfPool || Answer != ClimbAnswerRule.PredictedBest || ConfirmationCandidates > 0 || DataSeeds != ClimbDataSeeds.Search
            ? string.Create(
                CultureInfo.InvariantCulture,
                $",proposals={Proposals},candidates={Candidates},answer={Answer},seeds={DataSeeds},trPool={TrustRegionPoolSize},trConc={TrustRegionConcentration:R}[{TrustRegionMinimumConcentration:R},{TrustRegionMaximumConcentration:R}],trCentres={TrustRegionCentres},global={GlobalCandidateShare:R},kappa={ConfidenceBoundWidth:R},confirm={ConfirmationCandidates}x{ConfirmationSeeds}{(ConfirmationRule == ClimbConfirmationRule.BestMean ? string.Empty : "," + ConfirmationRule)}")
            : string.Empty);
}

using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Climb;

/// <summary>
/// What the data can supply: bounds every searched mixture by Olmix's repetition limit,
/// <c>weight_i × TargetTokens ≤ tokens_i × MaxRepetition</c>, so that the answer can be exported (and trained on) at the
/// full budget with its exact shares. See <see cref="MixturePrior.WithRepetitionLimit"/>.
/// </summary>
public sealed class MixtureFeasibilityOptions : IValidatableOptions
{
    /// <summary>Gets or sets whether mixtures are bounded by the repetition limit.</summary>
    /// <value>The default is <see langword="true"/>. Off, a weight may ask a cluster for more tokens than it holds and the export falls short of its budget.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the tokens of the training set the mixture is for.</summary>
    /// <value>The default is <see langword="null"/>: the export budget (<see cref="MixedDatasetExporterOptions.TokenBudget"/>).</value>
    [Range(1L, long.MaxValue)]
    public long? TargetTokens { get; set; }

    /// <summary>Gets or sets the most passes over one cluster's tokens (epochs) a mixture may ask for.</summary>
    /// <value>The default is 4 (Olmix).</value>
    [Range(1e-6, 1e6)]
    public double MaxRepetition { get; set; } = 4;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (!double.IsFinite(MaxRepetition))
        {
            yield return $"MaxRepetition ({MaxRepetition.ToString(CultureInfo.InvariantCulture)}) must be finite.";
        }
    }

    /// <summary>Bounds a prior built from token counts (a no-op when disabled).</summary>
    internal MixturePrior Apply(MixturePrior prior, long defaultTargetTokens) =>
        Enabled ? prior.WithRepetitionLimit(TargetTokens ?? defaultTargetTokens, MaxRepetition) : prior;

    /// <summary>A canonical text for fingerprints.</summary>
    internal string Describe(long defaultTargetTokens) => Enabled
        ? string.Create(CultureInfo.InvariantCulture, $"feasible(target={TargetTokens ?? defaultTargetTokens},rep={MaxRepetition:R})")
        : "feasible(off)";
}

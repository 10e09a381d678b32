using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="MixtureSearch"/> (the strategy-independent settings).</summary>
public sealed class MixtureSearchOptions : IValidatableOptions
{
    /// <summary>Gets or sets the search seed; every random choice (sampling, folds, selection, proxy seeds) derives from it.</summary>
    /// <value>0.</value>
    public int Seed { get; set; }

    /// <summary>Gets or sets how many proxies of a round run at once (one per GPU, or the cores on CPU).</summary>
    /// <value>1.</value>
    [Range(1, 4096)]
    public int MaxDegreeOfParallelism { get; set; } = 1;

    /// <summary>
    /// Gets or sets the JSON-lines journal every proxy result is appended to as it finishes; an existing journal of the same
    /// configuration is resumed, one of another configuration is refused. <see langword="null"/> keeps no journal.
    /// </summary>
    /// <value><see langword="null"/>.</value>
    public string? JournalPath { get; set; }

    /// <summary>Gets or sets a description of the proxy set-up (model, steps, tokenizer, target) that enters the fingerprint.</summary>
    /// <value>The empty string.</value>
    public string ProxyConfiguration { get; set; } = string.Empty;

    /// <summary>Gets or sets one seed for every proxy run; <see langword="null"/> derives the seeds from <see cref="Seed"/> (see <see cref="CommonRandomNumbers"/>).</summary>
    /// <value><see langword="null"/>.</value>
    public int? ProxySeed { get; set; }

    /// <summary>
    /// Gets or sets whether the proxies of a round share one data-order seed (common random numbers), so their differences
    /// come from the mixtures rather than from the order the data was drawn in; otherwise every run has its own seed.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool CommonRandomNumbers { get; set; } = true;

    /// <summary>
    /// Gets or sets how many times the search trains the same mixture (the prior's shares) with different data seeds, once,
    /// after the first round, to measure the proxy's noise floor and the signal-to-noise ratio; 0 turns it off.
    /// </summary>
    /// <value>3.</value>
    [Range(0, 1000)]
    public int NoiseReplicates { get; set; } = 3;

    /// <summary>Gets or sets whether the answer is measured by one more proxy run (unless it was already evaluated), and reported beside the best measured mixture.</summary>
    /// <value><see langword="true"/>.</value>
    public bool MeasureAnswer { get; set; } = true;

    /// <summary>
    /// Gets or sets whether a predicted answer that measures worse than the best measured mixture (on the same data seed)
    /// is replaced by the best measured mixture; the result then keeps the predicted answer in
    /// <see cref="MixtureSearchResult.PredictedAnswer"/> and says why. Needs <see cref="MeasureAnswer"/>.
    /// </summary>
    /// <value><see langword="true"/>.</value>
    public bool KeepBestMeasuredWhenAnswerIsWorse { get; set; } = true;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (NoiseReplicates == 1)
        {
            yield return "NoiseReplicates must be 0 (off) or at least 2: one run has no spread.";
        }
    }
}

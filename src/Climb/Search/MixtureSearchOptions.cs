using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>Options of <see cref="MixtureSearch"/> (the strategy-independent settings).</summary>
public sealed class MixtureSearchOptions
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

    /// <summary>Gets or sets one seed for every proxy run; <see langword="null"/> gives each run its own seed derived from <see cref="Seed"/>, round and index.</summary>
    /// <value><see langword="null"/>.</value>
    public int? ProxySeed { get; set; }
}

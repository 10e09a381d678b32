using System.Globalization;

namespace Climb;

/// <summary>
/// The natural distribution of the (super-)clusters a mixture is drawn over: each cluster's share of the corpus tokens,
/// with optional names. Samplers derive their Dirichlet concentration and their per-cluster caps from it.
/// </summary>
public sealed class MixturePrior
{
    private readonly double[] _shares;
    private readonly string[] _names;

    /// <summary>Initializes the prior from non-negative token counts or shares (normalised here).</summary>
    /// <param name="tokenShares">One non-negative value per cluster (token counts or fractions) with a positive sum.</param>
    /// <param name="names">Optional cluster names, one per cluster; defaults to "c0", "c1", ...</param>
    /// <exception cref="ArgumentException">A value is negative or not finite, the sum is not positive, or the names do not match.</exception>
    public MixturePrior(IEnumerable<double> tokenShares, IEnumerable<string>? names = null)
    {
        ArgumentNullException.ThrowIfNull(tokenShares);
        double[] v = tokenShares.ToArray();
        if (v.Length == 0)
        {
            throw new ArgumentException("A prior needs at least one cluster.", nameof(tokenShares));
        }

        double sum = 0;
        for (int i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]) || v[i] < 0)
            {
                throw new ArgumentException(
                    $"Token share {i} is {v[i].ToString(CultureInfo.InvariantCulture)}; shares must be finite and non-negative.",
                    nameof(tokenShares));
            }

            sum += v[i];
        }

        if (!(sum > 0) || !double.IsFinite(sum))
        {
            throw new ArgumentException("Token shares must have a positive, finite sum.", nameof(tokenShares));
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= sum;
        }

        _shares = v;
        _names = names?.ToArray() ?? Enumerable.Range(0, v.Length).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        if (_names.Length != v.Length)
        {
            throw new ArgumentException($"{_names.Length} names were given for {v.Length} clusters.", nameof(names));
        }
    }

    /// <summary>Gets the number of clusters.</summary>
    public int Count => _shares.Length;

    /// <summary>Gets each cluster's token share (sums to 1).</summary>
    public IReadOnlyList<double> Shares => _shares;

    /// <summary>Gets the cluster names.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Creates a prior from token counts per cluster.</summary>
    /// <param name="tokenCounts">Tokens per cluster.</param>
    /// <returns>The prior.</returns>
    public static MixturePrior FromTokenCounts(IEnumerable<long> tokenCounts)
    {
        ArgumentNullException.ThrowIfNull(tokenCounts);
        return new MixturePrior(tokenCounts.Select(c => (double)c));
    }

    /// <summary>Gets the shares as a span (internal fast path).</summary>
    internal ReadOnlySpan<double> SharesSpan => _shares;

    /// <summary>A canonical text of the shares and names for fingerprints.</summary>
    internal string Describe() =>
        string.Join(";", _shares.Select((s, i) => _names[i] + "=" + s.ToString("R", CultureInfo.InvariantCulture)));
}

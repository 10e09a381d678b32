using System.Globalization;

namespace Climb;

/// <summary>A point on the probability simplex: one non-negative weight per (super-)cluster, summing to 1.</summary>
public sealed class MixtureWeights : IEquatable<MixtureWeights>
{
    private readonly double[] _weights;

    /// <summary>Initializes the weights, checking they are finite, non-negative and sum to 1 (±1e-6).</summary>
    /// <param name="weights">The weights; copied.</param>
    /// <exception cref="ArgumentException">The weights are empty, negative, not finite, or do not sum to 1.</exception>
    public MixtureWeights(IEnumerable<double> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _weights = weights.ToArray();
        if (_weights.Length == 0)
        {
            throw new ArgumentException("A mixture needs at least one weight.", nameof(weights));
        }

        double sum = 0;
        for (int i = 0; i < _weights.Length; i++)
        {
            double w = _weights[i];
            if (!double.IsFinite(w) || w < 0)
            {
                throw new ArgumentException($"Weight {i} is {w.ToString(CultureInfo.InvariantCulture)}; weights must be finite and non-negative.", nameof(weights));
            }

            sum += w;
        }

        if (Math.Abs(sum - 1.0) > 1e-6)
        {
            throw new ArgumentException($"Weights sum to {sum.ToString("R", CultureInfo.InvariantCulture)}, not 1.", nameof(weights));
        }
    }

    /// <summary>Gets the number of components.</summary>
    public int Count => _weights.Length;

    /// <summary>Gets one weight.</summary>
    /// <param name="index">The component.</param>
    public double this[int index] => _weights[index];

    /// <summary>Gets the weights.</summary>
    public ReadOnlySpan<double> AsSpan() => _weights;

    /// <summary>Returns a copy of the weights.</summary>
    /// <returns>The weights.</returns>
    public double[] ToArray() => (double[])_weights.Clone();

    /// <summary>Creates weights from non-negative values by dividing by their sum.</summary>
    /// <param name="values">Non-negative values with a positive sum.</param>
    /// <returns>The normalised weights.</returns>
    public static MixtureWeights Normalize(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] v = values.ToArray();
        double sum = v.Sum();
        if (!(sum > 0) || !double.IsFinite(sum))
        {
            throw new ArgumentException("Values must be non-negative with a positive, finite sum.", nameof(values));
        }

        for (int i = 0; i < v.Length; i++)
        {
            v[i] /= sum;
        }

        return new MixtureWeights(v);
    }

    /// <summary>Creates the uniform mixture over <paramref name="count"/> components.</summary>
    /// <param name="count">The number of components.</param>
    /// <returns>The uniform weights.</returns>
    public static MixtureWeights Uniform(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return new MixtureWeights(Enumerable.Repeat(1.0 / count, count));
    }

    /// <inheritdoc />
    public bool Equals(MixtureWeights? other) => other is not null && _weights.AsSpan().SequenceEqual(other._weights);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as MixtureWeights);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (double w in _weights)
        {
            h.Add(w);
        }

        return h.ToHashCode();
    }

    /// <inheritdoc />
    public override string ToString() =>
        "[" + string.Join(", ", _weights.Select(w => w.ToString("0.####", CultureInfo.InvariantCulture))) + "]";
}

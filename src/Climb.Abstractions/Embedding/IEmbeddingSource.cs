namespace Climb;

/// <summary>A readable set of embedding rows, in memory or on disk.</summary>
/// <remarks>Implementations must allow concurrent reads.</remarks>
public interface IEmbeddingSource
{
    /// <summary>Gets the number of rows.</summary>
    long RowCount { get; }

    /// <summary>Gets the number of columns of every row.</summary>
    int Dimension { get; }

    /// <summary>Copies <paramref name="count"/> rows starting at <paramref name="start"/> into <paramref name="destination"/>.</summary>
    /// <param name="start">The first row to read.</param>
    /// <param name="count">The number of rows to read.</param>
    /// <param name="destination">A buffer of at least <paramref name="count"/> × <see cref="Dimension"/> floats, row-major.</param>
    void ReadRows(long start, int count, Span<float> destination);
}

using System.Runtime.InteropServices;

namespace Climb;

/// <summary>A dense, row-major matrix of float embeddings held in memory.</summary>
public sealed class EmbeddingMatrix : IEmbeddingSource
{
    private readonly float[] _data;

    /// <summary>Initializes a new matrix of zeros.</summary>
    /// <param name="rows">The number of rows.</param>
    /// <param name="dimension">The number of columns.</param>
    public EmbeddingMatrix(int rows, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        Rows = rows;
        Dimension = dimension;
        _data = new float[checked(rows * dimension)];
    }

    /// <summary>Wraps an existing row-major buffer (not copied).</summary>
    /// <param name="data">The values, row after row.</param>
    /// <param name="dimension">The number of columns; <paramref name="data"/>'s length must be a multiple of it.</param>
    public EmbeddingMatrix(float[] data, int dimension)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        if (data.Length % dimension != 0)
        {
            throw new ArgumentException($"The buffer length {data.Length} is not a multiple of the dimension {dimension}.", nameof(data));
        }

        _data = data;
        Dimension = dimension;
        Rows = data.Length / dimension;
    }

    /// <summary>Gets the number of rows.</summary>
    public int Rows { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    long IEmbeddingSource.RowCount => Rows;

    /// <summary>Gets the whole buffer, row-major.</summary>
    public Span<float> Data => _data;

    /// <summary>Gets one row.</summary>
    /// <param name="row">The row index.</param>
    /// <returns>The row's values.</returns>
    public Span<float> this[int row] => _data.AsSpan(row * Dimension, Dimension);

    /// <summary>Creates a matrix from jagged rows, checking that every row has the same length.</summary>
    /// <param name="rows">The rows.</param>
    /// <returns>The matrix.</returns>
    /// <exception cref="ArgumentException">The rows are empty, of zero length, or of different lengths.</exception>
    public static EmbeddingMatrix FromRows(IReadOnlyList<float[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            throw new ArgumentException("At least one row is required.", nameof(rows));
        }

        int dim = rows[0].Length;
        if (dim == 0)
        {
            throw new ArgumentException("Row 0 has zero dimensions.", nameof(rows));
        }

        var m = new EmbeddingMatrix(rows.Count, dim);
        for (int i = 0; i < rows.Count; i++)
        {
            if (rows[i].Length != dim)
            {
                throw new ArgumentException($"Row {i} has {rows[i].Length} dimensions; row 0 has {dim}.", nameof(rows));
            }

            rows[i].CopyTo(m[i]);
        }

        return m;
    }

    /// <inheritdoc />
    public void ReadRows(long start, int count, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start + count > Rows)
        {
            throw new ArgumentOutOfRangeException(nameof(count), $"Rows {start}..{start + count} exceed the {Rows} rows of the matrix.");
        }

        _data.AsSpan(checked((int)start * Dimension), count * Dimension).CopyTo(destination);
    }

    /// <summary>Gets the underlying array for interop with numeric kernels.</summary>
    internal float[] Buffer => _data;

    /// <summary>Gets the rows as a read-only memory block.</summary>
    /// <returns>The buffer.</returns>
    public ReadOnlyMemory<float> AsMemory() => _data;

    /// <summary>Reinterprets a row as bytes (for hashing and persistence).</summary>
    internal ReadOnlySpan<byte> RowBytes(int row) => MemoryMarshal.AsBytes((ReadOnlySpan<float>)this[row]);
}

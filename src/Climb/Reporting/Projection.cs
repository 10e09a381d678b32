using MathNet.Numerics.LinearAlgebra;

namespace Climb;

/// <summary>Principal-component projection to two dimensions (MathNet's symmetric eigendecomposition of the covariance).</summary>
internal static class Projection
{
    /// <summary>Projects the rows onto their first two principal components.</summary>
    /// <param name="m">The rows (e.g. cluster centroids).</param>
    /// <returns>(first, second) principal coordinates per row; each axis is signed so that its largest loading is positive.</returns>
    public static (double X, double Y)[] Pca2(EmbeddingMatrix m)
    {
        ArgumentNullException.ThrowIfNull(m);
        int n = m.Rows, d = m.Dimension;
        var result = new (double, double)[n];
        if (n == 0)
        {
            return result;
        }

        var x = Matrix<double>.Build.Dense(n, d, (i, j) => m[i][j]);
        var mean = x.ColumnSums() / n;
        for (int i = 0; i < n; i++)
        {
            x.SetRow(i, x.Row(i) - mean);
        }

        // Eigenvalues of the symmetric d×d scatter matrix come in ascending order: the last two columns are the axes.
        var evd = x.TransposeThisAndMultiply(x).Evd(Symmetricity.Symmetric);
        var pc1 = Axis(evd.EigenVectors, d - 1);
        var pc2 = d >= 2 ? Axis(evd.EigenVectors, d - 2) : Vector<double>.Build.Dense(d);
        var a = x * pc1;
        var b = x * pc2;
        for (int i = 0; i < n; i++)
        {
            result[i] = (a[i], b[i]);
        }

        return result;
    }

    private static Vector<double> Axis(Matrix<double> eigenVectors, int column)
    {
        var v = eigenVectors.Column(column);
        return v[v.AbsoluteMaximumIndex()] < 0 ? -v : v;
    }
}

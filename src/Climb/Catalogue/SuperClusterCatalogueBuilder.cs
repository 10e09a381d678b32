namespace Climb;

/// <summary>Accumulates the <see cref="SuperClusterCatalogue"/> while the kept documents stream past in corpus order: c-TF-IDF
/// terms, quality sums, document counts and the first sample documents of every super-cluster.</summary>
internal sealed class SuperClusterCatalogueBuilder
{
    private const int SnippetCharacters = 200;
    private readonly int _samplesPerCluster;
    private readonly int _terms;
    private readonly ClassTfIdf _tfidf;
    private readonly List<CatalogueSample>[] _samples;
    private readonly double[,] _quality;
    private readonly long[] _documents;

    public SuperClusterCatalogueBuilder(int superClusters, int samplesPerCluster, int terms)
    {
        _samplesPerCluster = samplesPerCluster;
        _terms = terms;
        _tfidf = new ClassTfIdf(superClusters);
        _samples = Enumerable.Range(0, superClusters).Select(_ => new List<CatalogueSample>()).ToArray();
        _quality = new double[superClusters, 4];
        _documents = new long[superClusters];
    }

    /// <summary>Adds a kept document of super-cluster <paramref name="superCluster"/>.</summary>
    public void Add(int superCluster, Document document, QualityScores scores)
    {
        _tfidf.Add(superCluster, document.Text);
        _quality[superCluster, 0] += scores.Quality;
        _quality[superCluster, 1] += scores.Advertisement;
        _quality[superCluster, 2] += scores.InformationalValue;
        _quality[superCluster, 3] += scores.EducationalValue;
        _documents[superCluster]++;
        if (_samples[superCluster].Count < _samplesPerCluster)
        {
            _samples[superCluster].Add(new CatalogueSample(document.Id, Snippet(document.Text)));
        }
    }

    /// <summary>Builds the catalogue.</summary>
    /// <param name="superClusterOf">The super-cluster of every fine cluster (-1 = pruned).</param>
    /// <param name="tokenCounts">The tokens of every super-cluster.</param>
    public SuperClusterCatalogue Build(IReadOnlyList<int> superClusterOf, IReadOnlyList<long> tokenCounts)
    {
        int supers = _documents.Length;
        var top = _tfidf.TopTerms(_terms);
        var entries = new List<CatalogueEntry>(supers);
        for (int s = 0; s < supers; s++)
        {
            var terms = top[s].Select(t => t.Term).ToList();
            double n = Math.Max(1, _documents[s]);
            entries.Add(new CatalogueEntry(
                s,
                $"{s}: {string.Join(" ", terms.Take(3))}",
                Enumerable.Range(0, superClusterOf.Count).Where(f => superClusterOf[f] == s).ToArray(),
                _documents[s],
                tokenCounts[s],
                [_quality[s, 0] / n, _quality[s, 1] / n, _quality[s, 2] / n, _quality[s, 3] / n],
                terms,
                _samples[s]));
        }

        return new SuperClusterCatalogue(entries.Select(e => e.Name).ToList(), entries);
    }

    private static string Snippet(string text)
    {
        string t = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return t.Length <= SnippetCharacters ? t : t[..SnippetCharacters] + "…";
    }
}

namespace Climb;

/// <summary>
/// Class-based TF-IDF (as BERTopic's c-TF-IDF): all documents of a cluster are one "class document";
/// weight(t, c) = tf(t, c) / |c| × log(1 + A / f(t)), with A the mean number of words per class and f(t) the
/// frequency of t over all classes. Ranks the terms that characterise each cluster for the catalogue.
/// </summary>
internal sealed class ClassTfIdf
{
    private readonly List<Dictionary<string, int>> _counts = [];
    private readonly List<long> _totals = [];
    private readonly HashSet<string> _stopWords;
    private readonly int _minLength;

    public ClassTfIdf(int classCount, IEnumerable<string>? stopWords = null, int minTermLength = 3)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classCount);
        for (int i = 0; i < classCount; i++)
        {
            _counts.Add(new Dictionary<string, int>(StringComparer.Ordinal));
            _totals.Add(0);
        }

        _stopWords = new HashSet<string>(stopWords ?? DefaultStopWords, StringComparer.Ordinal);
        _minLength = minTermLength;
    }

    /// <summary>A short English stop-word list (function words that never characterise a cluster).</summary>
    public static IReadOnlyList<string> DefaultStopWords { get; } =
    [
        "the", "and", "for", "that", "with", "this", "from", "are", "was", "were", "but", "not", "you", "your", "have", "has",
        "had", "his", "her", "its", "they", "them", "their", "there", "then", "than", "which", "who", "whom", "what", "when",
        "where", "why", "how", "all", "any", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "our",
        "out", "into", "unto", "upon", "also", "been", "being", "one", "two", "she", "him", "these", "those", "such", "only",
        "other", "some", "more", "most", "very", "just", "about", "over", "after", "before", "because", "while", "each", "both",
        "own", "same", "too", "does", "did", "doing", "done", "let", "get", "got", "yet", "nor", "off", "per", "via", "ever",
    ];

    /// <summary>Adds one document's words to a class.</summary>
    public void Add(int classIndex, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var counts = _counts[classIndex];
        long added = 0;
        foreach (string term in Terms(text))
        {
            counts[term] = counts.GetValueOrDefault(term) + 1;
            added++;
        }

        _totals[classIndex] += added;
    }

    /// <summary>Returns the <paramref name="top"/> terms of every class, best first, with their weights.</summary>
    public IReadOnlyList<IReadOnlyList<(string Term, double Weight)>> TopTerms(int top)
    {
        var global = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var c in _counts)
        {
            foreach (var (t, n) in c)
            {
                global[t] = global.GetValueOrDefault(t) + n;
            }
        }

        double meanWords = _totals.Count == 0 ? 0 : _totals.Average();
        var result = new List<IReadOnlyList<(string, double)>>(_counts.Count);
        for (int c = 0; c < _counts.Count; c++)
        {
            long total = Math.Max(1, _totals[c]);
            result.Add(_counts[c]
                .Select(kv => (Term: kv.Key, Weight: (double)kv.Value / total * Math.Log(1 + (meanWords / global[kv.Key]))))
                .OrderByDescending(x => x.Weight).ThenBy(x => x.Term, StringComparer.Ordinal)
                .Take(top).ToList());
        }

        return result;
    }

    private IEnumerable<string> Terms(string text)
    {
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetter(text[i]))
            {
                i++;
            }

            int start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
            {
                i++;
            }

            if (i - start >= _minLength)
            {
                string term = text[start..i].ToLowerInvariant();
                if (!_stopWords.Contains(term))
                {
                    yield return term;
                }
            }
        }
    }
}

using System.Buffers;

namespace Climb;

/// <summary>
/// Counts several phrase lists in one search over a text: for each list, the number of positions at which one of its
/// phrases starts, compared ordinally ignoring case. That is what searching each list on its own counts (a search from
/// each match's next character: overlapping matches count, several phrases of one list at one position count once);
/// one search for any phrase of any list, then a check of each list at the positions found, costs a fraction of one
/// search per list (docs/performance.md, "Score stage throughput with language identification"). Thread-safe.
/// </summary>
internal sealed class PhraseCounter
{
    private readonly SearchValues<string> _any;
    private readonly SearchValues<string>[] _lists;
    private readonly int[] _longest;

    /// <summary>Initializes a new instance of the <see cref="PhraseCounter"/> class.</summary>
    /// <param name="lists">The phrase lists, in the order of the counts (a list may be empty; phrases are not).</param>
    public PhraseCounter(IReadOnlyList<IReadOnlyCollection<string>> lists)
    {
        _lists = [.. lists.Select(l => SearchValues.Create([.. l], StringComparison.OrdinalIgnoreCase))];
        _longest = [.. lists.Select(l => l.Count == 0 ? 0 : l.Max(p => p.Length))];
        _any = SearchValues.Create([.. lists.SelectMany(l => l).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Gets the number of lists (the length <see cref="Count"/> fills).</summary>
    public int ListCount => _lists.Length;

    /// <summary>Counts each list's match positions in a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="counts">Receives one count per list, in the lists' order.</param>
    public void Count(ReadOnlySpan<char> text, Span<int> counts)
    {
        counts[.._lists.Length].Clear();
        var position = 0;
        int found;
        while ((found = text[position..].IndexOfAny(_any)) >= 0)
        {
            position += found;
            var rest = text[position..];
            for (var k = 0; k < _lists.Length; k++)
            {
                // A list matches here when one of its phrases starts the rest (the slice holds the longest one).
                if (_longest[k] > 0 && rest[..Math.Min(rest.Length, _longest[k])].IndexOfAny(_lists[k]) == 0)
                {
                    counts[k]++;
                }
            }

            position++;
        }
    }
}

using System.Buffers;
using System.Text;

namespace Climb;

/// <summary>
/// Counts several phrase lists in one search over a text: for each list, the number of positions at which one of its
/// phrases starts, compared ordinally ignoring case. That is what searching each list on its own counts (a search from
/// each match's next character: overlapping matches count, several phrases of one list at one position count once);
/// one search for any phrase of any list, then a check of each list at the positions found, costs a fraction of one
/// search per list (docs/performance.md, "Score stage throughput with language identification"). A text of ASCII
/// characters only is searched for the phrases that can match one (a phrase with a character no ASCII character equals
/// ignoring case cannot), which keeps it off the slower search that non-ASCII phrases need. Thread-safe.
/// </summary>
internal sealed class PhraseCounter
{
    private readonly (SearchValues<string> Any, SearchValues<string>[] Lists, int[] Longest) _all;
    private readonly (SearchValues<string> Any, SearchValues<string>[] Lists, int[] Longest) _ascii;

    /// <summary>Initializes a new instance of the <see cref="PhraseCounter"/> class.</summary>
    /// <param name="lists">The phrase lists, in the order of the counts (a list may be empty; phrases are not).</param>
    public PhraseCounter(IReadOnlyList<IReadOnlyCollection<string>> lists)
    {
        _all = Build(lists);
        _ascii = Build([.. lists.Select(l => l.Where(CanMatchAscii).ToArray())]);
    }

    /// <summary>Gets the number of lists (the length <see cref="Count"/> fills).</summary>
    public int ListCount => _all.Lists.Length;

    /// <summary>Counts each list's match positions in a text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="counts">Receives one count per list, in the lists' order.</param>
    public void Count(ReadOnlySpan<char> text, Span<int> counts)
    {
        var (any, lists, longest) = Ascii.IsValid(text) ? _ascii : _all;
        counts[..lists.Length].Clear();
        var position = 0;
        int found;
        while ((found = text[position..].IndexOfAny(any)) >= 0)
        {
            position += found;
            var rest = text[position..];
            for (var k = 0; k < lists.Length; k++)
            {
                // A list matches here when one of its phrases starts the rest (the slice holds the longest one).
                if (longest[k] > 0 && rest[..Math.Min(rest.Length, longest[k])].IndexOfAny(lists[k]) == 0)
                {
                    counts[k]++;
                }
            }

            position++;
        }
    }

    private static (SearchValues<string> Any, SearchValues<string>[] Lists, int[] Longest) Build(IReadOnlyList<IReadOnlyCollection<string>> lists) => (
        SearchValues.Create([.. lists.SelectMany(l => l).Distinct(StringComparer.OrdinalIgnoreCase)], StringComparison.OrdinalIgnoreCase),
        [.. lists.Select(l => SearchValues.Create([.. l], StringComparison.OrdinalIgnoreCase))],
        [.. lists.Select(l => l.Count == 0 ? 0 : l.Max(p => p.Length))]);

    /// <summary>Whether a phrase can match somewhere in an ASCII text: each of its characters is ASCII or equal to an
    /// ASCII character ignoring case.</summary>
    internal static bool CanMatchAscii(string phrase) =>
        phrase.All(c => char.IsAscii(c) || Enumerable.Range(0, 128).Any(a => string.Equals(c.ToString(), ((char)a).ToString(), StringComparison.OrdinalIgnoreCase)));
}

using System.Text.RegularExpressions;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// The parts of docs/results.md that a regeneration keeps: the discussion written by hand (from its marker to the final
/// section or the end) and the final section another tool writes, kept byte for byte from its heading to the end of the
/// file. Compiled into the tests too (tests/Climb.Tests/Benchmarks/ResultsMarkdownSectionsTests.cs).
/// </summary>
internal static class ResultsMarkdownSections
{
    /// <summary>Returns the kept discussion (without its marker, trimmed) and the final section (its heading and everything after it, verbatim); each <see langword="null"/> when absent.</summary>
    /// <param name="text">The existing file, or <see langword="null"/> when there is none.</param>
    /// <param name="discussionMarker">The line that opens the discussion.</param>
    /// <param name="finalHeading">The heading of the final section.</param>
    /// <returns>The two kept parts.</returns>
    public static (string? Discussion, string? Final) Kept(string? text, string discussionMarker, string finalHeading)
    {
        if (text is null)
        {
            return (null, null);
        }

        var heading = new Regex("^" + Regex.Escape(finalHeading) + @"[ \t]*\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        var match = heading.Match(text);
        int end = match.Success ? match.Index : text.Length;
        string? final = match.Success ? text[match.Index..] : null;
        string before = text[..end];
        var marker = new Regex("^" + Regex.Escape(discussionMarker) + @"[ \t]*\r?$", RegexOptions.Multiline | RegexOptions.CultureInvariant).Match(before);
        string? discussion = marker.Success ? before[(marker.Index + marker.Length)..].Trim('\r', '\n') : null;
        return (string.IsNullOrWhiteSpace(discussion) ? null : discussion, final);
    }

    /// <summary>
    /// The regenerated file: <paramref name="generated"/>, then the discussion marker and the kept discussion, then the
    /// existing file's final section exactly as it was.
    /// </summary>
    /// <param name="generated">The generated part (ends with a newline).</param>
    /// <param name="existing">The existing file, or <see langword="null"/>.</param>
    /// <param name="discussionMarker">The line that opens the discussion.</param>
    /// <param name="finalHeading">The heading of the final section.</param>
    /// <returns>The new file's text.</returns>
    public static string Compose(string generated, string? existing, string discussionMarker, string finalHeading)
    {
        var (discussion, final) = Kept(existing, discussionMarker, finalHeading);
        string text = generated + discussionMarker + "\n" + (discussion is null ? string.Empty : discussion + "\n");
        return final is null ? text : text + "\n" + final;
    }
}

using System.Collections.Frozen;

namespace Climb;

/// <summary>
/// The word and phrase lists behind <see cref="RuleBasedQualityScorer"/>. Every list is documented in docs/quality.md.
/// </summary>
internal static class QualityLexicons
{
    /// <summary>The eight stop words of the Gopher "stop word" rule (Rae et al. 2021): a document needs two of them.</summary>
    public static readonly FrozenSet<string> GopherStopWords = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, "the", "be", "to", "of", "and", "that", "have", "with");

    /// <summary>A broader list of very frequent English function words, used for the stop-word ratio.</summary>
    public static readonly FrozenSet<string> StopWords = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "a", "about", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be", "because", "been", "but",
        "by", "can", "could", "did", "do", "does", "for", "from", "had", "has", "have", "he", "her", "him", "his",
        "how", "i", "if", "in", "into", "is", "it", "its", "me", "more", "my", "no", "not", "now", "of", "on", "one",
        "only", "or", "other", "our", "out", "over", "said", "she", "so", "some", "such", "than", "that", "the",
        "their", "them", "then", "there", "these", "they", "this", "those", "thou", "thee", "thy", "to", "unto",
        "up", "upon", "us", "was", "we", "were", "what", "when", "which", "who", "whom", "why", "will", "with",
        "would", "ye", "you", "your", "shall", "should", "may", "must", "very", "just", "where", "while", "each");

    /// <summary>The vocabulary of lorem-ipsum placeholder text (the classic passage and the words common generators add).
    /// Real Latin shares its function words, but no real text is mostly made of this list.</summary>
    public static readonly FrozenSet<string> PlaceholderWords = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna " +
         "aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute " +
         "irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur sint occaecat cupidatat non " +
         "proident sunt culpa qui officia deserunt mollit anim id est laborum vestibulum curabitur nunc pellentesque aenean " +
         "mauris nibh vitae tortor quam integer donec etiam phasellus suspendisse praesent maecenas vivamus fusce morbi nam " +
         "nullam proin cras sapien ligula lectus lacus massa metus purus risus felis augue arcu orci odio erat urna dui " +
         "justo mi neque leo tellus turpis posuere ultricies sollicitudin viverra faucibus tincidunt vulputate").Split(' '));

    /// <summary>Word classes for one lookup per word: bit 0 = <see cref="PlaceholderWords"/>, bit 1 =
    /// <see cref="StopWords"/>, bits 2–5 = 1 + index in the Gopher list (the, be, to, of, and, that, have, with; 0 = not a
    /// Gopher stop word).
    /// Case-insensitive, as the three sets.</summary>
    public static readonly FrozenDictionary<string, int> WordClasses = BuildWordClasses();

    /// <summary>The same classes for lower-case ASCII words (ordinal lookup: for such a word, equal ignoring case is
    /// equal, since every entry is lower-case ASCII).</summary>
    public static readonly FrozenDictionary<string, int> AsciiWordClasses = WordClasses.All(p => p.Key.All(char.IsAsciiLetterLower))
        ? WordClasses.ToFrozenDictionary(StringComparer.Ordinal)
        : throw new InvalidOperationException("Word lists must be lower-case ASCII.");

    /// <summary>Gets the length of the longest word in <see cref="WordClasses"/> (longer words are in no list).</summary>
    public static readonly int MaxClassifiedWordLength = WordClasses.Keys.Max(w => w.Length);

    /// <summary>Promotional phrases (advertising copy, calls to action, shop boilerplate). Matched case-insensitively.</summary>
    public static readonly string[] PromotionalPhrases =
    [
        "buy now", "order now", "shop now", "buy today", "order today", "add to cart", "add to basket",
        "free shipping", "free delivery", "free trial", "limited time", "limited offer", "limited-time",
        "special offer", "exclusive offer", "best price", "lowest price", "best deal", "great deals", "hot deal",
        "click here", "sign up now", "subscribe now", "subscribe today", "act now", "don't miss", "dont miss",
        "money back", "money-back", "satisfaction guaranteed", "100% guaranteed", "risk free", "risk-free",
        "discount code", "promo code", "coupon code", "use code", "now on sale", "save up to", "save big",
        "while supplies last", "call now", "order online", "in stock now", "best seller", "bestseller",
        "unbeatable", "huge savings", "offer ends", "sale ends", "proceed to checkout", "for a limited",
        "percent off", "per month", "/month", "free gift", "bonus gift", "only $", "just $",
    ];

    /// <summary>Boilerplate markers of non-content pages: errors, placeholders, consent banners, navigation.</summary>
    public static readonly string[] BoilerplatePhrases =
    [
        "page not found", "404 not found", "error 404", "404 error", "404 page", "the page you requested",
        "the page you are looking for", "page you were looking for", "this page does not exist", "no longer available",
        "lorem ipsum", "dolor sit amet", "consectetur adipiscing", "sed do eiusmod",
        "we use cookies", "this site uses cookies", "this website uses cookies", "accept cookies", "accept all cookies",
        "cookie policy", "cookie settings", "manage cookies", "use of cookies",
        "enable javascript", "javascript is disabled", "javascript is required", "requires javascript",
        "turn on javascript", "your browser does not support",
        "skip to content", "skip to main content", "back to top", "sign in to", "log in to", "login to your account",
        "terms of service", "terms of use", "privacy policy", "all rights reserved", "powered by",
        "subscribe to our newsletter", "sign up for our newsletter", "follow us on",
        "access denied", "internal server error", "under construction", "coming soon",
    ];

    /// <summary>Letter pairs that are (almost) absent from English words (relative frequency below 2e-5 in an
    /// English sample); a word containing one is "implausible" (keyboard mashing, random strings).</summary>
    public static readonly FrozenSet<string> RareBigrams = FrozenSet.Create(
        StringComparer.Ordinal,
        Split("bqbvbwbxbzcjdqdxdzfbfgfhfjfkfqfvfxfzgjgkgqgvgxhbhchfhhhjhkhqhvhxhziwjbjfjgjhjj" +
              "jkjljmjnjqjrjtjvjwjxjyjzkjkqkvkwkxkzljlqlxmhmjmqmznqoqpjpqpwpxpzqeqfqgqjqkqxqyqz" +
              "rjrqrxsxtquhuquvuwvbvhvjvkvnvpvqvuvvvwvxvyvzwbwfwgwjwkwmwqwuwvwxwywzxbxfxgxj" +
              "xkxlxnxqxrxuxvxwxzydyfyhyjykyqyvyxyyyzzbzczdzfzgzjzkznzpzqzrzsztzvzwzx"));

    /// <summary>Lower-case rare-bigram bit table indexed by (a-'a')*26+(b-'a').</summary>
    public static readonly bool[] RareBigramTable = BuildTable();

    /// <summary>The starts of URLs counted by the URL and e-mail density rule. Matched case-insensitively.</summary>
    public static readonly string[] UrlPrefixes = ["http://", "https://", "www.", "ftp://"];

    private static FrozenDictionary<string, int> BuildWordClasses()
    {
        var classes = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var w in PlaceholderWords)
        {
            classes[w] = classes.GetValueOrDefault(w) | 1;
        }

        foreach (var w in StopWords)
        {
            classes[w] = classes.GetValueOrDefault(w) | 2;
        }

        string[] gopher = ["the", "be", "to", "of", "and", "that", "have", "with"];
        for (var i = 0; i < gopher.Length; i++)
        {
            classes[gopher[i]] = classes.GetValueOrDefault(gopher[i]) | ((i + 1) << 2);
        }

        return classes.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private static string[] Split(string pairs)
    {
        var result = new string[pairs.Length / 2];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = pairs.Substring(2 * i, 2);
        }

        return result;
    }

    private static bool[] BuildTable()
    {
        var table = new bool[26 * 26];
        foreach (var pair in RareBigrams)
        {
            table[((pair[0] - 'a') * 26) + (pair[1] - 'a')] = true;
        }

        return table;
    }
}

using System.Globalization;
using System.Text;

namespace Climb.Tests.Quality;

/// <summary>Generates varied, seeded instances of the junk CLIMB's pruning is meant to remove.</summary>
internal sealed class JunkGenerator(int seed)
{
    public static readonly string[] Kinds = ["advert", "keyboard", "repeated", "notfound", "lorem", "cookie"];

    private static readonly string[] Products =
        ["wireless earbuds", "running shoes", "leather wallet", "smart watch", "coffee maker", "yoga mat", "gaming chair",
         "phone case", "LED desk lamp", "protein powder", "sunglasses", "backpack", "air fryer", "face serum", "hoodie"];

    private static readonly string[] AdLines =
        ["Buy now and save!", "Limited time offer!", "FREE SHIPPING on all orders!", "Click here to claim your discount.",
         "Use promo code {C} at checkout.", "Only ${P} today!", "{N}% OFF everything this weekend!", "Don't miss out!",
         "Order now while supplies last!", "Best price guaranteed.", "Shop now and get a free gift.",
         "Money-back guarantee, risk free!", "Subscribe now for exclusive offers.", "HUGE SAVINGS on our best seller!",
         "Hurry, offer ends soon!", "Add to cart today and save up to {N}%!", "Call now: 1-800-{D}.",
         "Special offer for new customers only!", "Get yours today for just ${P}!"];

    private static readonly string[] KeyboardRuns =
        ["asdf", "jkl;", "qwer", "uiop", "zxcv", "bnm", "hjkl", "sdfg", "fghj", "asdfgh", "qwerty", "lkjh", "poiu",
         "mnbv", "xcvb", "dfgh", "wert", "ghjk", "vbnm", "jkjk", "dkdk", "sdsd", "qwqw", "zxzx", ";lkj", "fjfj"];

    private static readonly string[] Sentences =
        ["This is the best product ever.", "Thanks for visiting our site.", "Click the link below.", "We love our customers.",
         "Great quality at a great price.", "Check back soon for updates.", "Welcome to my blog.", "Read more here.",
         "Home about contact.", "The quick brown fox jumps over the lazy dog."];

    private static readonly string[] NotFound =
        ["404 Page Not Found", "Error 404 - Not Found", "Oops! Page not found.", "404. That's an error.",
         "The page you requested could not be found.", "The page you are looking for might have been removed, had its name changed, or is temporarily unavailable.",
         "Sorry, this page does not exist.", "Please check the URL or return to the homepage.", "Go back to the home page.",
         "Try searching for what you were looking for.", "This content is no longer available.", "Return to homepage | Contact us | Sitemap"];

    private static readonly string[] LoremWords =
        ("lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna " +
         "aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute " +
         "irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint occaecat cupidatat non proident " +
         "sunt culpa qui officia deserunt mollit anim id est laborum").Split(' ');

    private static readonly string[] CookieLines =
        ["We use cookies to improve your experience on our website.", "This website uses cookies to ensure you get the best experience.",
         "By continuing to browse, you agree to our use of cookies.", "Read our Cookie Policy and Privacy Policy.",
         "Accept all cookies", "Manage cookies", "Cookie settings", "Please enable JavaScript to view this site.",
         "JavaScript is disabled in your browser.", "Your browser does not support this feature.", "Skip to main content",
         "Sign in to your account", "Terms of Use | Privacy Policy | All rights reserved.", "Subscribe to our newsletter!"];

    private readonly Random _random = new(seed);

    public string Next(string kind) => kind switch
    {
        "advert" => Advert(),
        "keyboard" => Keyboard(),
        "repeated" => Repeated(),
        "notfound" => PageNotFound(),
        "lorem" => Lorem(),
        "cookie" => Cookie(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public List<(string Kind, string Text)> Many(int perKind) =>
        [.. Kinds.SelectMany(k => Enumerable.Range(0, perKind).Select(_ => (k, Next(k))))];

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private string Advert()
    {
        var sb = new StringBuilder();
        var product = Pick(Products);
        sb.Append(_random.Next(2) == 0 ? product.ToUpperInvariant() : "The new " + product).Append(_random.Next(2) == 0 ? "!!! " : " - ");
        var lines = _random.Next(3, 8);
        for (var i = 0; i < lines; i++)
        {
            var line = Pick(AdLines)
                .Replace("{C}", "SAVE" + _random.Next(10, 99).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{P}", (_random.Next(5, 300) + 0.99).ToString("0.00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{N}", (_random.Next(1, 8) * 10).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{D}", _random.Next(100, 999).ToString(CultureInfo.InvariantCulture) + "-" + _random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            sb.Append(line).Append(_random.Next(3) == 0 ? '\n' : ' ');
        }

        return sb.ToString().Trim();
    }

    private string Keyboard()
    {
        var sb = new StringBuilder();
        var words = _random.Next(4, 60);
        for (var i = 0; i < words; i++)
        {
            var w = Pick(KeyboardRuns);
            if (_random.Next(4) == 0)
            {
                w += Pick(KeyboardRuns);
            }

            sb.Append(w).Append(_random.Next(8) == 0 ? "\n" : " ");
        }

        return sb.ToString().Trim();
    }

    private string Repeated()
    {
        var sentence = Pick(Sentences);
        var times = _random.Next(4, 25);
        var separator = _random.Next(2) == 0 ? " " : "\n";
        return string.Join(separator, Enumerable.Repeat(sentence, times));
    }

    private string PageNotFound()
    {
        var parts = NotFound.OrderBy(_ => _random.Next()).Take(_random.Next(2, 6));
        return string.Join(_random.Next(2) == 0 ? "\n" : " ", parts);
    }

    private string Lorem()
    {
        var sb = new StringBuilder(_random.Next(2) == 0 ? "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " : string.Empty);
        var words = _random.Next(20, 150);
        for (var i = 0; i < words; i++)
        {
            var w = Pick(LoremWords);
            sb.Append(i % 9 == 0 ? char.ToUpperInvariant(w[0]) + w[1..] : w).Append(i % 9 == 8 ? ". " : " ");
        }

        return sb.ToString().Trim() + ".";
    }

    private string Cookie()
    {
        var parts = CookieLines.OrderBy(_ => _random.Next()).Take(_random.Next(3, 8));
        return string.Join(_random.Next(2) == 0 ? "\n" : " ", parts);
    }
}

namespace Climb;

/// <summary>The <c>Use*</c> wrappers of each component slot, in the order they were added; the first added is the outermost.</summary>
internal sealed class ComponentWrappers
{
    public List<Func<IEmbedder, IEmbedder>> Embedder { get; } = [];

    public List<Func<IClusterer, IClusterer>> Clusterer { get; } = [];

    public List<Func<IQualityScorer, IQualityScorer>> QualityScorer { get; } = [];

    public List<Func<IProxyTrainer, IProxyTrainer>> ProxyTrainer { get; } = [];

    public List<Func<IMixturePredictor, IMixturePredictor>> Predictor { get; } = [];

    public List<Func<IMixtureSampler, IMixtureSampler>> Sampler { get; } = [];

    /// <summary>Returns the function that wraps a component in every wrapper of a slot: the last added innermost, the
    /// first added outermost (as ASP.NET Core's and Microsoft.Extensions.AI's builders do).</summary>
    public static Func<T, T> Compose<T>(IReadOnlyList<Func<T, T>> wrappers, string slot)
        where T : class
    {
        var copy = wrappers.ToArray();
        return inner =>
        {
            var current = inner;
            for (int i = copy.Length - 1; i >= 0; i--)
            {
                current = copy[i](current) ?? throw new InvalidOperationException($"the {slot} wrapper added {Ordinal(i + 1)} returned null");
            }

            return current;
        };
    }

    /// <summary>Wraps <paramref name="inner"/>, or records why a wrapper failed and returns <see langword="null"/>.</summary>
    public static T? Apply<T>(Func<T, T> wrap, T inner, string slot, List<string> errors)
        where T : class
    {
        try
        {
            return wrap(inner);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            errors.Add($"{slot} wrapper: {ex.Message}");
            return null;
        }
    }

    private static string Ordinal(int n) => n switch
    {
        1 => "first",
        2 => "second",
        3 => "third",
        _ => n.ToString(System.Globalization.CultureInfo.InvariantCulture) + "th",
    };
}

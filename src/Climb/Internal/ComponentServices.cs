namespace Climb;

/// <summary>Typed <c>GetService</c> on the components whose capabilities the pipeline looks for: the one way it finds a
/// capability, so that a wrapped component (a <see cref="DelegatingEmbedder"/> and the like) keeps the capabilities of the
/// component it wraps.</summary>
internal static class ComponentServices
{
    public static T? GetService<T>(this IEmbedder component)
        where T : class => component.GetService(typeof(T)) as T;

    public static T? GetService<T>(this IClusterer component)
        where T : class => component.GetService(typeof(T)) as T;

    public static T? GetService<T>(this IProxyTrainer component)
        where T : class => component.GetService(typeof(T)) as T;
}

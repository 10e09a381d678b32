namespace Climb;

/// <summary>Calls the handler synchronously (unlike <see cref="Progress{T}"/>, which posts to a context).</summary>
internal sealed class SyncProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}

using TorchSharp;

namespace Climb;

/// <summary>
/// Scalars that live as long as the process, for the TorchSharp calls of the proxy's hot loop that would otherwise turn
/// a number into a temporary <see cref="Scalar"/> (<c>a + b</c> passes a fresh alpha of 1, <c>arange(t)</c> a fresh 0 and 1).
/// </summary>
/// <remarks>
/// TorchSharp 0.107 reads a temporary Scalar's native handle and then calls libtorch with it, but nothing keeps the
/// managed Scalar reachable during the call: a garbage collection started meanwhile by another thread may queue it for
/// finalization, and the finalizer frees the c10::Scalar that libtorch is still reading (libtorch then fails with
/// "Unknown scalar type" or "Expected false to be true" in <c>toDouble</c>). A Scalar held here, or held by a
/// <see langword="using"/> that outlives the call, cannot be finalized during it. libtorch only reads Scalars, so
/// threads may share these.
/// </remarks>
internal static class HeldScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero = 0.ToScalar();

    /// <summary>The integer 1 (the alpha of a plain tensor addition).</summary>
    public static readonly Scalar One = 1.ToScalar();
}

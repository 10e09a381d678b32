namespace Climb.Testing;

/// <summary>Reads a component's <c>Identity</c> through the component interface that declares it.</summary>
internal static class ComponentIdentity
{
    /// <summary>
    /// Returns the component's identity as its interface <typeparamref name="TInterface"/> exposes it, or
    /// <see langword="null"/> while that interface does not yet declare an <c>Identity</c> member (the identity facts then
    /// have nothing to check).
    /// </summary>
    public static string? Of<TInterface>(TInterface component)
        where TInterface : class
    {
        var property = typeof(TInterface).GetProperty("Identity");
        if (property is null)
        {
            return null;
        }

        var value = property.GetValue(component) as string;
        Assert.False(string.IsNullOrWhiteSpace(value), $"{component.GetType().Name}.Identity must not be blank.");
        return value;
    }

    /// <summary>Asserts that two instances built alike share an identity and one built with other options does not.</summary>
    public static void AssertStableAndOptionSensitive<TInterface>(TInterface first, TInterface second, TInterface? other)
        where TInterface : class
    {
        string? a = Of(first);
        if (a is null)
        {
            return;
        }

        Assert.Equal(a, Of(second));
        if (other is not null)
        {
            Assert.NotEqual(a, Of(other));
        }
    }
}

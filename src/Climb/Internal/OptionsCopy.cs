using System.Collections;
using System.Reflection;

namespace Climb;

/// <summary>
/// Deep copies of options objects: the one way Climb copies options (the snapshot <see cref="ClimbPipelineBuilder.Build"/>
/// takes, a template made concrete, a component's private copy of what it was given).
/// </summary>
/// <remarks>
/// Copies every public instance property with a public getter and a public setter (<c>init</c> included), recursively:
/// value types (numbers, enums, <see cref="TimeSpan"/>) and strings as they are, arrays and lists element by element, an
/// <see cref="EmbeddingMatrix"/> by its values, and any other class through its public parameterless constructor. A
/// get-only list or options object is filled in place. A value it cannot copy is refused with its path, so that an option
/// of a new kind fails its test instead of being shared between two snapshots.
/// </remarks>
internal static class OptionsCopy
{
    /// <summary>Returns a deep copy of <paramref name="options"/>.</summary>
    public static T Clone<T>(T options)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(options);
        return (T)Copy(options, options.GetType().Name)!;
    }

    private static object? Copy(object? value, string path)
    {
        if (value is null or string)
        {
            return value;
        }

        var type = value.GetType();
        if (type.IsValueType)
        {
            return value;
        }

        switch (value)
        {
            case EmbeddingMatrix m:
                return new EmbeddingMatrix(m.Data.ToArray(), m.Dimension);
            case Array a:
                var array = Array.CreateInstance(type.GetElementType()!, a.Length);
                for (int i = 0; i < a.Length; i++)
                {
                    array.SetValue(Copy(a.GetValue(i), $"{path}[{i}]"), i);
                }

                return array;
            case IList list when type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>):
                var copy = (IList)Activator.CreateInstance(type)!;
                Fill(copy, list, path);
                return copy;
        }

        if (!IsClimbType(type) || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw new NotSupportedException($"Cannot copy the option {path}: a {type.FullName} is neither a value, a string, a list nor a Climb options class with a public parameterless constructor.");
        }

        object target = Activator.CreateInstance(type)!;
        Populate(target, value, path);
        return target;
    }

    private static void Populate(object target, object source, string path)
    {
        foreach (var p in source.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.GetIndexParameters().Length > 0 || p.GetMethod is not { IsPublic: true })
            {
                continue;
            }

            string at = path + "." + p.Name;
            object? value = p.GetValue(source);
            if (p.SetMethod is { IsPublic: true })
            {
                p.SetValue(target, Copy(value, at));
            }
            else if (value is IList { IsReadOnly: false } list && p.GetValue(target) is IList { IsReadOnly: false } into && !ReferenceEquals(list, into))
            {
                into.Clear();
                Fill(into, list, at);
            }
            else if (value is not null && IsClimbType(value.GetType()) && !value.GetType().IsValueType &&
                p.GetValue(target) is { } nested && !ReferenceEquals(nested, value))
            {
                Populate(nested, value, at);
            }
        }
    }

    private static bool IsClimbType(Type type) =>
        type.Namespace is { } ns && (ns == nameof(Climb) || ns.StartsWith(nameof(Climb) + ".", StringComparison.Ordinal));

    private static void Fill(IList into, IList from, string path)
    {
        for (int i = 0; i < from.Count; i++)
        {
            into.Add(Copy(from[i], $"{path}[{i}]"));
        }
    }
}

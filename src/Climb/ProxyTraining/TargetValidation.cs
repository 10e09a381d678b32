namespace Climb;

/// <summary>Checks the evaluation targets before the first stage runs, so that a target the search cannot score fails
/// in seconds rather than after hours of embedding.</summary>
internal static class TargetValidation
{
    public static void ThrowIfUnusable(IReadOnlyList<EvaluationTarget> targets)
    {
        if (targets.Count == 0)
        {
            throw new ArgumentException("At least one evaluation target is needed: the search scores proxies on it.", nameof(targets));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in targets)
        {
            if (t is null)
            {
                throw new ArgumentException("The target list holds a null target.", nameof(targets));
            }

            if (!names.Add(t.Name))
            {
                throw new ArgumentException($"Two targets are named '{t.Name}'; target names must be unique.", nameof(targets));
            }

            if (t.Problem() is { } problem)
            {
                throw new ArgumentException(problem, nameof(targets));
            }
        }
    }
}

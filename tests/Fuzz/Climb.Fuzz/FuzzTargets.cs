namespace Climb.Fuzz;

/// <summary>Every fuzz target, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<FuzzTarget> All { get; } =
        [.. CorpusTargets.All, .. JournalTargets.All, .. StoreTargets.All, .. OnnxTargets.All];

    public static FuzzTarget? Find(string name) => All.FirstOrDefault(t => t.Name == name);
}

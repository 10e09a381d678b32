namespace Climb;

/// <summary>A sample document of a super-cluster.</summary>
internal sealed record CatalogueSample(string Id, string Snippet);

namespace Climb;

/// <summary>What the catalogue says about one super-cluster.</summary>
internal sealed record CatalogueEntry(int SuperCluster, string Name, int[] FineClusters, long Documents, long Tokens, double[] MeanQuality, IReadOnlyList<string> TopTerms, IReadOnlyList<CatalogueSample> Samples);

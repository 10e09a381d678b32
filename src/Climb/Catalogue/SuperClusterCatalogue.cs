namespace Climb;

/// <summary>
/// The super-cluster catalogue: a name per super-cluster (its index and c-TF-IDF top terms) and its entry (fine clusters,
/// documents, tokens, mean quality scores, top terms, sample documents). The tokenize stage writes it
/// (<c>06-tokenize/catalogue.json</c>); the search names the mixture's components with it and the report shows it.
/// </summary>
internal sealed record SuperClusterCatalogue(IReadOnlyList<string> Names, IReadOnlyList<CatalogueEntry> Entries);

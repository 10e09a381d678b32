using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Climb;

/// <summary>Stage 6: tokenizes every kept document into its super-cluster's token shards (<c>store/</c>, resumable) and
/// writes the super-cluster catalogue (<c>catalogue.json</c>: names from c-TF-IDF top terms, sizes, mean quality, samples).</summary>
internal sealed class TokenizeStage(
    ClimbCorpus corpus, ScoreStage score, MergeStage merge, ITokenizer tokenizer, bool compactVocabulary, int catalogueSamples, int catalogueTerms) : PipelineStage(score, merge)
{
    private const string StoreFolder = "store";
    private const string CatalogueFile = "catalogue.json";
    private const int SnippetCharacters = 200;
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private TokenizedClusterStore? _tokens;
    private Catalogue? _catalogue;

    public override bool Resumable => true;

    /// <summary>Gets the token store (one cluster per super-cluster, documents in corpus order).</summary>
    public TokenizedClusterStore Tokens => Ready(_tokens, Name);

    /// <summary>Gets the super-cluster catalogue.</summary>
    public Catalogue Catalogue => Ready(_catalogue, Name);

    protected override string OwnFingerprint() =>
        Climb.Fingerprint.Of("tokenize/v3", tokenizer.Identity, compactVocabulary, catalogueSamples, catalogueTerms);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        int supers = merge.Output.SuperClusterCount;
        var superOfDoc = merge.DocumentSuperClusters();
        var scores = score.Scores;
        var tfidf = new ClassTfIdf(supers);
        var samples = Enumerable.Range(0, supers).Select(_ => new List<CatalogueSample>()).ToArray();
        var quality = new double[supers, 4];
        var docs = new long[supers];
        var progress = new SyncProgress<TokenizationProgress>(t => context.Report(Name, "tokenizing", t.Documents, superOfDoc.Length));
        var tokens = await TokenizedClusterStore.BuildAsync(
            Path.Combine(folder, StoreFolder),
            tokenizer,
            supers,
            Assigned(cancellationToken),
            new TokenizedClusterStoreOptions { CompactVocabulary = compactVocabulary },
            progress,
            cancellationToken).ConfigureAwait(false);

        var top = tfidf.TopTerms(catalogueTerms);
        var entries = new List<CatalogueEntry>(supers);
        for (int s = 0; s < supers; s++)
        {
            var terms = top[s].Select(t => t.Term).ToList();
            double n = Math.Max(1, docs[s]);
            entries.Add(new CatalogueEntry(
                s,
                $"{s}: {string.Join(" ", terms.Take(3))}",
                Enumerable.Range(0, merge.Output.SuperClusterOf.Length).Where(f => merge.Output.SuperClusterOf[f] == s).ToArray(),
                docs[s],
                tokens.TokenCounts[s],
                [quality[s, 0] / n, quality[s, 1] / n, quality[s, 2] / n, quality[s, 3] / n],
                terms,
                samples[s]));
        }

        var catalogue = new Catalogue(entries.Select(e => e.Name).ToList(), entries);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, CatalogueFile), JsonSerializer.Serialize(catalogue, Json), cancellationToken).ConfigureAwait(false);
        _tokens = tokens;
        _catalogue = catalogue;
        return new Dictionary<string, double> { ["tokens"] = tokens.TotalTokens, ["vocabulary"] = tokens.ModelVocabularySize };

        async IAsyncEnumerable<(int Cluster, Document Document)> Assigned([EnumeratorCancellation] CancellationToken ct)
        {
            long i = 0;
            await foreach (var doc in corpus.ReadAsync(ct).ConfigureAwait(false))
            {
                if (i >= superOfDoc.Length)
                {
                    throw new InvalidDataException($"The corpus changed since it was embedded: it now has more than {superOfDoc.Length} documents.");
                }

                int s = superOfDoc[i];
                if (s >= 0)
                {
                    tfidf.Add(s, doc.Text);
                    var q = scores[i];
                    quality[s, 0] += q.Quality;
                    quality[s, 1] += q.Advertisement;
                    quality[s, 2] += q.InformationalValue;
                    quality[s, 3] += q.EducationalValue;
                    docs[s]++;
                    if (samples[s].Count < catalogueSamples)
                    {
                        samples[s].Add(new CatalogueSample(doc.Id, Snippet(doc.Text)));
                    }

                    yield return (s, doc);
                }

                i++;
            }
        }
    }

    public override void Load(StageContext context, string folder)
    {
        var tokens = TokenizedClusterStore.Open(Path.Combine(folder, StoreFolder), tokenizer);
        var catalogue = JsonSerializer.Deserialize<Catalogue>(File.ReadAllText(Path.Combine(folder, CatalogueFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{CatalogueFile} is empty.");
        if (tokens.ClusterCount != merge.Output.SuperClusterCount || catalogue.Entries.Count != tokens.ClusterCount)
        {
            throw new InvalidDataException($"{folder}: the token store has {tokens.ClusterCount} clusters and the catalogue {catalogue.Entries.Count}, the merge stage {merge.Output.SuperClusterCount} super-clusters.");
        }

        _tokens = tokens;
        _catalogue = catalogue;
    }

    private static string Snippet(string text)
    {
        string t = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return t.Length <= SnippetCharacters ? t : t[..SnippetCharacters] + "…";
    }
}

/// <summary>A sample document of a super-cluster.</summary>
internal sealed record CatalogueSample(string Id, string Snippet);

/// <summary>What the catalogue says about one super-cluster.</summary>
internal sealed record CatalogueEntry(int SuperCluster, string Name, int[] FineClusters, long Documents, long Tokens, double[] MeanQuality, IReadOnlyList<string> TopTerms, IReadOnlyList<CatalogueSample> Samples);

/// <summary>The super-cluster catalogue: a name per super-cluster and its entry.</summary>
internal sealed record Catalogue(IReadOnlyList<string> Names, IReadOnlyList<CatalogueEntry> Entries);

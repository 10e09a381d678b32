using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Climb;

/// <summary>Stage 6: tokenizes every kept document into its super-cluster's token shards (<c>store/</c>, resumable) and
/// writes the <see cref="SuperClusterCatalogue"/> (<c>catalogue.json</c>).</summary>
internal sealed class TokenizeStage(
    ClimbCorpus corpus, ScoreStage score, MergeStage merge, ITokenizer tokenizer, bool compactVocabulary, int catalogueSamples, int catalogueTerms) : PipelineStage(score, merge)
{
    private const string StoreFolder = "store";
    private const string CatalogueFile = "catalogue.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private TokenizedClusterStore? _tokens;
    private SuperClusterCatalogue? _catalogue;

    public override bool Resumable => true;

    /// <summary>Gets the token store (one cluster per super-cluster, documents in corpus order).</summary>
    public TokenizedClusterStore Tokens => Ready(_tokens, Name);

    /// <summary>Gets the super-cluster catalogue.</summary>
    public SuperClusterCatalogue Catalogue => Ready(_catalogue, Name);

    protected override string OwnFingerprint() =>
        Climb.Fingerprint.Of("tokenize/v3", tokenizer.Identity, compactVocabulary, catalogueSamples, catalogueTerms);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        int supers = merge.Output.SuperClusterCount;
        var superOfDoc = merge.DocumentSuperClusters();
        var scores = score.Scores;
        var catalogue = new SuperClusterCatalogueBuilder(supers, catalogueSamples, catalogueTerms);
        var progress = new SyncProgress<TokenizationProgress>(t => context.Report(Name, "tokenizing", t.Documents, superOfDoc.Length));
        var tokens = await TokenizedClusterStore.BuildAsync(
            Path.Combine(folder, StoreFolder),
            tokenizer,
            supers,
            Assigned(cancellationToken),
            new TokenizedClusterStoreOptions { CompactVocabulary = compactVocabulary },
            progress,
            cancellationToken).ConfigureAwait(false);

        var built = catalogue.Build(merge.Output.SuperClusterOf, tokens.TokenCounts);
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, CatalogueFile), JsonSerializer.Serialize(built, Json), cancellationToken).ConfigureAwait(false);
        _tokens = tokens;
        _catalogue = built;
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
                    catalogue.Add(s, doc, scores[i]);
                    yield return (s, doc);
                }

                i++;
            }
        }
    }

    public override void Load(StageContext context, string folder)
    {
        var tokens = TokenizedClusterStore.Open(Path.Combine(folder, StoreFolder), tokenizer);
        var catalogue = JsonSerializer.Deserialize<SuperClusterCatalogue>(File.ReadAllText(Path.Combine(folder, CatalogueFile)), Json)
            ?? throw new InvalidDataException($"{folder}/{CatalogueFile} is empty.");
        if (tokens.ClusterCount != merge.Output.SuperClusterCount || catalogue.Entries.Count != tokens.ClusterCount)
        {
            throw new InvalidDataException($"{folder}: the token store has {tokens.ClusterCount} clusters and the catalogue {catalogue.Entries.Count}, the merge stage {merge.Output.SuperClusterCount} super-clusters.");
        }

        _tokens = tokens;
        _catalogue = catalogue;
    }
}

namespace Climb;

/// <summary>
/// The pipeline's stages in order: the one list from which the stage names (<see cref="ClimbPipeline.StageNames"/>), the
/// folder numbers (<c>01-embed</c> … <c>10-report</c>) and the command line's subcommands follow. Each row creates its
/// stage from the options, the components and the stages before it; a stage names its upstream stages once, in its
/// constructor.
/// </summary>
/// <remarks>To add a stage: write a <see cref="PipelineStage"/> in <c>Stages/</c> and add its row here, after the stages it
/// reads. Its folder number, its place in every run and its <c>climb &lt;name&gt;</c> command follow; the folders of the
/// stages after it are renumbered, which makes their existing artifacts run again once.</remarks>
internal static class StageTable
{
    /// <summary>Gets the stages in the order they run.</summary>
    public static IReadOnlyList<StageDefinition> All { get; } = Numbered(
    [
        new("embed", "embed the corpus", static g => new EmbedStage(
            g.Corpus, g.Components.Embedder, g.Components.UnwrappedEmbedder, g.Components.WrapEmbedder, g.Components.Executor)),
        new("cluster", "k-means cluster the embeddings", static g => new ClusterStage(g.Get<EmbedStage>(), g.Components.Clusterer, g.Components.Executor)),
        new("score", "score document quality", static g => new ScoreStage(g.Corpus, g.Get<EmbedStage>(), g.Components.QualityScorer)),
        new("prune", "prune low-quality clusters", static g => new PruneStage(g.Get<ClusterStage>(), g.Get<ScoreStage>(), g.Options.Pruning)),
        new("merge", "merge surviving clusters into super-clusters", static g => new MergeStage(g.Get<ClusterStage>(), g.Get<PruneStage>(), g.Options.Merging)),
        new("tokenize", "tokenize each super-cluster for the proxies", static g => new TokenizeStage(
            g.Corpus, g.Get<ScoreStage>(), g.Get<MergeStage>(), g.Components.Tokenizer, g.Options.CompactVocabulary, g.Options.CatalogueSamples, g.Options.CatalogueTerms)),
        new("proxy-data", "write each super-cluster's documents for an external proxy trainer", static g => new ProxyDataStage(
            g.Corpus, g.Get<MergeStage>(), g.Get<TokenizeStage>(), g.Targets, g.Components.ProxyTrainer)),
        new("search", "search the mixture weights with proxy models", static g => new SearchStage(
            g.Get<TokenizeStage>(), g.Get<ProxyDataStage>(), g.Targets, g.Components.ProxyTrainer, g.Components.Strategy, g.Options.Seed, g.Options.ProxyParallelism,
            g.Options.Feasibility, g.Options.Export.TokenBudget)),
        new("export", "export the mixed dataset", static g => new ExportStage(
            g.Corpus, g.Get<EmbedStage>(), g.Get<MergeStage>(), g.Get<TokenizeStage>(), g.Get<SearchStage>(), g.Options.Export)),
        new("report", "write the HTML report", static g => new ReportStage(
            g.Corpus, g.Get<EmbedStage>(), g.Get<ClusterStage>(), g.Get<PruneStage>(), g.Get<MergeStage>(), g.Get<TokenizeStage>(), g.Get<SearchStage>(), g.Get<ExportStage>(), g.Options.Seed)),
    ]);

    /// <summary>Gets the stage named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No stage has that name; the message lists the stages.</exception>
    public static StageDefinition Find(string name, string parameterName) =>
        All.FirstOrDefault(d => d.Name == name)
        ?? throw new ArgumentException($"Unknown stage '{name}'; stages are {string.Join(", ", All.Select(d => d.Name))}.", parameterName);

    private static StageDefinition[] Numbered(StageDefinition[] rows)
    {
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i].Number = i + 1;
        }

        return rows;
    }
}

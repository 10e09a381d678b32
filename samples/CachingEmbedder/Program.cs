// Wrapping a pipeline component: a caching embedder around Climb's default embedder (GloveSifEmbedder, fitted on the
// corpus), added with UseEmbedder. The corpus is the bundled sample plus a second copy of every document under a new id,
// as a crawl with exact duplicates would be: the cache embeds each distinct text once.
using CachingEmbedderSample;
using Climb;

string artifacts = args.Length > 0 ? args[0] : "caching-embedder-artifacts";
var documents = await ClimbCorpus.SampleCorpus().ReadAsync().ToListAsync();
var corpus = ClimbCorpus.FromDocuments([.. documents, .. documents.Select(d => d with { Id = d.Id + "-copy" })]);

CachingEmbedder? cache = null;
var pipeline = new ClimbPipelineBuilder()
    .WithArtifactsFolder(artifacts)
    .Configure(o => o.Proxy = ProxyKind.NGram)           // no proxy runs here; this keeps the sample free of libtorch
    .UseEmbedder(inner => cache = new CachingEmbedder(inner))
    .Build();

var stages = await pipeline.RunUntilAsync(corpus, [], "embed");
Console.WriteLine($"embed stage: {stages[0].Outcome} in {stages[0].Elapsed.TotalSeconds:F1} s ({stages[0].Folder})");
if (stages[0].Outcome == StageOutcome.Reused)
{
    Console.WriteLine("the artifacts folder already held the embeddings: delete it to embed again.");
}
else
{
    Console.WriteLine($"{cache!.Requested} texts embedded, {cache.Embedded} by the inner embedder, {cache.Requested - cache.Embedded} served from the cache.");
}

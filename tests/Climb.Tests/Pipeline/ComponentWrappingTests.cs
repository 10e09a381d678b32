using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Pipeline;

/// <summary>The builder's <c>Use*</c> hooks wrap any component, default or plugged in, first added outermost; the
/// <c>Delegating*</c> bases keep the wrapped component's capabilities reachable through <c>GetService</c>.</summary>
public class ComponentWrappingTests
{
    /// <summary>Embeds each distinct text once (the shape of samples/CachingEmbedder) and counts what it saw; one batch at
    /// a time, so that two batches never both miss the same text and the counts are exact.</summary>
    private sealed class CountingCache(IEmbedder inner) : DelegatingEmbedder(inner)
    {
        private readonly Dictionary<string, float[]> _cache = new(StringComparer.Ordinal);
        private readonly SemaphoreSlim _gate = new(1, 1);
        public long Requested;
        public long Embedded;

        public override async Task<EmbeddingMatrix> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                return await EmbedOneBatchAsync(texts, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        private async Task<EmbeddingMatrix> EmbedOneBatchAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
        {
            var missing = texts.Where(t => !_cache.ContainsKey(t)).Distinct(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                var rows = await InnerEmbedder.EmbedAsync(missing, cancellationToken);
                for (int i = 0; i < missing.Count; i++)
                {
                    _cache[missing[i]] = rows[i].ToArray();
                }
            }

            Requested += texts.Count;
            Embedded += missing.Count;
            var result = new EmbeddingMatrix(texts.Count, Info.Dimension);
            for (int i = 0; i < texts.Count; i++)
            {
                _cache[texts[i]].CopyTo(result[i]);
            }

            return result;
        }
    }

    /// <summary>Records its tag when it clusters, then delegates.</summary>
    private sealed class TaggingClusterer(string tag, IClusterer inner, ConcurrentQueue<string> log) : DelegatingClusterer(inner)
    {
        public override Task<ClusteringResult> ClusterAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            log.Enqueue(tag);
            return base.ClusterAsync(embeddings, progress, cancellationToken);
        }
    }

    /// <summary>A wrapper written without the Delegating base: it hides what it wraps.</summary>
    private sealed class OpaqueClusterer(IClusterer inner) : IClusterer
    {
        public string Identity => inner.Identity;

        public Task<ClusteringResult> ClusterAsync(IEmbeddingSource embeddings, IProgress<ClusteringProgress>? progress = null, CancellationToken cancellationToken = default) =>
            inner.ClusterAsync(embeddings, progress, cancellationToken);
    }

    private sealed class PassThroughTrainer(IProxyTrainer inner) : DelegatingProxyTrainer(inner);

    private sealed class PassThroughEmbedder(IEmbedder inner) : DelegatingEmbedder(inner);

    [Fact]
    public async Task A_cache_around_the_default_corpus_fitted_embedder_embeds_each_distinct_text_once_and_changes_no_artifact()
    {
        var documents = PipelineFixtures.Corpus.Take(150).ToList();
        var corpus = ClimbCorpus.FromDocuments([.. documents, .. documents.Select(d => d with { Id = d.Id + "-copy" })]);
        var caches = new List<CountingCache>();

        var plain = await PipelineFixtures.SmallBuilder(Temp()).Build().RunUntilAsync(corpus, [], "embed");
        var cached = await PipelineFixtures.SmallBuilder(Temp())
            .UseEmbedder(inner =>
            {
                var cache = new CountingCache(inner);
                caches.Add(cache);
                return cache;
            })
            .Build()
            .RunUntilAsync(corpus, [], "embed");

        // Wrapped once at Build (the unfitted default: its identity is fingerprinted), once more around the fitted embedder.
        Assert.Equal(2, caches.Count);
        Assert.Equal(0, caches[0].Requested);
        Assert.Equal(300, caches[1].Requested);
        Assert.Equal(documents.Select(d => d.Text).Distinct(StringComparer.Ordinal).Count(), caches[1].Embedded);
        Assert.True(caches[1].Embedded <= 150);

        var a = StageManifest.TryLoad(plain[0].Folder)!;
        var b = StageManifest.TryLoad(cached[0].Folder)!;
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.Equal(a.Files.ToDictionary(f => f.Key, f => f.Value.Sha256), b.Files.ToDictionary(f => f.Key, f => f.Value.Sha256));
    }

    [Fact]
    public async Task Wrappers_of_one_slot_apply_first_added_outermost()
    {
        var log = new ConcurrentQueue<string>();
        await PipelineFixtures.SmallBuilder(Temp())
            .UseClusterer(c => new TaggingClusterer("first", c, log))
            .UseClusterer(c => new TaggingClusterer("second", c, log))
            .Build()
            .RunUntilAsync(ClimbCorpus.FromDocuments(PipelineFixtures.Corpus.Take(300).ToList()), [], "cluster");
        Assert.Equal(["first", "second"], log);
    }

    [Fact]
    public void Capabilities_of_a_wrapped_default_or_plugged_in_component_are_found_through_GetService()
    {
        // The default k-means can fit here and assign in shards elsewhere: a Delegating wrapper keeps that reachable.
        var wrapped = PipelineFixtures.SmallBuilder(Temp()).UseClusterer(c => new TaggingClusterer("t", c, new())).Build();
        Assert.IsType<TaggingClusterer>(wrapped.Components.Clusterer);
        Assert.IsType<DefaultKMeansClusterer>(wrapped.Components.Clusterer.GetService(typeof(ICentroidFitter)));
        var opaque = PipelineFixtures.SmallBuilder(Temp()).UseClusterer(c => new OpaqueClusterer(c)).Build();
        Assert.Null(opaque.Components.Clusterer.GetService(typeof(ICentroidFitter)));
        Assert.Null(wrapped.Components.Clusterer.GetService(typeof(ICentroidFitter), serviceKey: "other"));

        // The plugged-in n-gram trainer of the fixtures, wrapped: the wrapper is used, the plugged-in trainer found.
        var trainer = PipelineFixtures.SmallBuilder(Temp()).UseProxyTrainer(t => new PassThroughTrainer(t)).Build().Components.ProxyTrainer;
        Assert.IsType<PassThroughTrainer>(trainer);
        Assert.IsType<KneserNeyProxyTrainer>(trainer.GetService(typeof(KneserNeyProxyTrainer)));

        // The default transformer trainer prepares a shared base model before the first proxy: still found when wrapped.
        var warm = new ClimbPipelineBuilder().Configure(o => o.Proxy = ProxyKind.Transformer).UseProxyTrainer(t => new PassThroughTrainer(t)).Build();
        Assert.IsType<WarmStartedProxyTrainer>(warm.Components.ProxyTrainer.GetService(typeof(IPreparedProxyTrainer)));
    }

    [Fact]
    public void A_plugged_in_wrapper_that_hides_an_unfitted_corpus_fitted_embedder_is_refused_at_Build()
    {
        var ex = Assert.Throws<ValidationException>(() => new ClimbPipelineBuilder().WithEmbedder(new PassThroughEmbedder(new GloveSifEmbedder())).Build());
        Assert.Contains("wrap it with UseEmbedder", ex.Message, StringComparison.Ordinal);
        new ClimbPipelineBuilder().WithEmbedder(new GloveSifEmbedder()).UseEmbedder(e => new PassThroughEmbedder(e)).Build();
    }

    private static string Temp() => Path.Combine(Directory.CreateTempSubdirectory("climb-wrap-").FullName, "artifacts");
}

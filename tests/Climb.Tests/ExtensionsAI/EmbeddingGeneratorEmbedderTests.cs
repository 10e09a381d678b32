using System.Net;
using Microsoft.Extensions.AI;

namespace Climb.Tests.ExtensionsAI;

public sealed class EmbeddingGeneratorEmbedderTests : IDisposable
{
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(1);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "climb-meai-tests-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static List<string> Texts(int n) => [.. Enumerable.Range(0, n).Select(i => $"text {i} " + new string('y', i % 5))];

    private static EmbeddingGeneratorEmbedder Embedder(FakeEmbeddingGenerator g, Action<EmbeddingGeneratorEmbedderOptions>? change = null)
    {
        var o = new EmbeddingGeneratorEmbedderOptions { InitialRetryDelay = Fast, MaxRetryDelay = TimeSpan.FromMilliseconds(4) };
        change?.Invoke(o);
        return new EmbeddingGeneratorEmbedder(g, o);
    }

    [Fact]
    public async Task Splits_calls_into_batches_and_keeps_every_row_in_order_when_batches_finish_out_of_order()
    {
        var g = new FakeEmbeddingGenerator(dimension: 6);
        var inner = g.OnGenerate;
        g.OnGenerate = async (texts, call, ct) =>
        {
            await Task.Delay(5 * (6 - call), ct); // later calls answer first
            return await inner(texts, call, ct);
        };
        using var e = Embedder(g, o => { o.BatchSize = 3; o.MaxConcurrency = 4; });
        var texts = Texts(10);

        var m = await e.EmbedAsync(texts);

        Assert.Equal([1, 3, 3, 3], g.Calls.Select(c => c.Count).Order());
        Assert.Equal(texts.Order(StringComparer.Ordinal), g.Calls.SelectMany(c => c).Order(StringComparer.Ordinal));
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(FakeEmbeddingGenerator.VectorOf(texts[i], 6), m[i].ToArray());
        }
    }

    [Fact]
    public async Task Retries_transient_failures_with_backoff_and_then_succeeds()
    {
        var g = new FakeEmbeddingGenerator();
        var inner = g.OnGenerate;
        g.OnGenerate = (texts, call, ct) => call switch
        {
            1 => throw new HttpRequestException("busy", null, HttpStatusCode.TooManyRequests),
            2 => throw new HttpRequestException("gateway", null, HttpStatusCode.BadGateway),
            3 => throw new TimeoutException("slow"),
            _ => inner(texts, call, ct),
        };
        using var e = Embedder(g, o => o.MaxRetries = 3);
        var m = await e.EmbedAsync(["a", "b"]);
        Assert.Equal(4, g.Calls.Count);
        Assert.Equal(FakeEmbeddingGenerator.VectorOf("b", 8), m[1].ToArray());
    }

    [Fact]
    public async Task Permanent_failures_are_thrown_at_once_and_retries_are_bounded()
    {
        var g = new FakeEmbeddingGenerator { OnGenerate = (_, _, _) => throw new HttpRequestException("bad key", null, HttpStatusCode.Unauthorized) };
        using (var e = Embedder(g, o => o.MaxRetries = 5))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => e.EmbedAsync(["a"]));
            Assert.Single(g.Calls);
        }

        var down = new FakeEmbeddingGenerator { OnGenerate = (_, _, _) => throw new HttpRequestException("down", null, HttpStatusCode.ServiceUnavailable) };
        using (var e = Embedder(down, o => o.MaxRetries = 2))
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => e.EmbedAsync(["a"]));
            Assert.Equal(3, down.Calls.Count); // the first try and two retries
        }
    }

    [Fact]
    public async Task Concurrency_is_bounded_over_all_callers()
    {
        var g = new FakeEmbeddingGenerator();
        var inner = g.OnGenerate;
        g.OnGenerate = async (texts, call, ct) =>
        {
            await Task.Delay(20, ct);
            return await inner(texts, call, ct);
        };
        using var e = Embedder(g, o => { o.BatchSize = 2; o.MaxConcurrency = 3; });

        // Two callers at once, 8 batches each: never more than 3 calls in flight, and the bound is reached.
        await Task.WhenAll(e.EmbedAsync(Texts(16)), e.EmbedAsync(Texts(16)));
        Assert.Equal(16, g.Calls.Count);
        Assert.Equal(3, g.MaxInFlight);
    }

    [Fact]
    public async Task A_vector_of_the_wrong_length_or_count_is_an_error_naming_both()
    {
        var g = new FakeEmbeddingGenerator(dimension: 5);
        using (var e = Embedder(g, o => o.Dimension = 4))
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => e.EmbedAsync(["a", "b"]));
            Assert.Contains("length 5", ex.Message, StringComparison.Ordinal);
            Assert.Contains("dimension is 4", ex.Message, StringComparison.Ordinal);
            Assert.Contains("fake-model", ex.Message, StringComparison.Ordinal);
            Assert.Single(g.Calls); // not retried
        }

        var short1 = new FakeEmbeddingGenerator(dimension: 4) { OnGenerate = (texts, _, _) => Task.FromResult(new[] { new float[4] }) };
        using (var e = Embedder(short1))
        {
            var ex = await Assert.ThrowsAsync<InvalidDataException>(() => e.EmbedAsync(["a", "b", "c"]));
            Assert.Contains("returned 1 vectors for 3 texts", ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Cancellation_stops_calls_in_flight_and_retry_waits()
    {
        var g = new FakeEmbeddingGenerator
        {
            OnGenerate = async (_, _, ct) =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                return [];
            },
        };
        using var e = Embedder(g);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        var sw = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => e.EmbedAsync(Texts(5), cts.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20));

        var flaky = new FakeEmbeddingGenerator { OnGenerate = (_, _, _) => throw new IOException("reset") };
        using var slow = Embedder(flaky, o => { o.InitialRetryDelay = TimeSpan.FromMinutes(5); o.MaxRetryDelay = TimeSpan.FromMinutes(5); });
        using var cts2 = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        sw.Restart();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => slow.EmbedAsync(["a"], cts2.Token));
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), "a retry wait must end when the caller cancels");
        Assert.Single(flaky.Calls);
    }

    [Fact]
    public void Identity_names_model_dimension_and_normalisation_but_not_batching()
    {
        var g = new FakeEmbeddingGenerator(dimension: 8);
        using var a = Embedder(g);
        using var batched = Embedder(g, o => { o.BatchSize = 7; o.MaxConcurrency = 9; o.MaxRetries = 1; });
        using var normalized = Embedder(g, o => o.Normalize = true);
        using var otherModel = Embedder(g, o => o.ModelId = "other-model");
        using var shorter = Embedder(g, o => o.GenerationOptions = new EmbeddingGenerationOptions { Dimensions = 4 });

        Assert.Equal(a.Identity, batched.Identity);
        Assert.Equal(a.Identity, a.Info.ModelId);
        Assert.Equal(8, a.Info.Dimension);
        Assert.Equal(4, shorter.Info.Dimension);
        Assert.Equal(5, new[] { a.Identity, normalized.Identity, otherModel.Identity, shorter.Identity, Embedder(new FakeEmbeddingGenerator(8, provider: "other")).Identity }.Distinct().Count());
    }

    [Fact]
    public void A_generator_that_does_not_name_its_model_or_length_needs_the_options()
    {
        var anonymous = new FakeEmbeddingGenerator(dimension: 8, modelId: null);
        Assert.Contains("ModelId", Assert.Throws<ArgumentException>(() => Embedder(anonymous)).Message, StringComparison.Ordinal);
        Assert.Contains("Dimension", Assert.Throws<ArgumentException>(() => Embedder(anonymous, o => o.ModelId = "m")).Message, StringComparison.Ordinal);
        using var named = Embedder(anonymous, o => { o.ModelId = "m"; o.Dimension = 8; });
        Assert.Equal(8, named.Info.Dimension);
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => Embedder(anonymous, o => { o.ModelId = "m"; o.Dimension = 8; o.MaxConcurrency = 0; }));
    }

    [Fact]
    public async Task An_embedding_store_build_interrupted_by_a_service_outage_resumes_with_only_the_missing_shards()
    {
        var docs = Enumerable.Range(0, 100).Select(i => new Document($"d{i}", $"document {i} " + new string('z', i % 9))).ToList();
        var options = new EmbeddingStoreOptions { ShardSize = 20, BatchSize = 10 };

        var reference = new FakeEmbeddingGenerator();
        using (var clean = await EmbeddingStore.BuildAsync(Stream(docs), Embedder(reference), Path.Combine(_root, "clean"), options))
        {
            // The service goes down for good after 50 texts (a permanent error ends the build).
            var failing = new FakeEmbeddingGenerator();
            var inner = failing.OnGenerate;
            int served = 0;
            failing.OnGenerate = (texts, call, ct) => Interlocked.Add(ref served, texts.Count) > 50
                ? throw new HttpRequestException("quota exceeded", null, HttpStatusCode.Forbidden)
                : inner(texts, call, ct);
            string folder = Path.Combine(_root, "resumed");
            await Assert.ThrowsAsync<HttpRequestException>(() => EmbeddingStore.BuildAsync(Stream(docs), Embedder(failing, o => o.BatchSize = 5), folder, options));

            var healthy = new FakeEmbeddingGenerator();
            var progress = new List<EmbeddingProgress>();
            using var resumed = await EmbeddingStore.BuildAsync(Stream(docs), Embedder(healthy, o => o.BatchSize = 5), folder, options, new Progress(progress));

            Assert.Equal(2, progress[^1].ShardsSkipped); // 40 documents finished before the outage are not sent again
            Assert.Equal(60, healthy.Calls.Sum(c => c.Count));
            Assert.DoesNotContain(healthy.Calls.SelectMany(c => c), t => t.StartsWith("document 3 ", StringComparison.Ordinal));
            var expected = new float[clean.RowCount * clean.Dimension];
            var actual = new float[resumed.RowCount * resumed.Dimension];
            clean.ReadRows(0, (int)clean.RowCount, expected);
            resumed.ReadRows(0, (int)resumed.RowCount, actual);
            Assert.Equal(expected, actual);
        }
    }

    private static async IAsyncEnumerable<Document> Stream(IEnumerable<Document> documents)
    {
        foreach (var d in documents)
        {
            await Task.Yield();
            yield return d;
        }
    }

    private sealed class Progress(List<EmbeddingProgress> sink) : IProgress<EmbeddingProgress>
    {
        public void Report(EmbeddingProgress value) => sink.Add(value);
    }
}

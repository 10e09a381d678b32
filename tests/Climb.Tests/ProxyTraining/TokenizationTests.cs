namespace Climb.Tests.ProxyTraining;

public class TokenizationTests
{
    [Fact]
    public void Byte_tokenizer_round_trips_utf8_and_appends()
    {
        var ids = new List<int> { 7 };
        ByteTokenizer.Instance.Encode("héllo ✓", ids);
        Assert.Equal(7, ids[0]);
        Assert.Equal(System.Text.Encoding.UTF8.GetByteCount("héllo ✓"), ids.Count - 1);
        Assert.Equal("héllo ✓", ByteTokenizer.Instance.Decode(ids.Skip(1).ToArray()));
        Assert.Equal(257, ByteTokenizer.Instance.VocabularySize);
    }

    [Fact]
    public void Tiktoken_cl100k_encodes_known_ids_and_round_trips()
    {
        var tok = TiktokenTextTokenizer.Cl100kBase();
        Assert.Equal("tiktoken/cl100k_base", tok.Identity);
        Assert.Equal(100257, tok.EndOfTextId);
        Assert.Equal(100277, tok.VocabularySize);
        var ids = new List<int>();
        tok.Encode("hello world", ids);
        Assert.Equal([15339, 1917], ids); // cl100k_base ids of "hello", " world"
        Assert.Equal("hello world", tok.Decode(ids.ToArray()));
        Assert.Same(ByteTokenizer.Instance, TokenizerFactory.FromIdentity("byte"));
        Assert.Equal("tiktoken/o200k_base", TokenizerFactory.FromIdentity("tiktoken/o200k_base").Identity);
    }

    [Fact]
    public async Task Store_counts_are_exact_and_shards_hold_the_documents_with_end_of_text()
    {
        string dir = ProxyTestData.TempDir();
        var c0 = new List<Document> { new("a", "abc"), new("b", "de") };
        var c1 = new List<Document> { new("c", "xyz!") };
        using var store = await ProxyTestData.BuildAsync(dir, ByteTokenizer.Instance, c0, c1);
        Assert.Equal([7L, 5L], store.TokenCounts);
        Assert.Equal([2L, 1L], store.DocumentCounts);
        var buf = new int[7];
        store.ReadTokens(0, 0, buf);
        Assert.Equal([97, 98, 99, 256, 100, 101, 256], buf);
        store.ReadTokens(0, 5, buf.AsSpan(0, 4)); // wraps around
        Assert.Equal([101, 256, 97, 98], buf.Take(4));
        Assert.True(File.Exists(Path.Combine(dir, "manifest.json")));
    }

    [Fact]
    public async Task Interleaved_and_per_cluster_builds_agree()
    {
        var a = ProxyTestData.Domain("fortunes", 0, 60);
        var b = ProxyTestData.Domain("devil", 0, 40);
        using var perCluster = await ProxyTestData.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance, a, b);
        var mixed = a.Select(d => (0, d)).Concat(b.Select(d => (1, d))).OrderBy(x => x.d.Id, StringComparer.Ordinal).ToList();
        using var interleaved = await TokenizedClusterStore.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance, 2, ToAsync(mixed), new TokenizedClusterStoreOptions { BatchSize = 7 });
        Assert.Equal(perCluster.TokenCounts, interleaved.TokenCounts);
        long expected = a.Sum(d => System.Text.Encoding.UTF8.GetByteCount(d.Text) + 1L);
        Assert.Equal(expected, perCluster.TokenCounts[0]);
    }

    [Fact]
    public async Task Build_resumes_finished_clusters_without_reading_them_again()
    {
        string dir = ProxyTestData.TempDir();
        var a = ProxyTestData.Domain("fortunes", 0, 30);
        var b = ProxyTestData.Domain("devil", 0, 20);
        await Assert.ThrowsAsync<IOException>(() => TokenizedClusterStore.BuildAsync(dir, ByteTokenizer.Instance, [ProxyTestData.Stream(a), Failing(b, 5)]));
        Assert.False(File.Exists(Path.Combine(dir, "manifest.json")));
        bool reread = false;
        using var store = await TokenizedClusterStore.BuildAsync(dir, ByteTokenizer.Instance, [Tracking(a, () => reread = true), ProxyTestData.Stream(b)]);
        Assert.False(reread);
        Assert.Equal(a.Sum(d => System.Text.Encoding.UTF8.GetByteCount(d.Text) + 1L), store.TokenCounts[0]);
        Assert.Equal(20, store.DocumentCounts[1]);
    }

    [Fact]
    public async Task Compaction_maps_seen_ids_densely_and_unseen_to_unk_and_persists()
    {
        string dir = ProxyTestData.TempDir();
        var tok = TiktokenTextTokenizer.Cl100kBase();
        using (var store = await TokenizedClusterStore.BuildAsync(dir, tok, [ProxyTestData.Stream([new Document("a", "hello world hello")])], new TokenizedClusterStoreOptions { CompactVocabulary = true }))
        {
            Assert.Equal(5, store.ModelVocabularySize); // UNK, EOT, " world" (1917), "hello" (15339), " hello" (24748)
        }

        using var reopened = TokenizedClusterStore.Open(dir);
        Assert.NotNull(reopened.Compaction);
        var ids = new List<int>();
        reopened.EncodeForModel("hello world zebra", ids);
        Assert.Equal(3, ids[0]); // "hello" (15339) is the second smallest kept id
        Assert.Contains(VocabularyCompaction.UnknownId, ids);
        var all = new int[(int)reopened.TokenCounts[0]];
        reopened.ReadTokens(0, 0, all);
        Assert.All(all, id => Assert.InRange(id, 1, reopened.ModelVocabularySize - 1));
        Assert.Equal(VocabularyCompaction.EndOfTextDenseId, all[^1]);
    }

    [Fact]
    public async Task Sampler_is_deterministic_and_follows_the_mixture()
    {
        using var store = await ProxyTestData.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance,
            ProxyTestData.Domain("fortunes", 0, 50), ProxyTestData.Domain("devil", 0, 50), ProxyTestData.Domain("jargon", 0, 50));
        var mix = new MixtureWeights([0.7, 0.0, 0.3]);
        var s1 = new MixtureSequenceSampler(store, mix, 33, seed: 5);
        var s2 = new MixtureSequenceSampler(store, mix, 33, seed: 5);
        var s3 = new MixtureSequenceSampler(store, mix, 33, seed: 6);
        var b1 = new int[33 * 4000];
        var b2 = new int[33 * 4000];
        var b3 = new int[33 * 4000];
        s1.NextBatch(b1);
        s2.NextBatch(b2);
        s3.NextBatch(b3);
        Assert.Equal(b1, b2);
        Assert.NotEqual(b1, b3);
        Assert.Equal(0, s1.DrawsPerCluster[1]);
        Assert.InRange(s1.DrawsPerCluster[0] / 4000.0, 0.67, 0.73);
        Assert.Throws<ArgumentException>(() => new MixtureSequenceSampler(store, MixtureWeights.Uniform(2), 33, 1));
    }

    private static async IAsyncEnumerable<(int, Document)> ToAsync(IEnumerable<(int, Document)> items)
    {
        foreach (var i in items)
        {
            await Task.Yield();
            yield return i;
        }
    }

    private static async IAsyncEnumerable<Document> Failing(List<Document> docs, int after)
    {
        int n = 0;
        foreach (var d in docs)
        {
            await Task.Yield();
            if (n++ == after)
            {
                throw new IOException("source failed");
            }

            yield return d;
        }
    }

    private static async IAsyncEnumerable<Document> Tracking(List<Document> docs, Action touched)
    {
        touched();
        foreach (var d in docs)
        {
            await Task.Yield();
            yield return d;
        }
    }
}

using System.Text;
using CsCheck;

namespace Climb.Tests.Properties;

/// <summary>Properties of <see cref="TokenizedClusterStore"/> and <see cref="MixtureSequenceSampler"/>.</summary>
public class TokenStoreProperties
{
    /// <summary>Texts from a small alphabet with multi-byte characters, some empty.</summary>
    private static readonly Gen<string> Texts = Gen.Char["aé b🙂\n\u0000z"].Array[0, 24].Select(cs => new string(cs));

    private static readonly Gen<(string[][] Clusters, bool Compact, int Start)> Stores =
        from k in Gen.Int[1, 4]
        from clusters in Texts.Array[0, 6].Array[k]
        from compact in Gen.Bool
        from start in Gen.Int[0, 1000]
        select (clusters, compact, start);

    [Fact]
    public void Round_trip_keeps_exact_counts_offsets_and_tokens()
    {
        Stores.Sample(c =>
        {
            using var folder = new PropertyFolder();
            var streams = c.Clusters.Select((texts, ci) => texts.Select((t, i) => new Document($"c{ci}-{i}", t)).ToAsyncEnumerable()).ToList();
            using var store = TokenizedClusterStore.BuildAsync(folder.Root, ByteTokenizer.Instance, streams, new TokenizedClusterStoreOptions { CompactVocabulary = c.Compact })
                .GetAwaiter().GetResult();
            using var reopened = TokenizedClusterStore.Open(folder.Root);
            foreach (var s in new[] { store, reopened })
            {
                Assert.Equal(c.Clusters.Length, s.ClusterCount);
                for (int ci = 0; ci < c.Clusters.Length; ci++)
                {
                    // Expected stream: each document's model ids then end of text (an empty document is its end of text alone).
                    var expected = new List<int>();
                    var offsets = new List<long> { 0 };
                    foreach (string text in c.Clusters[ci])
                    {
                        var ids = new List<int>();
                        s.EncodeForModel(text, ids);
                        expected.AddRange(ids);
                        expected.Add(s.ModelEndOfTextId);
                        offsets.Add(expected.Count);
                    }

                    Assert.Equal(expected.Count, s.TokenCounts[ci]);
                    Assert.Equal(offsets.Count - 1, s.DocumentCounts[ci]);
                    Assert.Equal(offsets, s.DocumentOffsets(ci));
                    if (expected.Count > 0)
                    {
                        var read = new int[expected.Count];
                        s.ReadTokens(ci, 0, read);
                        Assert.Equal(expected, read);

                        // Reads wrap around at the end of the cluster's stream.
                        int start = c.Start % expected.Count;
                        var wrapped = new int[(2 * expected.Count) + 3];
                        s.ReadTokens(ci, start, wrapped);
                        Assert.Equal(Enumerable.Range(0, wrapped.Length).Select(j => expected[(start + j) % expected.Count]), wrapped);
                    }
                }

                Assert.Equal(c.Clusters.Sum(t => t.Sum(x => Encoding.UTF8.GetByteCount(x) + 1L)), s.TotalTokens);
            }
        }, iter: 40, threads: 1);
    }

    /// <summary>Clusters of one distinct letter each, a random mixture over them, and a seed.</summary>
    private static readonly Gen<(int[] Sizes, double[] Raw, int Seed)> Mixtures =
        from k in Gen.Int[2, 5]
        from sizes in Gen.Int[1, 40].Array[k]
        from raw in Gen.Double[0.0, 1.0].Array[k]
        from seed in Gen.Int
        select (sizes, raw, seed);

    [Fact]
    public void Sampled_sequences_follow_the_requested_shares()
    {
        const int Sequences = 3000;
        Mixtures.Sample(c =>
        {
            int k = c.Sizes.Length;
            double[] raw = [.. c.Raw.Select((w, i) => i == 0 ? w + 0.05 : (w < 0.2 ? 0 : w))]; // some clusters unused
            var mixture = MixtureWeights.Normalize(raw);
            using var folder = new PropertyFolder();
            var streams = Enumerable.Range(0, k)
                .Select(ci => Enumerable.Range(0, c.Sizes[ci]).Select(i => new Document($"{ci}-{i}", new string((char)('a' + ci), 1 + (i % 5)))).ToAsyncEnumerable())
                .ToList();
            using var store = TokenizedClusterStore.BuildAsync(folder.Root, ByteTokenizer.Instance, streams).GetAwaiter().GetResult();
            var sampler = new MixtureSequenceSampler(store, mixture, sequenceLength: 4, seed: c.Seed);
            var batch = new int[Sequences * 4];
            sampler.NextBatch(batch);

            // Each sequence holds the letter of the cluster it came from and ends of text only; documents of 1-5 letters
            // separated by single ends of text put a letter in every 4-token window, so the content tells the cluster.
            var counts = new long[k];
            for (int s = 0; s < Sequences; s++)
            {
                var letters = batch.AsSpan(s * 4, 4).ToArray().Where(id => id != store.ModelEndOfTextId).Distinct().ToArray();
                Assert.True(letters.Length == 1, $"sequence {s} holds letters {string.Join(",", letters)}, not one cluster's");
                counts[letters[0] - 'a']++;
            }

            Assert.Equal(counts, sampler.DrawsPerCluster);
            for (int ci = 0; ci < k; ci++)
            {
                double p = mixture[ci];
                double observed = counts[ci] / (double)Sequences;
                double allowed = (5 * Math.Sqrt(p * (1 - p) / Sequences)) + (1.0 / Sequences);
                Assert.True(Math.Abs(observed - p) <= allowed, $"cluster {ci}: share {observed} drawn, {p} requested (allowed ±{allowed})");
            }
        }, iter: 40, threads: 1);
    }
}

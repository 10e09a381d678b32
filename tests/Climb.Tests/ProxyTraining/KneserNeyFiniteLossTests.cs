namespace Climb.Tests.ProxyTraining;

/// <summary>
/// The n-gram proxy must return a finite loss on any mixture, including one that sits on a single small cluster whose
/// text shares nothing with the target: with heavy repetition the count-of-counts degenerate, the modified Kneser-Ney
/// discount estimates leave their valid range, and a zero discount leaves no mass for lower orders or unseen tokens.
/// </summary>
public class KneserNeyFiniteLossTests
{
    [Fact]
    public void Out_of_range_discount_estimates_fall_back_to_positive_discounts()
    {
        // n1=1, n2=1, n3=1, n4=10: Y = 1/3, D3+ = 3 - 4*(1/3)*10 < 0 (Chen and Goodman's estimate is out of range).
        double[] d = KneserNeyModel.ModifiedDiscounts(1, 1, 1, 10);
        Assert.All(d, x => Assert.True(x > 0, $"discounts {string.Join(", ", d)}"));
        Assert.True(d[0] <= 1 && d[1] <= 2 && d[2] <= 3);

        // In-range estimates are kept as they are.
        Assert.Equal(new[] { 0.5, 1.1, 3 - (4 * 0.5 * 2 / 3.0) }, KneserNeyModel.ModifiedDiscounts(10, 5, 3, 2));
    }

    [Fact]
    public async Task One_short_document_drawn_many_times_leaves_probability_for_every_token()
    {
        // The case that failed: 51 sequences of 1024 tokens drawn from a 455-byte cluster (one Bible verse). The
        // continuation counts of order 3 saturate, Chen and Goodman's D3+ estimate comes out negative, and before the
        // fix it was clamped to 0, so a context like "s a" whose continuations all had count 3+ gave P(" " | "s a") = 0.
        string dir = ProxyTestData.TempDir();
        using var store = await ProxyTestData.BuildAsync(dir, ByteTokenizer.Instance, ProxyTestData.Domain("bible", 0, 1), ProxyTestData.Domain("jargon", 0, 20));
        var sampler = new MixtureSequenceSampler(store, new MixtureWeights([1, 0]), 1024, 1);
        var seqs = new List<int[]>();
        for (int i = 0; i < 51; i++)
        {
            var s = new int[1024];
            sampler.NextBatch(s);
            seqs.Add(s);
        }

        var m = KneserNeyModel.Train(seqs, 4, store.ModelVocabularySize, 1024, null, CancellationToken.None);
        for (int n = 1; n <= 4; n++)
        {
            Assert.All(m.Discounts(n), d => Assert.True(d > 0, $"order {n} discounts {string.Join(", ", m.Discounts(n))}"));
        }

        var text = new List<int> { store.ModelEndOfTextId };
        store.EncodeForModel("Hello, world! This is a test of computing: 0x1F & {braces} ~tilde", text);
        int[] t = [.. text];
        for (int i = 0; i < t.Length; i++)
        {
            int from = Math.Max(0, i - 3);
            double p = m.Probability(t.AsSpan(from, i - from), t[i]);
            Assert.True(p > 0 && p < 1, $"P({t[i]} | {string.Join(",", t[from..i])}) = {p}");
        }

        int[][] contexts = [[], [115, 32, 97], [97, 32, 116], [32, 116, 104]];
        foreach (var ctx in contexts)
        {
            double sum = 0;
            for (int w = 0; w < store.ModelVocabularySize; w++)
            {
                sum += m.Probability(ctx, w);
            }

            Assert.Equal(1.0, sum, 9);
        }
    }

    [Fact]
    public async Task A_mixture_on_one_small_cluster_disjoint_from_the_target_has_a_finite_loss()
    {
        string dir = ProxyTestData.TempDir();
        // Cluster 0: three tiny documents over the letters a-f only (or one Bible verse); cluster 1: ordinary English.
        List<Document> tiny =
        [
            new("t0", "abc abd abe fab cab dab ebb fcc ace bad bed fed dec caf", "tiny"),
            new("t1", "bead face fade cafe dace abba cede deaf bade", "tiny"),
            new("t2", "a b c d e f aa bb cc dd ee ff abcdef fedcba", "tiny"),
        ];
        var verse = ProxyTestData.Domain("bible", 0, 1);
        using var store = await ProxyTestData.BuildAsync(dir, ByteTokenizer.Instance, tiny, ProxyTestData.Domain("bible", 0, 50));
        // Targets made of digits, capitals and punctuation: not one byte of them occurs in cluster 0.
        var disjoint = new TextTarget("digits", ["0123456789 XYZ QRS 42!", "9876 5432 10 ?? TUV WX", "31415926535 GHIJK;"]);
        var overlapping = new TextTarget("letters", ["abc abz abq fab zzz cab", "dab qqq ebb fcc xyz ace"]);
        using var store2 = await ProxyTestData.BuildAsync(ProxyTestData.TempDir(), ByteTokenizer.Instance, verse, ProxyTestData.Domain("bible", 0, 50));
        var computing = new TextTarget("computing", ["The kernel schedules threads; malloc() returns NULL on failure.", "TCP/IP over Ethernet, 10 Gbit/s."]);
        foreach (var (data, targets) in new (TokenizedClusterStore, EvaluationTarget[])[]
        {
            (store, [disjoint]), (store, [overlapping]), (store, [disjoint, overlapping]), (store2, [computing]), (store2, [disjoint]),
        })
        {
            var trainer = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = 52_000 });
            var result = await trainer.TrainAsync(new ProxyTrainingRequest
            {
                Mixture = new MixtureWeights([1.0, 0.0]),
                Seed = 7,
                Data = data,
                Targets = targets,
            });
            Assert.True(double.IsFinite(result.Objective), $"objective {result.Objective} on {string.Join(",", targets.Select(t => t.Name))}");
            Assert.All(result.Metrics, kv => Assert.True(double.IsFinite(kv.Value), $"{kv.Key} = {kv.Value}"));

            // A finite loss, and still a sensible one: unseen bytes cost at most about log(vocabulary) plus the back-off.
            Assert.True(result.Objective > 0);
        }
    }
}

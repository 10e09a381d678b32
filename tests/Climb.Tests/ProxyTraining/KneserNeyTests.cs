namespace Climb.Tests.ProxyTraining;

public class KneserNeyTests
{
    [Fact]
    public void Bigram_probabilities_match_hand_computation()
    {
        // Corpus 0 1 0 1 2, V = 4, one absolute discount D = 0.5.
        // Bigram counts: (0,1)=2, (1,0)=1, (1,2)=1. Continuation counts: 0:1, 1:1, 2:1 (sum 3, three types).
        // P1(seen) = (1 - 0.5)/3 + (0.5*3/3)/4 = 0.2916667; P1(3) = 0.125.
        var m = KneserNeyModel.Train([[0, 1, 0, 1, 2]], order: 2, vocabularySize: 4, maxSequenceLength: 16, fixedDiscount: 0.5, CancellationToken.None);
        double p1Seen = (0.5 / 3) + 0.125;
        Assert.Equal(p1Seen, m.Probability([], 0), 12);
        Assert.Equal(0.125, m.Probability([], 3), 12);
        // Context 0: c = 2, one type of count 2 -> gamma = 0.5*1/2.
        Assert.Equal((1.5 / 2) + (0.25 * p1Seen), m.Probability([0], 1), 12);
        Assert.Equal(0.25 * 0.125, m.Probability([0], 3), 12);
        // Context 1: c = 2, two types of count 1 -> gamma = 0.5*2/2.
        Assert.Equal((0.5 / 2) + (0.5 * p1Seen), m.Probability([1], 2), 12);
        // Context 2 was never followed by anything: the unigram distribution.
        Assert.Equal(p1Seen, m.Probability([2], 0), 12);
        // Only the last Order-1 tokens matter.
        Assert.Equal(m.Probability([0], 1), m.Probability([3, 2, 0], 1), 15);
    }

    [Fact]
    public void Modified_discounts_follow_chen_and_goodman()
    {
        double[] d = KneserNeyModel.ModifiedDiscounts(10, 5, 3, 2);
        // Y = 10/(10+2*5) = 0.5; D1 = 1 - 2Y*5/10; D2 = 2 - 3Y*3/5; D3+ = 3 - 4Y*2/3.
        Assert.Equal(0.5, d[0], 12);
        Assert.Equal(1.1, d[1], 12);
        Assert.Equal(3 - (4 * 0.5 * 2 / 3.0), d[2], 12);
    }

    [Fact]
    public void Modified_kn_distributions_sum_to_one()
    {
        var docs = ProxyTestData.Domain("fortunes", 0, 200);
        var seqs = docs.Select(d => System.Text.Encoding.UTF8.GetBytes(d.Text).Select(b => (int)b).ToArray()).ToList();
        var m = KneserNeyModel.Train(seqs, order: 4, vocabularySize: 257, maxSequenceLength: 64, fixedDiscount: null, CancellationToken.None);
        Assert.True(m.Discounts(4)[0] is > 0 and < 1);
        int[][] contexts = [[], [116, 104], [32, 116, 104], [200, 201, 202], [101, 32, 116]];
        foreach (var ctx in contexts)
        {
            double sum = 0;
            for (int w = 0; w < 257; w++)
            {
                sum += m.Probability(ctx, w);
            }

            Assert.Equal(1.0, sum, 9);
        }

        Assert.True(m.Probability([32, 116, 104], 101) > 0.3, "'e' after ' th' should be likely");
    }

    [Fact]
    public async Task Proxy_on_domain_A_scores_A_better_and_the_mixture_lies_between()
    {
        string dir = ProxyTestData.TempDir();
        var (store, heldA, heldB) = await ProxyTestData.TwoDomainsAsync(dir);
        using var _ = store;
        var trainer = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = 300_000 });
        async Task<ProxyResult> Run(double a) => await trainer.TrainAsync(new ProxyTrainingRequest
        {
            Mixture = new MixtureWeights([a, 1 - a]),
            Seed = 3,
            Data = store,
            Targets = [heldA, heldB],
        });
        var onlyA = await Run(1.0);
        var onlyB = await Run(0.0);
        var both = await Run(0.5);
        double aOnA = onlyA.Metrics["target:bible/loss"], aOnB = onlyA.Metrics["target:python/loss"];
        double bOnA = onlyB.Metrics["target:bible/loss"], bOnB = onlyB.Metrics["target:python/loss"];
        double mixOnA = both.Metrics["target:bible/loss"], mixOnB = both.Metrics["target:python/loss"];
        Assert.True(aOnA < aOnB, $"A-only proxy: bible {aOnA} vs python {aOnB}");
        Assert.InRange(mixOnA, aOnA, bOnA);
        Assert.InRange(mixOnB, bOnB, aOnB);
        Assert.Equal(ObjectiveGoal.Minimize, both.Goal);
        Assert.Equal((mixOnA + mixOnB) / 2, both.Objective, 12);
        Assert.Equal(Math.Exp(mixOnA), both.Metrics["target:bible/ppl"], 9);

        var again = await Run(0.5);
        Assert.Equal(both.Objective, again.Objective);
        var otherSeed = await trainer.TrainAsync(new ProxyTrainingRequest { Mixture = both.Mixture, Seed = 4, Data = store, Targets = [heldA, heldB] });
        Assert.NotEqual(both.Objective, otherSeed.Objective);
    }
}

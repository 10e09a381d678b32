using Climb.Tests.ProxyTraining;
using Xunit.Abstractions;

namespace Climb.Tests.Search;

/// <summary>
/// The end-to-end acceptance: with the fast Kneser–Ney proxy on the sample corpus (6 domains, 2 clusters each) and a
/// target drawn from two domains (python, foldoc), the CLIMB search puts most weight on those domains' clusters and its
/// answer's target loss beats the uniform mixture's.
/// </summary>
public sealed class NGramSearchTests(ITestOutputHelper output)
{
    private static readonly string[] Domains = ["bible", "devil", "foldoc", "fortunes", "jargon", "python"];

    [Fact]
    [Trait("Category", "Slow")]
    public async Task Climb_with_the_ngram_proxy_finds_the_target_domains_and_beats_uniform()
    {
        string dir = ProxyTestData.TempDir();
        try
        {
            var clusters = Domains.SelectMany(d => new[] { ProxyTestData.Domain(d, 0, 250), ProxyTestData.Domain(d, 250, 250) }).ToArray();
            using var store = await ProxyTestData.BuildAsync(dir, ByteTokenizer.Instance, clusters);
            var target = new TextTarget(
                "python+foldoc",
                ProxyTestData.Domain("python", 2500, 25).Concat(ProxyTestData.Domain("foldoc", 2500, 25)).Select(d => d.Text.Length > 1500 ? d.Text[..1500] : d.Text).ToList());
            var trainer = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = 200_000 });
            ProxyEvaluator evaluate = (m, seed, ct) =>
                trainer.TrainAsync(new ProxyTrainingRequest { Mixture = m, Seed = seed, Data = store, Targets = [target] }, cancellationToken: ct);

            var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c), Domains.SelectMany(d => new[] { d + "/0", d + "/1" }));
            var search = new MixtureSearch(
                new ClimbSearchStrategy(new ClimbSearchStrategyOptions { RoundBudgets = [24, 12, 8], CandidatePoolSize = 20_000 }),
                new MixtureSearchOptions { Seed = 1, MaxDegreeOfParallelism = 2, ProxyConfiguration = "kneser-ney order 4, 200k byte tokens" });
            var result = await search.RunAsync(prior, evaluate);

            int[] targetClusters = [4, 5, 10, 11]; // foldoc/0, foldoc/1, python/0, python/1
            double targetWeight = targetClusters.Sum(i => result.Mixture[i]);
            double answerLoss = (await evaluate(result.Mixture, 12345, default)).Objective;
            double uniformLoss = (await evaluate(MixtureWeights.Uniform(prior.Count), 12345, default)).Objective;
            output.WriteLine($"answer {result.Mixture} ({result.Answer.Method}); weight on python+foldoc clusters {targetWeight:F3}");
            output.WriteLine($"best measured {result.BestMeasured.Mixture}; answer predicted {-result.Answer.PredictedUtility:F4}");
            output.WriteLine($"target loss (nats/byte): answer {answerLoss:F4}, uniform {uniformLoss:F4}; best measured {result.BestMeasured.Objective:F4}");
            foreach (var r in result.Rounds)
            {
                output.WriteLine($"round {r.Round}: best {-r.BestUtility:F4}, held-out Spearman {r.HeldOutSpearman:F3}, prospective {r.ProspectiveSpearman:F3}");
            }

            Assert.True(targetWeight > 0.5, $"only {targetWeight:F3} of the weight on the target domains' clusters: {result.Mixture}");
            Assert.True(answerLoss < uniformLoss, $"answer {answerLoss} vs uniform {uniformLoss}");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

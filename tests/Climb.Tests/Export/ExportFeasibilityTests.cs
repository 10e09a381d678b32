using System.Text.Json;
using Climb.Tests.Pipeline;

namespace Climb.Tests.Export;

/// <summary>
/// A mixture within the data's repetition limit exports at the full budget with its exact shares; the old behaviour (an
/// answer the data cannot supply and a short export) cannot happen with feasibility on.
/// </summary>
public sealed class ExportFeasibilityTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-feasible-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Components of documents of 20 to 2,000 tokens, from a few thousand to a few hundred thousand tokens each.</summary>
    private static List<IReadOnlyList<(string, int)>> Components(Random random, int k)
    {
        var components = new List<IReadOnlyList<(string, int)>>();
        for (int c = 0; c < k; c++)
        {
            int docs = random.Next(200, 400);
            components.Add(Enumerable.Range(0, docs).Select(i => ($"c{c}-{i}", random.Next(20, 2000))).ToList());
        }

        return components;
    }

    [Fact]
    public void Every_mixture_within_the_repetition_limit_exports_the_full_budget_with_its_shares()
    {
        var random = new Random(11);
        int shortWithoutBounds = 0;
        for (int trial = 0; trial < 40; trial++)
        {
            var components = Components(random, random.Next(2, 25));
            var counts = components.Select(c => c.Sum(d => (long)d.Item2)).ToArray();
            var loose = MixturePrior.FromTokenCounts(counts);
            long budget = (long)(loose.LargestFeasibleTargetTokens(4) * (0.3 + (0.7 * random.NextDouble()))); // rho = 1 / (0.3 .. 1)
            Assert.True(budget >= 400_000, $"trial {trial}: a budget of {budget} is too small for whole documents of up to 2,000 tokens to meet 0.005");
            var bounded = loose.WithRepetitionLimit(budget, 4);
            var exporter = new MixedDatasetExporter(new MixedDatasetExporterOptions { TokenBudget = budget, Seed = trial });
            var mixtures = new DirichletMixtureSampler().Sample(bounded, 30, trial).ToList();
            mixtures.Add(MixtureWeights.Normalize(bounded.MaxWeights)); // as close to every bound at once as a mixture gets
            foreach (var w in mixtures)
            {
                var (_, accounting) = exporter.Plan(components, w);
                long written = accounting.Sum(a => a.TokensWritten);
                Assert.True(written >= 0.995 * budget, $"trial {trial}: {written} of {budget} tokens for {w}");
                foreach (var a in accounting)
                {
                    Assert.True(Math.Abs((a.TokensWritten / (double)written) - a.Weight) <= 0.005, $"trial {trial}: component {a.Component} written share {a.TokensWritten / (double)written} for weight {a.Weight}");
                    Assert.True(a.Epochs <= 4);
                }
            }

            // Without the bounds, the same sampler asks some clusters for more than they hold: the export falls short.
            foreach (var w in new DirichletMixtureSampler().Sample(loose, 30, trial))
            {
                var (_, accounting) = exporter.Plan(components, w);
                shortWithoutBounds += accounting.Sum(a => a.TokensWritten) < 0.995 * budget ? 1 : 0;
            }
        }

        Assert.True(shortWithoutBounds > 100, $"only {shortWithoutBounds} unbounded mixtures fell short: the test's budgets are not tight enough to show anything");
    }

    /// <summary>A proxy trainer that counts its runs.</summary>
    private sealed class CountingTrainer(IProxyTrainer inner) : IProxyTrainer
    {
        private int _runs;

        public int Runs => _runs;

        public string Identity => inner.Identity;

        public Task<ProxyResult> TrainAsync(ProxyTrainingRequest request, IProgress<ProxyTrainingProgress>? progress = null, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _runs);
            return inner.TrainAsync(request, progress, cancellationToken);
        }
    }

    private static CountingTrainer NGram() =>
        new(new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = 60_000, SequenceLength = 256, EvaluationWindow = 256 }));

    [Fact]
    public async Task The_pipeline_refuses_a_budget_no_mixture_meets_before_any_proxy_and_exports_a_tight_one_in_full()
    {
        var corpus = ClimbCorpus.FromDocuments(PipelineFixtures.Corpus);
        var target = PipelineFixtures.Target("bible");
        string artifacts = Path.Combine(_dir, "a");
        var trainer = NGram();
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => PipelineFixtures.SmallBuilder(artifacts).WithProxyTrainer(trainer)
            .Configure(o => o.Export.TokenBudget = 1_000_000_000_000).Build().RunAsync(corpus, [target]));
        Assert.Equal(0, trainer.Runs);
        Assert.False(File.Exists(Path.Combine(artifacts, "08-search", "journal.jsonl")));
        var match = System.Text.RegularExpressions.Regex.Match(ex.Message, @"the largest feasible budget is ([\d,]+) tokens");
        Assert.True(match.Success, ex.Message);
        Assert.EndsWith("(ClimbPipelineOptions.Export.TokenBudget, ClimbPipelineOptions.Feasibility.MaxRepetition)", ex.Message, StringComparison.Ordinal);
        long largest = long.Parse(match.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
        using (var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store")))
        {
            Assert.Equal(4 * store.TokenCounts.Sum(), largest);
        }

        // A budget of 90 % of the largest: each weight may be at most 1.11 x its token share.
        long budget = largest * 9 / 10;
        var result = await PipelineFixtures.SmallBuilder(artifacts).WithProxyTrainer(NGram())
            .Configure(o => o.Export.TokenBudget = budget).Build().RunAsync(corpus, [target]);
        var d = result.Dataset!;
        Assert.True(d.Tokens >= 0.995 * budget, $"{d.Tokens} of {budget}");
        Assert.True(d.MaxShareDeviation <= 0.005, $"deviation {d.MaxShareDeviation}");
        Assert.False(d.IsShortOfBudget);
        foreach (var c in d.Components)
        {
            Assert.True(c.Weight * budget <= (c.AvailableTokens * 4.0) + 1, $"component {c.Component}: weight {c.Weight} asks {c.Weight * budget} of {c.AvailableTokens} x 4");
        }

        // weights.json says how many passes each super-cluster takes at the budget, and the bound.
        using var weights = JsonDocument.Parse(await File.ReadAllTextAsync(result.WeightsPath));
        Assert.Equal(budget, weights.RootElement.GetProperty("target_tokens").GetInt64());
        foreach (var c in weights.RootElement.GetProperty("components").EnumerateArray())
        {
            double epochs = c.GetProperty("epochs").GetDouble();
            Assert.InRange(epochs, 0, 4 + 1e-9);
            Assert.Equal(c.GetProperty("weight").GetDouble() * budget / c.GetProperty("tokens").GetInt64(), epochs, 9);
        }

        // The old behaviour, with the bounds off at the same budget: the search's answer asks for more than the data
        // holds and the export falls short of its budget and of the weights.
        var off = await PipelineFixtures.SmallBuilder(artifacts).WithProxyTrainer(NGram())
            .Configure(o => { o.Export.TokenBudget = budget; o.Feasibility.Enabled = false; }).Build().RunAsync(corpus, [target]);
        Assert.True(off.Dataset!.IsShortOfBudget, $"{off.Dataset.Tokens} of {budget}: the unbounded answer {off.Mixture} happened to be feasible");
        Assert.True(off.Dataset.MaxShareDeviation > 0.005);
    }
}

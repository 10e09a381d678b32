namespace Climb.Tests.ProxyTraining;

/// <summary>
/// Proxy trainers see tokenised clusters only through <see cref="ITokenizedClusters"/>: tokens held in memory by a
/// plug-in train the same proxies as the same tokens in a <see cref="TokenizedClusterStore"/> on disk.
/// </summary>
public class InMemoryClustersTests(TwoDomainFixture data) : IClassFixture<TwoDomainFixture>
{
    [Fact]
    public async Task Proxies_trained_on_tokens_held_in_memory_equal_those_trained_on_the_store()
    {
        var memory = new InMemoryClusters(data.Store);
        var mixture = MixtureWeights.Normalize([0.7, 0.3]);
        var ngram = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = 20_000 });
        var onDisk = await ngram.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 5, Data = data.Store, Targets = [data.HeldA] });
        var inMemory = await ngram.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 5, Data = memory, Targets = [data.HeldA] });
        Assert.True(double.IsFinite(onDisk.Objective));
        Assert.Equal(onDisk.Objective, inMemory.Objective, 12);
        Assert.True(memory.TokensRead >= 20_000, $"the proxy read its tokens from the in-memory clusters ({memory.TokensRead})");

        var transformer = new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions
        {
            Model = new ProxyModelOptions { Layers = 1, ModelDimension = 32, Heads = 2, ContextLength = 32 },
            TokenBudget = 2 * 8 * 32,
            BatchSize = 8,
            Device = ComputeDevice.Cpu,
        });
        var a = await transformer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 9, Data = data.Store, Targets = [data.HeldA] });
        var b = await transformer.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 9, Data = memory, Targets = [data.HeldA] });
        Assert.Equal(a.Objective, b.Objective, 5);

        var executor = new ExecutorProxyTrainer(ProxyTrainerSpec.NGram(new KneserNeyProxyTrainerOptions { Order = 3, TokenBudget = 20_000 }), new LocalExecutor(), Path.Combine(data.Directory, "in-memory-executor"));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            executor.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = 5, Data = memory, Targets = [data.HeldA] }));
        Assert.Contains("DirectoryPath", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A copy of a store's tokens in arrays, with no folder.</summary>
    private sealed class InMemoryClusters(TokenizedClusterStore source) : ITokenizedClusters
    {
        private readonly int[][] _tokens = Enumerable.Range(0, source.ClusterCount).Select(c =>
        {
            var t = new int[source.TokenCounts[c]];
            source.ReadTokens(c, 0, t);
            return t;
        }).ToArray();

        private long _read;

        public long TokensRead => Interlocked.Read(ref _read);

        public string? DirectoryPath => null;

        public ITokenizer Tokenizer => source.Tokenizer;

        public VocabularyCompaction? Compaction => source.Compaction;

        public int ClusterCount => _tokens.Length;

        public IReadOnlyList<long> TokenCounts => _tokens.Select(t => (long)t.Length).ToArray();

        public IReadOnlyList<long> DocumentCounts => source.DocumentCounts;

        public long TotalTokens => _tokens.Sum(t => (long)t.Length);

        public int ModelVocabularySize => source.ModelVocabularySize;

        public int ModelEndOfTextId => source.ModelEndOfTextId;

        public void EncodeForModel(string text, List<int> ids) => source.EncodeForModel(text, ids);

        public void ReadTokens(int cluster, long start, Span<int> destination)
        {
            var t = _tokens[cluster];
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = t[(start + i) % t.Length];
            }

            Interlocked.Add(ref _read, destination.Length);
        }
    }
}

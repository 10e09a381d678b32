using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// A setting made ready for its seeds: the pipeline run once up to tokenisation (shared by every seed and by both proxy
/// kinds), the tokenised clusters opened, the prior, and the proxy trainer (with, for transformer proxies, the base
/// models and the target-model trainer).
/// </summary>
internal sealed class PowerPreparedSetting : IDisposable
{
    private PowerPreparedSetting(PowerSetting setting, string folder, TokenizedClusterStore store, MixturePrior prior, TextTarget target, PowerPipelineFacts facts)
    {
        Setting = setting;
        Folder = folder;
        Store = store;
        Prior = prior;
        Target = target;
        Facts = facts;
    }

    public PowerSetting Setting { get; }

    /// <summary>Gets the folder of this setting's runs under the current configuration tag.</summary>
    public string Folder { get; }

    public TokenizedClusterStore Store { get; }

    public MixturePrior Prior { get; }

    public TextTarget Target { get; }

    public PowerPipelineFacts Facts { get; }

    /// <summary>Gets the proxy trainer as the search calls it (uncached).</summary>
    public ProxyEvaluator Train { get; private set; } = (_, _, _) => throw new InvalidOperationException("No proxy trainer.");

    public string ProxyIdentity { get; private set; } = string.Empty;

    public TorchSharpProxyTrainerOptions? ProxyOptions { get; private set; }

    public string? ProxyBasePath { get; private set; }

    /// <summary>Gets the target-model trainer (transformer block only).</summary>
    public TorchSharpProxyTrainer? TargetTrainer { get; private set; }

    public static async Task<PowerPreparedSetting> PrepareAsync(PowerSetting setting, PowerSettings settings, string root, string work, Action<string> say, CancellationToken ct)
    {
        string settingFolder = Path.Combine(work, setting.Name);
        Directory.CreateDirectory(settingFolder);
        var (corpus, target) = await setting.LoadAsync(root, work, settings.WordNet, say, ct);
        if (settings.TargetMaxChars > 0)
        {
            target = new TextTarget(target.Name, target.Texts.Select(t => t.Length <= settings.TargetMaxChars ? t : t[..settings.TargetMaxChars]).ToList());
        }

        if (target.Texts.Count == 0)
        {
            throw new InvalidDataException($"Setting {setting.Name}: the target holds no texts.");
        }

        // 1. The pipeline up to tokenisation, once per setting (a complete artifacts folder is reused).
        string artifacts = Path.Combine(settingFolder, "artifacts-byte");
        var pipeline = new ClimbPipelineBuilder()
            .WithArtifactsFolder(artifacts)
            .Configure(o =>
            {
                o.ClusterCount = setting.ClusterCount;
                o.Merging = new CentroidMergerOptions { TargetClusterCount = setting.SuperClusters };
                o.Device = ComputeDevice.Cpu;
                o.Tokenizer = "byte";
            })
            .Build();
        var clock = Stopwatch.StartNew();
        var last = Stopwatch.StartNew();
        var progress = new Progress<ClimbProgress>(p =>
        {
            if (last.Elapsed.TotalSeconds >= 15 || p.Message is "running" or "reused" or "resuming")
            {
                last.Restart();
                say($"  {setting.Name} pipeline {p.Stage}: {p.Message}");
            }
        });
        var reports = await pipeline.RunUntilAsync(ClimbCorpus.FromDocuments(corpus), [], "tokenize", progress, ct);
        var store = TokenizedClusterStore.Open(Path.Combine(artifacts, "06-tokenize", "store"));
        var names = Enumerable.Range(0, store.ClusterCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var prior = new MixturePrior(store.TokenCounts.Select(c => (double)c), names);
        var facts = new PowerPipelineFacts
        {
            Setting = setting.Name,
            Corpus = setting.Corpus,
            Target = setting.Target,
            Documents = corpus.Count,
            TargetTexts = target.Texts.Count,
            TargetCharacters = target.Texts.Sum(t => (long)t.Length),
            FineClusters = FineClusters(artifacts),
            SuperClusters = store.ClusterCount,
            Tokens = store.TotalTokens,
            Tokenizer = store.Tokenizer.Identity,
            StageSeconds = reports.ToDictionary(r => r.Stage, r => StageManifest.TryLoad(r.Folder) is { } m ? m.Seconds : double.NaN),
            StageOutcomes = reports.ToDictionary(r => r.Stage, r => r.Outcome.ToString()),
            DomainShares = DomainShares(artifacts, corpus, store.ClusterCount),
        };
        await File.WriteAllTextAsync(Path.Combine(settingFolder, "pipeline.json"), JsonSerializer.Serialize(facts, EvidenceExperiment.Json), ct);
        say($"{setting.Name}: {corpus.Count:N0} documents, {facts.FineClusters} clusters → {store.ClusterCount} super-clusters, {store.TotalTokens:N0} tokens; target {target.Texts.Count} texts ({facts.TargetCharacters:N0} characters); pipeline {clock.Elapsed.TotalSeconds:F0} s");

        string folder = Path.Combine(settingFolder, settings.Tag);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "settings.json"), JsonSerializer.Serialize(settings, EvidenceExperiment.Json), ct);
        var prepared = new PowerPreparedSetting(setting, folder, store, prior, target, facts);
        try
        {
            await prepared.BindProxyAsync(settings, say, ct);
        }
        catch
        {
            prepared.Dispose();
            throw;
        }

        return prepared;
    }

    public void Dispose() => Store.Dispose();

    private async Task BindProxyAsync(PowerSettings settings, Action<string> say, CancellationToken ct)
    {
        if (settings.Proxy == "ngram")
        {
            var ngram = new KneserNeyProxyTrainer(new KneserNeyProxyTrainerOptions { Order = 4, TokenBudget = settings.NGramTokens });
            ProxyIdentity = ngram.Identity;
            Train = (mixture, seed, token) => ngram.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = Store, Targets = [Target] }, null, token);
            return;
        }

        // Transformer proxies as in the issue-8 experiment: a tiny base pre-trained on the uniform mixture, each proxy its decay stage.
        var proxyModel = ProxyModelOptions.FromPreset(ProxyModelSize.Tiny);
        proxyModel.ContextLength = 256; // byte tokens carry a quarter of what BPE tokens do
        var targetModel = new ProxyModelOptions { Layers = settings.TargetLayers, ModelDimension = settings.TargetDimension, Heads = 4, ContextLength = proxyModel.ContextLength };
        const double baseLearningRate = 3e-3;
        var proxyBase = await EvidenceModels.EnsureBaseAsync(Path.Combine(Folder, "proxy-base"), proxyModel, settings.BaseTokens, Store, Target, settings.Threads, settings.BatchSize, baseLearningRate, say, ct);
        var targetBase = await EvidenceModels.EnsureBaseAsync(Path.Combine(Folder, "target-base"), targetModel, settings.TargetBaseTokens, Store, Target, settings.Threads, settings.BatchSize, baseLearningRate, say, ct);
        ProxyOptions = new TorchSharpProxyTrainerOptions
        {
            Model = proxyModel,
            TokenBudget = settings.ProxyTokens,
            BaseCheckpointPath = proxyBase.Path,
            BatchSize = settings.BatchSize,
            Threads = settings.Threads,
            Device = ComputeDevice.Cpu,
        };
        ProxyBasePath = proxyBase.Path;
        var proxy = new TorchSharpProxyTrainer(ProxyOptions);
        ProxyIdentity = $"tiny ctx256 tokens={settings.ProxyTokens} base={settings.BaseTokens}";
        Train = (mixture, seed, token) => proxy.TrainAsync(new ProxyTrainingRequest { Mixture = mixture, Seed = seed, Data = Store, Targets = [Target] }, null, token);
        TargetTrainer = new TorchSharpProxyTrainer(new TorchSharpProxyTrainerOptions
        {
            Model = targetModel,
            TokenBudget = settings.TargetTokens,
            BaseCheckpointPath = targetBase.Path,
            BatchSize = settings.BatchSize,
            Threads = settings.Threads,
            Device = ComputeDevice.Cpu,
        });
    }

    private static int FineClusters(string artifacts)
    {
        string path = Path.Combine(artifacts, "02-cluster", "assignments.i32");
        return File.Exists(path) ? MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(path)).ToArray().Max() + 1 : 0;
    }

    /// <summary>Per super-cluster, the character share of each source domain (the corpus's <c>source</c> tag, first path part).</summary>
    private static Dictionary<string, double[]> DomainShares(string artifacts, List<Document> corpus, int supers)
    {
        var ids = EmbeddingStore.Open(Path.Combine(artifacts, "01-embed", "store")).ReadDocumentIds();
        var byId = corpus.ToDictionary(d => d.Id, StringComparer.Ordinal);
        int[] assignments = MemoryMarshal.Cast<byte, int>(File.ReadAllBytes(Path.Combine(artifacts, "02-cluster", "assignments.i32"))).ToArray();
        using var merge = JsonDocument.Parse(File.ReadAllText(Path.Combine(artifacts, "05-merge", "merge.json")));
        int[] superOf = merge.RootElement.GetProperty("SuperClusterOf").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var chars = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            int s = superOf[assignments[i]];
            if (s < 0 || !byId.TryGetValue(ids[i], out var d))
            {
                continue;
            }

            string domain = (d.Source ?? "?").Split('/')[0];
            if (!chars.TryGetValue(domain, out var row))
            {
                chars[domain] = row = new double[supers];
            }

            row[s] += d.Text.Length;
        }

        // Normalise per super-cluster: shares[domain][s] = domain's share of super-cluster s.
        var totals = new double[supers];
        foreach (var row in chars.Values)
        {
            for (int s = 0; s < supers; s++)
            {
                totals[s] += row[s];
            }
        }

        return chars.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(
            p => p.Key,
            p => p.Value.Select((v, s) => totals[s] > 0 ? v / totals[s] : 0).ToArray(),
            StringComparer.Ordinal);
    }
}

/// <summary>What the pipeline made of a setting's corpus.</summary>
internal sealed class PowerPipelineFacts
{
    public string Setting { get; set; } = string.Empty;

    public string Corpus { get; set; } = string.Empty;

    public string Target { get; set; } = string.Empty;

    public int Documents { get; set; }

    public int TargetTexts { get; set; }

    public long TargetCharacters { get; set; }

    public int FineClusters { get; set; }

    public int SuperClusters { get; set; }

    public long Tokens { get; set; }

    public string Tokenizer { get; set; } = string.Empty;

    public Dictionary<string, double> StageSeconds { get; set; } = [];

    public Dictionary<string, string> StageOutcomes { get; set; } = [];

    /// <summary>Gets or sets, per source domain, its character share of each super-cluster.</summary>
    public Dictionary<string, double[]> DomainShares { get; set; } = [];
}

/// <summary>One invocation of the benchmark, as the report describes it.</summary>
internal sealed class PowerInvocation
{
    public string Proxy { get; set; } = string.Empty;

    public string Tag { get; set; } = string.Empty;

    public PowerSettings Settings { get; set; } = new();

    public string Machine { get; set; } = string.Empty;

    public string LoadStart { get; set; } = string.Empty;

    public string LoadEnd { get; set; } = string.Empty;

    public string Command { get; set; } = string.Empty;

    public double WallSeconds { get; set; }

    /// <summary>Gets or sets the sum of every finished run's search wall time (over all invocations that made them).</summary>
    public double RecordSeconds { get; set; }

    public Dictionary<string, PowerPipelineFacts> Pipelines { get; set; } = [];
}

using System.Text.Json;

namespace Climb.Benchmarks.Evidence;

/// <summary>
/// Proxy results shared by the strategies of one experiment seed, keyed by (mixture, proxy seed): Best-of-N, RegMix
/// and CLIMB's first round draw from the same Dirichlet stream, so a mixture one strategy already trained is not
/// trained again for another (each strategy is still charged its full budget). Appended to a JSON-lines file, so an
/// interrupted experiment continues.
/// </summary>
internal sealed class ProxyCache
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly string _path;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _lock = new(1, 1);

    public ProxyCache(string path)
    {
        _path = path;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            foreach (string line in File.ReadAllLines(path))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                try
                {
                    var e = JsonSerializer.Deserialize<Entry>(line, Json);
                    if (e is not null)
                    {
                        _entries[e.Key] = e;
                    }
                }
                catch (JsonException)
                {
                    // A line cut short by an interruption: that proxy trains again.
                }
            }
        }
    }

    /// <summary>Gets the proxies trained (not served from the cache) during this process.</summary>
    public int Trained { get; private set; }

    /// <summary>Gets the proxies served from the cache during this process.</summary>
    public int Hits { get; private set; }

    /// <summary>Gets every distinct proxy result known (trained now or earlier).</summary>
    public IEnumerable<Entry> Entries => _entries.Values;

    public ProxyEvaluator Wrap(ProxyEvaluator inner) => async (mixture, seed, ct) =>
    {
        string key = TorchSharpProxyTrainer.CheckpointFileName(mixture, seed);
        await _lock.WaitAsync(ct);
        try
        {
            if (_entries.TryGetValue(key, out var hit))
            {
                Hits++;
                return hit.ToResult(mixture);
            }
        }
        finally
        {
            _lock.Release();
        }

        var result = await inner(mixture, seed, ct);
        var entry = Entry.From(key, result);
        await _lock.WaitAsync(ct);
        try
        {
            _entries[key] = entry;
            Trained++;
            await File.AppendAllTextAsync(_path, JsonSerializer.Serialize(entry, Json) + "\n", ct);
        }
        finally
        {
            _lock.Release();
        }

        return result;
    };

    internal sealed class Entry
    {
        public string Key { get; set; } = string.Empty;

        public int Seed { get; set; }

        public double Objective { get; set; }

        public ObjectiveGoal Goal { get; set; }

        public Dictionary<string, double> Metrics { get; set; } = [];

        public long TokensTrained { get; set; }

        public double Seconds { get; set; }

        public string Device { get; set; } = string.Empty;

        public string ProxyConfiguration { get; set; } = string.Empty;

        public static Entry From(string key, ProxyResult r) => new()
        {
            Key = key,
            Seed = r.Seed,
            Objective = r.Objective,
            Goal = r.Goal,
            Metrics = new Dictionary<string, double>(r.Metrics),
            TokensTrained = r.TokensTrained,
            Seconds = r.Elapsed.TotalSeconds,
            Device = r.Device,
            ProxyConfiguration = r.ProxyConfiguration,
        };

        public ProxyResult ToResult(MixtureWeights mixture) => new()
        {
            Mixture = mixture,
            Seed = Seed,
            Objective = Objective,
            Goal = Goal,
            Metrics = Metrics,
            TokensTrained = TokensTrained,
            Elapsed = TimeSpan.FromSeconds(Seconds),
            Device = Device,
            ProxyConfiguration = ProxyConfiguration,
        };
    }
}

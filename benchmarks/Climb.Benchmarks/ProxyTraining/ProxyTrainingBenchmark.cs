using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;

namespace Climb.Benchmarks.ProxyTraining;

/// <summary>
/// Side-by-side proxy benchmarks: <c>climb-bench proxy train</c> (TorchSharp trainer vs the PyTorch peer, same
/// architecture, sizes and threads) and <c>climb-bench proxy tokenizers</c> (byte and tiktoken throughput).
/// </summary>
internal static class ProxyTrainingBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "train";
        var opts = ParseOptions(args.Skip(1).ToArray());
        Console.WriteLine($"loadavg before: {File.ReadAllText("/proc/loadavg").Trim()}  cores: {Environment.ProcessorCount}");
        return mode switch
        {
            "train" => await TrainAsync(opts),
            "tokenizers" => await TokenizersAsync(opts),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.WriteLine("climb-bench proxy train [--sizes tiny,small] [--threads 2] [--steps 20] [--batch 16] [--no-peer] [--peak-gflops N]");
        Console.WriteLine("climb-bench proxy tokenizers [--docs 3000]");
        return 2;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string key = args[i].TrimStart('-');
            d[key] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
        }

        return d;
    }

    private static async Task<int> TrainAsync(Dictionary<string, string> o)
    {
        int threads = int.Parse(o.GetValueOrDefault("threads", "2"), CultureInfo.InvariantCulture);
        int steps = int.Parse(o.GetValueOrDefault("steps", "20"), CultureInfo.InvariantCulture);
        int batch = int.Parse(o.GetValueOrDefault("batch", "16"), CultureInfo.InvariantCulture);
        bool peer = !o.ContainsKey("no-peer");
        double peak = o.TryGetValue("peak-gflops", out var pg) ? double.Parse(pg, CultureInfo.InvariantCulture) * 1e9 : EstimatePeakFlops(threads, out string how);
        how = o.ContainsKey("peak-gflops") ? "given" : EstimateDescription(threads);
        Console.WriteLine($"peak fp32: {peak / 1e9:F0} GFLOP/s ({how})");
        string dir = Path.Combine(Path.GetTempPath(), "climb-proxy-bench");
        using var store = await TokenizedClusterStore.BuildAsync(dir, ByteTokenizer.Instance, [Stream(Docs("bible", 1000)), Stream(Docs("python", 1000))]);
        var target = new TextTarget("bible", Docs("bible", 5).Select(d => d.Text[..Math.Min(200, d.Text.Length)]).ToList());
        Console.WriteLine("| size | params | framework | tokens/s | MFU | peak RSS MB | s | tokens per CPU-second |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (string size in o.GetValueOrDefault("sizes", "tiny,small").Split(','))
        {
            var model = size switch
            {
                "tiny" => ProxyModelOptions.FromPreset(ProxyModelSize.Tiny),
                "small" => ProxyModelOptions.FromPreset(ProxyModelSize.Small),
                "micro" => new ProxyModelOptions { Layers = 2, ModelDimension = 64, Heads = 4, ContextLength = 64 },
                "5m" => new ProxyModelOptions { Layers = 6, ModelDimension = 256, Heads = 4, ContextLength = 256 },
                _ => throw new ArgumentException("size: tiny, small or 5m"),
            };
            var options = new TorchSharpProxyTrainerOptions { Model = model, BatchSize = batch, Threads = threads, Device = ComputeDevice.Cpu, TokenBudget = (long)batch * model.ContextLength * Math.Max(5, steps / 4) };
            var trainer = new TorchSharpProxyTrainer(options);
            var request = new ProxyTrainingRequest { Mixture = MixtureWeights.Uniform(2), Seed = 1, Data = store, Targets = [target] };
            await trainer.TrainAsync(request); // warm-up (max(5, steps/4) steps): libtorch initialisation, oneDNN primitives, first allocations
            options.TokenBudget = (long)batch * model.ContextLength * steps;
            trainer = new TorchSharpProxyTrainer(options);
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var r = await trainer.TrainAsync(request);
            double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
            double tps = r.Metrics["train/tokens_per_second"];
            long p = (long)r.Metrics["model/parameters"];
            double mfu = 6.0 * p * tps / peak;
            Console.WriteLine($"| {size} | {p:N0} | TorchSharp 0.107 / libtorch 2.10 | {tps:F0} | {mfu:P1} | {PeakRssMb():F0} | {r.TokensTrained / tps:F1} | {r.TokensTrained / cpuSeconds:F0} (incl. evaluation) |");
            if (peer)
            {
                var py = RunPeer(model, batch, threads, steps, store.ModelVocabularySize);
                if (py is not null)
                {
                    double ptps = py.Value.GetProperty("tokens_per_second").GetDouble();
                    long pp = py.Value.GetProperty("parameters").GetInt64();
                    Console.WriteLine($"| {size} | {pp:N0} | {py.Value.GetProperty("framework").GetString()} | {ptps:F0} | {6.0 * pp * ptps / peak:P1} | {py.Value.GetProperty("peak_rss_mb").GetDouble():F0} | {py.Value.GetProperty("seconds").GetDouble():F1} | {py.Value.GetProperty("tokens_per_cpu_second").GetDouble():F0} |");
                    Console.WriteLine($"ratio TorchSharp/PyTorch ({size}): {tps / ptps:F2}");
                }
            }
        }

        Console.WriteLine($"loadavg after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static JsonElement? RunPeer(ProxyModelOptions m, int batch, int threads, int steps, int vocab)
    {
        string script = Path.Combine(RepoRoot(), "benchmarks", "peers", "torch_proxy.py");
        var psi = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { script, "--layers", $"{m.Layers}", "--dim", $"{m.ModelDimension}", "--heads", $"{m.Heads}", "--ctx", $"{m.ContextLength}", "--batch", $"{batch}", "--vocab", $"{vocab}", "--threads", $"{threads}", "--steps", $"{steps}" })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["OPENBLAS_NUM_THREADS"] = "1"; // torch's own OpenMP pool provides the threads
        using var proc = Process.Start(psi)!;
        string stdout = proc.StandardOutput.ReadToEnd();
        string stderr = proc.StandardError.ReadToEnd();
        proc.WaitForExit();
        if (proc.ExitCode != 0)
        {
            Console.WriteLine($"python peer failed ({proc.ExitCode}): {stderr}");
            return null;
        }

        return JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }

    private static async Task<int> TokenizersAsync(Dictionary<string, string> o)
    {
        int docsPerDomain = int.Parse(o.GetValueOrDefault("docs", "3000"), CultureInfo.InvariantCulture);
        var docs = new[] { "bible", "python", "foldoc", "fortunes", "jargon", "devil" }.SelectMany(d => Docs(d, docsPerDomain)).ToList();
        long chars = docs.Sum(d => (long)d.Text.Length);
        Console.WriteLine($"{docs.Count} documents, {chars / 1e6:F1} M characters");
        Console.WriteLine("| tokenizer | single-thread tokens/s | store build tokens/s (all cores) | tokens | chars/token |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (ITokenizer tok in new ITokenizer[] { ByteTokenizer.Instance, TiktokenTextTokenizer.Cl100kBase(), TiktokenTextTokenizer.O200kBase() })
        {
            var ids = new List<int>();
            tok.Encode(docs[0].Text, ids); // warm-up
            ids.Clear();
            var sw = Stopwatch.StartNew();
            long n = 0;
            foreach (var d in docs)
            {
                ids.Clear();
                tok.Encode(d.Text, ids);
                n += ids.Count;
            }

            double single = n / sw.Elapsed.TotalSeconds;
            string dir = Path.Combine(Path.GetTempPath(), "climb-tok-bench", Guid.NewGuid().ToString("N"));
            sw.Restart();
            using (var store = await TokenizedClusterStore.BuildAsync(dir, tok, 6, Tagged(docs)))
            {
                double build = store.TotalTokens / sw.Elapsed.TotalSeconds;
                Console.WriteLine($"| {tok.Identity} | {single:F0} | {build:F0} | {n:N0} | {(double)chars / n:F2} |");
            }

            Directory.Delete(dir, true);
        }

        Console.WriteLine($"loadavg after: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;
    }

    private static async IAsyncEnumerable<(int, Document)> Tagged(List<Document> docs)
    {
        var domains = new Dictionary<string, int>();
        foreach (var d in docs)
        {
            if (!domains.TryGetValue(d.Source!, out int c))
            {
                domains[d.Source!] = c = domains.Count;
            }

            yield return (c, d);
        }

        await Task.CompletedTask;
    }

    private static double EstimatePeakFlops(int cores, out string how)
    {
        how = EstimateDescription(cores);
        return cores * CpuGhz() * 1e9 * FlopsPerCycle();
    }

    private static string EstimateDescription(int cores) =>
        $"{cores} cores x {CpuGhz():F2} GHz x {FlopsPerCycle()} fp32 FLOP/cycle ({(FlopsPerCycle() == 64 ? "2 x 512-bit FMA" : "2 x 256-bit FMA")})";

    private static double CpuGhz()
    {
        foreach (string line in File.ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith("cpu MHz", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(':')[1], CultureInfo.InvariantCulture) / 1000.0;
            }
        }

        return 2.0;
    }

    // 2 FMA pipes x (512 or 256 bits / 32) lanes x 2 FLOP. AVX-512 parts here (Zen 5, family 26) have full-width FMA.
    private static int FlopsPerCycle() => File.ReadAllText("/proc/cpuinfo").Contains("avx512f", StringComparison.Ordinal) ? 64 : 32;

    private static double PeakRssMb()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        return double.NaN;
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Climb.sln")))
        {
            d = d.Parent;
        }

        return d?.FullName ?? throw new InvalidOperationException("Climb.sln not found");
    }

    private static List<Document> Docs(string domain, int take)
    {
        string path = Path.Combine(RepoRoot(), "data", "sample-corpus", domain + ".jsonl.gz");
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var docs = new List<Document>();
        while (docs.Count < take && reader.ReadLine() is { } line)
        {
            using var j = JsonDocument.Parse(line);
            docs.Add(new Document(j.RootElement.GetProperty("id").GetString()!, j.RootElement.GetProperty("text").GetString()!, domain));
        }

        return docs;
    }

    private static async IAsyncEnumerable<Document> Stream(List<Document> docs)
    {
        foreach (var d in docs)
        {
            yield return d;
        }

        await Task.CompletedTask;
    }
}

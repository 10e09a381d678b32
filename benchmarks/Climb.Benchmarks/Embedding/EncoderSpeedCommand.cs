using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Climb.Benchmarks.Embedding;

/// <summary>
/// Throughput of a packaged sentence encoder on the CPU, and the fraction of the CPU's peak it reaches
/// (<see cref="EncoderCost"/>). Two parts, on the same seeded sample of the sample corpus:
/// <list type="number">
/// <item>the peer: ONNX Runtime alone (pre-tokenized, length-bucketed batches, no pooling), for every graph optimization
/// level × intra-op thread count, so that Climb is compared with the runtime at its best settings;</item>
/// <item>Climb's <see cref="OnnxEmbedder"/> end to end (tokenization, batching, pooling, normalization), texts handed over
/// 512 at a time as <see cref="EmbeddingStore"/> does, for several batch sizes and batch token budgets, and without length
/// bucketing (each call one batch of texts in corpus order, padded to its longest).</item>
/// </list>
/// Usage: <c>-- encoder-speed [--model minilm|arctic-xs] [--docs 1000] [--seed 42] [--corpus data/sample-corpus] [--quick]</c>.
/// </summary>
internal static class EncoderSpeedCommand
{
    private const int Chunk = 512;

    public static async Task<int> RunAsync(string[] args)
    {
        string model = "minilm";
        int docs = 1000;
        int seed = 42;
        bool quick = false;
        string? folder = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = args[++i]; break;
                case "--docs": docs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--corpus": folder = args[++i]; break;
                case "--quick": quick = true; break;
                default: throw new ArgumentException($"unknown argument {args[i]}");
            }
        }

        var corpus = LabeledCorpus.Read(folder ?? Path.Combine(EmbeddingBenchmarks.FindRoot(), "data", "sample-corpus"));
        var texts = corpus.Sample(docs, seed);
        var preset = Preset(model);
        var (peak, formula) = EncoderCost.CpuPeak();
        Console.WriteLine($"encoder-speed {model}: {texts.Count} documents of {corpus.Name} (seed {seed}); {EncoderCost.Cpu()}, {Environment.ProcessorCount} cores; load {Evidence.EvidenceExperiment.LoadAverage()}");
        Console.WriteLine($"peak: {formula}; FLOPs per token at length L: {EncoderCost.FlopsPerToken(0) / 1e6:0.00}M + {EncoderCost.FlopsPerToken(1) - EncoderCost.FlopsPerToken(0):0} L");

        int[][] tokens;
        using (var probe = new OnnxEmbedder(preset()))
        {
            tokens = texts.Select(probe.Tokenize).ToArray();
        }

        long realTokens = tokens.Sum(t => (long)t.Length);
        double usefulFlops = tokens.Sum(t => t.Length * EncoderCost.FlopsPerToken(t.Length));
        Console.WriteLine($"{realTokens:N0} tokens ([CLS] and [SEP] included), {realTokens / (double)texts.Count:0.0} a document, max {preset().MaxTokens}; " +
            $"{usefulFlops / 1e9:0.0} GFLOP without padding");
        Console.WriteLine();
        Console.WriteLine($"per-core peak {peak / Environment.ProcessorCount / 1e9:0.0} GFLOP/s: 'per CPU-s' divides the FLOPs by the CPU time the process got (user + system), which a loaded machine does not shrink");
        Console.WriteLine();
        Console.WriteLine("| run | graph opt | threads | batching | wall s | CPU s | docs/s | tokens/s | padding | GFLOP/s (wall) | % of peak (wall) | GFLOP per CPU-s | % of per-core peak |");
        Console.WriteLine("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");

        byte[] bytes = OnnxModelSource.FromAssembly(preset().ModelAssembly!).ModelBytes!;
        var levels = quick ? new[] { GraphOptimizationLevel.ORT_ENABLE_ALL } : [GraphOptimizationLevel.ORT_DISABLE_ALL, GraphOptimizationLevel.ORT_ENABLE_BASIC, GraphOptimizationLevel.ORT_ENABLE_EXTENDED, GraphOptimizationLevel.ORT_ENABLE_ALL];
        int[] threadCounts = Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];
        foreach (var level in levels)
        {
            foreach (int threads in threadCounts)
            {
                var batches = Bucketed(tokens, 32, tokenBudget: 0);
                var (seconds, cpu) = RawOrt(bytes, level, threads, batches);
                Row("ONNX Runtime alone", level.ToString().Replace("ORT_", "", StringComparison.Ordinal), threads, "bucketed, 32", seconds, cpu, texts.Count, realTokens, batches, peak);
            }
        }

        var settings = new List<(string Name, int BatchSize, int BatchTokens, bool Bucketed)>
        {
            ("bucketed, 32", 32, 0, true),
        };
        if (!quick)
        {
            settings.Add(("bucketed, 8", 8, 0, true));
            settings.Add(("bucketed, 16", 16, 0, true));
            settings.Add(("bucketed, 64", 64, 0, true));
            settings.Add(("bucketed, ≤ 4096 tokens", 256, 4096, true));
            settings.Add(("bucketed, ≤ 8192 tokens", 256, 8192, true));
            settings.Add(("corpus order, 32", 32, 0, false));
        }

        foreach (var (name, batchSize, batchTokens, bucketed) in settings)
        {
            var options = preset();
            options.BatchSize = batchSize;
            options.BatchTokens = batchTokens;
            options.Device = ComputeDevice.Cpu;
            using var embedder = new OnnxEmbedder(options);
            await embedder.EmbedAsync(texts.Take(8).ToList()); // warm-up
            var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            int call = bucketed ? Chunk : batchSize;
            for (int start = 0; start < texts.Count; start += call)
            {
                await embedder.EmbedAsync(texts.Skip(start).Take(call).ToList());
            }

            double seconds = watch.Elapsed.TotalSeconds;
            double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
            var batches = bucketed ? Bucketed(tokens, batchSize, batchTokens) : InOrder(tokens, batchSize);
            Row("Climb OnnxEmbedder", "ENABLE_ALL", Environment.ProcessorCount, name, seconds, cpu, texts.Count, realTokens, batches, peak);
        }

        Console.WriteLine();
        Console.WriteLine($"load at end {Evidence.EvidenceExperiment.LoadAverage()}");
        return 0;
    }

    private static Func<OnnxEmbedderOptions> Preset(string model) => model switch
    {
        "minilm" => OnnxEmbedderOptions.MiniLM,
        "arctic-xs" => OnnxEmbedderOptions.ArcticXs,
        _ => throw new ArgumentException($"--model {model}: minilm or arctic-xs"),
    };

    /// <summary>The batches <see cref="OnnxEmbedder"/> forms: per call of 512 texts, longest first, cut by count and token budget.</summary>
    private static List<int[][]> Bucketed(int[][] tokens, int batchSize, int tokenBudget)
    {
        var batches = new List<int[][]>();
        for (int start = 0; start < tokens.Length; start += Chunk)
        {
            var chunk = tokens.Skip(start).Take(Chunk).Select((t, i) => (t, i)).OrderByDescending(x => x.t.Length).ThenBy(x => x.i).Select(x => x.t).ToList();
            var current = new List<int[]>();
            foreach (var t in chunk)
            {
                int length = current.Count == 0 ? t.Length : current[0].Length;
                if (current.Count == batchSize || (tokenBudget > 0 && current.Count > 0 && (current.Count + 1) * length > tokenBudget))
                {
                    batches.Add([.. current]);
                    current.Clear();
                }

                current.Add(t);
            }

            if (current.Count > 0)
            {
                batches.Add([.. current]);
            }
        }

        return batches;
    }

    private static List<int[][]> InOrder(int[][] tokens, int batchSize) =>
        tokens.Chunk(batchSize).Select(b => b.ToArray()).ToList();

    private static (double Wall, double Cpu) RawOrt(byte[] model, GraphOptimizationLevel level, int threads, List<int[][]> batches)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = threads, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(model, options);
        Run(session, batches[^1]); // warm-up
        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            Run(session, batch);
        }

        return (watch.Elapsed.TotalSeconds, (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds);
    }

    private static void Run(InferenceSession session, int[][] batch)
    {
        int rows = batch.Length;
        int length = batch.Max(t => t.Length);
        long[] shape = [rows, length];
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        for (int r = 0; r < rows; r++)
        {
            for (int t = 0; t < batch[r].Length; t++)
            {
                ids[r * length + t] = batch[r][t];
                mask[r * length + t] = 1;
            }
        }

        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(new long[rows * length], shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["input_ids", "attention_mask", "token_type_ids"], [idsValue, maskValue, typesValue], ["last_hidden_state"]);
    }

    private static void Row(string run, string level, int threads, string batching, double seconds, double cpu, int docs, long realTokens, List<int[][]> batches, double peak)
    {
        long padded = batches.Sum(b => (long)b.Length * b.Max(t => t.Length));
        double executed = batches.Sum(b => EncoderCost.BatchFlops(b.Length, b.Max(t => t.Length)));
        double corePeak = peak / Environment.ProcessorCount;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {run} | {level} | {threads} | {batching} | {seconds:0.0} | {cpu:0.0} | {docs / seconds:0.0} | {realTokens / seconds:0} | {(padded - realTokens) / (double)padded:P1} | {executed / seconds / 1e9:0.0} | {executed / seconds / peak:P1} | {executed / cpu / 1e9:0.0} | {executed / cpu / corePeak:P1} |"));
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Climb.Benchmarks.Prediction;

/// <summary>
/// `regmix-swarm [--data DIR] [--predictors a,b] [--metrics a,b] [--results FILE] [--seed N] [--docs docs/results.md]`: RegMix's published swarm as
/// a predictor benchmark. For every predictor and each of the 13 validation losses, fits on the 512 runs of 1M-parameter
/// models, then reports the Spearman correlation of its predictions with the measured losses of the held-out mixtures
/// trained at 1M (256), 60M (256) and 1B (64) parameters, the cross-validated Spearman it reports itself, and the top-1
/// regret among the 64 1B mixtures (the 1B loss of the mixture it ranks first minus the best 1B loss). Each (predictor,
/// metric) result is appended to a JSON-lines file as it finishes, so an interrupted run resumes; the markdown tables are
/// printed from that file, and with <c>--docs</c> written into its "Published swarms: RegMix" section
/// (<see cref="RegMixSwarmReport"/>).
/// </summary>
internal static class RegMixSwarmBenchmark
{
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The predictors the benchmark knows, in table order.</summary>
    public static readonly string[] AllPredictors = ["ridge", "gp", "lightgbm", "lightgbm-regmix", "loglinear", "auto", "regmix-reference"];

    public static Task<int> RunAsync(string[] args)
    {
        string root = Embedding.EmbeddingBenchmarks.FindRoot();
        string data = Path.Combine(root, "data", "swarms", "regmix");
        string results = Path.Combine(root, "artifacts", "regmix-swarm", "results.jsonl");
        string[] predictors = AllPredictors;
        string[]? metricFilter = null;
        int seed = 42;
        string? docs = null;
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--data": data = Value(); break;
                case "--results": results = Value(); break;
                case "--predictors": predictors = Value().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--metrics": metricFilter = Value().Split(',', StringSplitOptions.RemoveEmptyEntries); break;
                case "--seed": seed = int.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--docs": docs = Value(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}; options: --data --predictors --metrics --results --seed --docs.");
            }
        }

        foreach (string p in predictors.Where(p => !AllPredictors.Contains(p)))
        {
            throw new ArgumentException($"Unknown predictor '{p}'; known: {string.Join(", ", AllPredictors)}.");
        }

        var swarms = RegMixSwarms.Load(data);
        var metrics = swarms.Train.Metrics.Select((m, i) => (Name: m, Index: i))
            .Where(m => metricFilter is null || metricFilter.Any(f => m.Name.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .ToArray();
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(results))!);
        var done = ReadResults(results);
        Console.WriteLine($"cpu: {CpuModel()}  cores: {Environment.ProcessorCount}  load: {File.ReadAllText("/proc/loadavg").Trim()}");
        foreach (string key in predictors)
        {
            foreach (var (name, index) in metrics)
            {
                if (done.Any(r => r.Predictor == key && r.Metric == name && r.Seed == seed))
                {
                    continue;
                }

                var sw = Stopwatch.StartNew();
                var row = key == "auto" && FromCandidates(done, name, seed) is { } derived
                    ? derived
                    : Evaluate(key, swarms, index, seed) with { Seconds = sw.Elapsed.TotalSeconds, Load = LoadAverage() };
                File.AppendAllText(results, JsonSerializer.Serialize(row, Json) + "\n");
                done.Add(row);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{key,-17} {Short(name),-20} cv {row.CrossValidated:F4}  1M {row.Spearman1M:F4}  60M {row.Spearman60M:F4}  1B {row.Spearman1B:F4}  regret {row.Regret1B:F4}  {row.Seconds,7:F1} s  {row.Chosen}"));
            }
        }

        var rows = done.Where(r => r.Seed == seed && predictors.Contains(r.Predictor)).ToList();
        string tables = RegMixSwarmReport.Tables(rows, predictors, metrics.Select(m => m.Name).ToArray());
        Console.WriteLine();
        Console.WriteLine(tables);
        if (docs is not null)
        {
            RegMixSwarmReport.WriteSection(docs, RegMixSwarmReport.Section(rows, tables, CpuModel()));
            Console.WriteLine($"wrote the section \"{RegMixSwarmReport.Heading}\" of {docs}");
        }

        return Task.FromResult(0);
    }

    /// <summary>
    /// Auto's row, read off its default candidates' rows when all three are measured with the same seed: Auto fits each
    /// candidate with its own seed on the same folds and returns the one with the best cross-validated Spearman, so its
    /// predictions are that candidate's own (JournalPredictorTests checks this). Its time is the sum of theirs.
    /// </summary>
    internal static SwarmBenchmarkRow? FromCandidates(IReadOnlyList<SwarmBenchmarkRow> done, string metric, int seed)
    {
        var auto = new AutoMixturePredictor();
        var rows = auto.Candidates.Select(c => done.FirstOrDefault(r => r.Identity == c.Identity && r.Metric == metric && r.Seed == seed)).ToArray();
        if (rows.Any(r => r is null))
        {
            return null;
        }

        var chosen = rows[0]!;
        foreach (var r in rows.Skip(1))
        {
            if (r!.CrossValidated > chosen.CrossValidated)
            {
                chosen = r;
            }
        }

        return chosen with { Predictor = "auto", Identity = auto.Identity, Chosen = Kind(chosen.Identity) + " (from the candidates' rows)", Seconds = rows.Sum(r => r!.Seconds) };
    }

    /// <summary>Fits one predictor on the 1M training runs for one metric and scores it on the three test sets.</summary>
    internal static SwarmBenchmarkRow Evaluate(string key, RegMixSwarms swarms, int metric, int seed)
    {
        var train = RegMixSwarms.Observations(swarms.Train, metric);
        Func<IReadOnlyList<MixtureWeights>, double[]> predict;
        double cv = double.NaN;
        string identity, chosen = string.Empty;
        if (key == "regmix-reference")
        {
            // RegMix's notebook: LightGBM (31 leaves, 20 per leaf, lr 0.01, <= 1000 rounds) early-stopped after 3 rounds on
            // its 1M *test* mixtures. The test set chooses the round count, so its 1M figures are not held out.
            var lgbm = new LightGbmMixturePredictor(LightGbmMixturePredictorOptions.RegMix());
            var test = RegMixSwarms.Observations(swarms.Test1M, metric);
            int k = swarms.Train.Components.Count;
            var all = train.Concat(test).ToArray();
            var x = new float[all.Length * k];
            var y = new double[all.Length];
            for (int i = 0; i < all.Length; i++)
            {
                var w = all[i].Mixture.AsSpan();
                for (int j = 0; j < k; j++)
                {
                    x[(i * k) + j] = (float)w[j];
                }

                y[i] = all[i].Target;
            }

            var model = lgbm.TrainEarlyStoppedOn(x, y, k, Enumerable.Range(0, train.Count).ToArray(), Enumerable.Range(train.Count, test.Count).ToArray(), seed);
            predict = ms => ms.Select(m => model.Predict(m.AsSpan().ToArray().Select(v => (float)v).ToArray())).ToArray();
            identity = "regmix-notebook(" + lgbm.Identity + ",stopped-on-test-1M)";
            chosen = string.Create(CultureInfo.InvariantCulture, $"{model.TreeCount} trees");
        }
        else
        {
            var predictor = Create(key);
            var fitted = predictor.Fit(train, seed);
            cv = fitted.Report.HeldOutSpearman;
            identity = predictor.Identity;
            chosen = fitted.Report.Candidates is { } c ? Kind(c.First(x => x.Chosen).Predictor) : string.Empty;
            predict = ms =>
            {
                var d = new double[ms.Count];
                fitted.Predict(ms, d);
                return d;
            };
        }

        double Rho(MixtureSwarm s)
        {
            var obs = RegMixSwarms.Observations(s, metric);
            return RankStatistics.Spearman(predict(obs.Select(o => o.Mixture).ToArray()), obs.Select(o => o.Target).ToArray());
        }

        var big = RegMixSwarms.Observations(swarms.Test1B, metric);
        var p1b = predict(big.Select(o => o.Mixture).ToArray());
        int pick = Enumerable.Range(0, p1b.Length).MaxBy(i => p1b[i]);
        double bestLoss = big.Max(o => o.Target);
        return new SwarmBenchmarkRow(
            key,
            identity,
            swarms.Train.Metrics[metric],
            seed,
            cv,
            Rho(swarms.Test1M),
            Rho(swarms.Test60M),
            RankStatistics.Spearman(p1b, big.Select(o => o.Target).ToArray()),
            bestLoss - big[pick].Target,
            1 + big.Count(o => o.Target > big[pick].Target),
            chosen,
            0);
    }

    internal static IMixturePredictor Create(string key) => key switch
    {
        "ridge" => new RidgeMixturePredictor(),
        "gp" => new GaussianProcessMixturePredictor(),
        "lightgbm" => new LightGbmMixturePredictor(),
        "lightgbm-regmix" => new LightGbmMixturePredictor(LightGbmMixturePredictorOptions.RegMix()),
        "loglinear" => new LogLinearMixturePredictor(),
        "auto" => new AutoMixturePredictor(),
        _ => throw new ArgumentException($"Unknown predictor '{key}'."),
    };

    internal static string Kind(string identity) => identity.Split('(')[0];

    internal static string Short(string metric) =>
        metric.Replace("metric/the_pile_", string.Empty, StringComparison.Ordinal).Replace("_val_loss", string.Empty, StringComparison.Ordinal);

    private static List<SwarmBenchmarkRow> ReadResults(string path) =>
        File.Exists(path)
            ? File.ReadLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<SwarmBenchmarkRow>(l, Json)!).ToList()
            : [];

    private static double LoadAverage() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static string CpuModel() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}

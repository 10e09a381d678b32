namespace Climb.Tests.Prediction;

/// <summary>Reading swarms trained elsewhere: RegMix's published files, Olmix-shaped files, and every malformed input.</summary>
public class MixtureSwarmTests
{
    private static string RegMix(string name) => Path.Combine(RepoPaths.Root, "data", "swarms", "regmix", name + ".csv");

    private static MixtureSwarm Read(string ratios, string? metrics = null) =>
        MixtureSwarm.Read(new StringReader(ratios), "ratios.csv", metrics is null ? null : new StringReader(metrics), "metrics.csv");

    [Fact]
    public void Reads_RegMix_published_swarm_joined_by_index()
    {
        var s = MixtureSwarm.Load(RegMix("train_mixture_1m"), RegMix("train_pile_loss_1m"));
        Assert.Equal(512, s.Runs.Count);
        Assert.Equal(17, s.Components.Count);
        Assert.Equal(13, s.Metrics.Count);
        Assert.Equal("train_the_pile_arxiv", s.Components[0]);
        Assert.Equal("metric/the_pile_pile_cc_val_loss", s.Metrics[s.IndexOfMetric("pile_cc")]);

        // Run 1: 0.004 philpapers, 0.209 gutenberg, 0.787 pile-cc (sums to 1.000); Pile-CC loss 5.169477939605713.
        var first = s.Runs[0];
        Assert.Equal("1", first.Run);
        Assert.Equal(2, first.Line);
        Assert.Equal(0.787, first.Mixture[s.Components.ToList().IndexOf("train_the_pile_pile_cc")], 12);
        Assert.Equal(5.169477939605713, first.Metrics[s.IndexOfMetric("pile_cc")], 12);
        Assert.All(s.Runs, r => Assert.Equal(1.0, r.Mixture.AsSpan().ToArray().Sum(), 9));
        Assert.All(s.Runs, r => Assert.All(r.Metrics, v => Assert.True(double.IsFinite(v))));

        // The 1B files index from 0 and lack a final newline.
        var big = MixtureSwarm.Load(RegMix("test_mixture_1B"), RegMix("test_pile_loss_1B"));
        Assert.Equal(64, big.Runs.Count);
        Assert.Equal("0", big.Runs[0].Run);
        Assert.Equal(1.773458838, big.Runs[^1].Metrics[0], 12);
    }

    [Fact]
    public void Reads_Olmix_shape_joins_by_run_in_any_order_and_keeps_unmeasured_runs()
    {
        var s = Read(
            "run,name,web,code,math\nr1,first,0.5,0.3,0.2\n\"r,2\",second,0.1,0.1,0.8\nr3,third,0.2,0.2,0.6\r\n",
            "run_id,run,index,loss,acc\nx,r3,0,2.5,0.4\ny,\"r,2\",1,,0.7\n");
        Assert.Equal(new[] { "web", "code", "math" }, s.Components);
        Assert.Equal(new[] { "loss", "acc" }, s.Metrics);
        Assert.Equal(new[] { "r1", "r,2", "r3" }, s.Runs.Select(r => r.Run));
        Assert.All(s.Runs[0].Metrics, v => Assert.True(double.IsNaN(v))); // r1 has no metrics row
        Assert.True(double.IsNaN(s.Runs[1].Metrics[0])); // empty cell: not measured
        Assert.Equal(0.7, s.Runs[1].Metrics[1]);
        Assert.Equal(2.5, s.Runs[2].Metrics[0]);
        Assert.Equal(0.8, s.Runs[1].Mixture[2], 12);
    }

    public static TheoryData<string, string?, string> Malformed => new()
    {
        { "a,b\n0.5,0.5\n", null, "ratios.csv:1: no run column" },
        { "run,a,a\nx,0.5,0.5\n", null, "ratios.csv:1: column 3 ('a') appears twice in the header (first as column 2)" },
        { "run,a\nx,1\n", null, "ratios.csv:1: 1 weight column(s) besides 'run'; at least 2 needed" },
        { "run,a,b\nx,0.5,0.5\ny,0.5\n", null, "ratios.csv:3: 2 fields, but the header has 3 columns" },
        { "run,a,b\nx,0.5,0.5\nx,0.4,0.6\n", null, "ratios.csv:3: column 1 ('run'): run 'x' appears twice (first on line 2)" },
        { "run,a,b\nx,0.5,abc\n", null, "ratios.csv:2: column 3 ('b') is 'abc', not a number" },
        { "run,a,b\nx,0.5,Infinity\n", null, "ratios.csv:2: column 3 ('b') is Infinity; values must be finite" },
        { "run,a,b\nx,-0.5,1.5\n", null, "ratios.csv:2: column 2 ('a') is -0.5; weights must be non-negative" },
        { "run,a,b\nx,0.5,0.3\n", null, "ratios.csv:2: the weights of run 'x' sum to 0.8, not 1" },
        { "run,a,b\nx,0.5,\n", null, "ratios.csv:2: column 3 ('b') is empty" },
        { "run,a,b\n,0.5,0.5\n", null, "ratios.csv:2: column 1 ('run') is empty" },
        { "run,a,b\nx,0.5,0.5\n", "run,loss\ny,2.0\n", "metrics.csv:2: column 1 ('run'): run 'y' is not in ratios.csv" },
        { "run,a,b\nx,0.5,0.5\n", "run,loss\nx,2.0\nx,2.1\n", "metrics.csv:3: column 1 ('run'): run 'x' appears twice (first on line 2)" },
        { "run,a,b\nx,0.5,0.5\n", "run,loss\nx,NaN\n", "metrics.csv:2: column 2 ('loss') is NaN; values must be finite" },
        { "run,a,b\nx,0.5,0.5\n", "name,loss\nx,2\n", "metrics.csv:1: no run column" },
        { "run,a,b\nx,0.5,0.5\n", "run,name\nx,2\n", "metrics.csv:1: 0 metric column(s) besides 'run'" },
        { "run,a,b\n\n\nx,\"0.5,0.5\n", null, "ratios.csv:4: a quoted field is not closed" },
        { string.Empty, null, "ratios.csv: the file is empty" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_input_names_the_file_line_and_column(string ratios, string? metrics, string expected)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Read(ratios, metrics));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Metrics_are_found_by_exact_or_unique_partial_name()
    {
        var s = Read("run,a,b\nx,0.5,0.5\n", "run,val/loss_web,val/loss_code,acc_web\nx,1,2,0.3\n");
        Assert.Equal(1, s.IndexOfMetric("val/loss_code"));
        Assert.Equal(2, s.IndexOfMetric("ACC"));
        Assert.Contains("matches several metric columns", Assert.Throws<ArgumentException>(() => s.IndexOfMetric("web")).Message, StringComparison.Ordinal);
        Assert.Contains("its metrics are: val/loss_web, val/loss_code, acc_web", Assert.Throws<ArgumentException>(() => s.IndexOfMetric("bleu")).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("metric/the_pile_pile_cc_val_loss", ObjectiveGoal.Minimize)]
    [InlineData("eval/perplexity", ObjectiveGoal.Minimize)]
    [InlineData("bits_per_byte", ObjectiveGoal.Minimize)]
    [InlineData("arc_easy/acc_norm", ObjectiveGoal.Maximize)]
    [InlineData("mmlu_f1", ObjectiveGoal.Maximize)]
    [InlineData("humaneval/pass@1", ObjectiveGoal.Maximize)]
    [InlineData("throughput", null)]
    [InlineData("loss_weighted_acc", null)]
    public void The_direction_is_inferred_from_the_name_or_left_undecided(string name, ObjectiveGoal? expected) =>
        Assert.Equal(expected, MixtureSwarm.InferGoal(name));

    [Fact]
    public void Token_counts_are_read_with_errors_naming_line_and_column()
    {
        string dir = Directory.CreateTempSubdirectory("climb-tokens-").FullName;
        try
        {
            string good = Path.Combine(dir, "tokens.csv");
            File.WriteAllText(good, "domain,tokens\nweb,1e9\ncode,250000000\n");
            var counts = MixtureSwarm.LoadTokenCounts(good);
            Assert.Equal(1_000_000_000, counts["web"]);
            Assert.Equal(250_000_000, counts["code"]);

            foreach (var (text, message) in new[]
            {
                ("domain,tokens\nweb,-1\n", "tokens.csv:2: column 2 ('tokens') is '-1'"),
                ("domain,tokens\nweb,1.5\n", "tokens.csv:2: column 2 ('tokens') is '1.5'; token counts are whole, non-negative numbers"),
                ("domain,tokens\nweb,1\nweb,2\n", "tokens.csv:3: column 1 ('domain'): component 'web' appears twice (first on line 2)"),
                ("domain,tokens,x\n", "tokens.csv:1: 3 columns"),
                ("domain,tokens\n", "no component rows"),
            })
            {
                File.WriteAllText(good, text);
                Assert.Contains(message, Assert.Throws<InvalidDataException>(() => MixtureSwarm.LoadTokenCounts(good)).Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

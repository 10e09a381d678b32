using System.Text.RegularExpressions;

namespace Climb.Tests.Reporting;

public class HtmlReportWriterTests
{
    internal static ReportModel SampleModel()
    {
        var rng = new Random(3);
        var rounds = new List<ReportRound>();
        double best = double.MaxValue;
        for (int r = 1; r <= 3; r++)
        {
            var mixtures = new List<IReadOnlyList<double>>();
            var objectives = new List<double>();
            for (int i = 0; i < 8; i++)
            {
                var w = Enumerable.Range(0, 5).Select(_ => rng.NextDouble()).ToArray();
                double s = w.Sum();
                mixtures.Add(w.Select(x => x / s).ToArray());
                objectives.Add(5 - (0.3 * r) + rng.NextDouble());
            }

            best = Math.Min(best, objectives.Min());
            rounds.Add(new ReportRound(r, mixtures, objectives, best));
        }

        return new ReportModel
        {
            Title = "Test <report>",
            Summary = [("documents", "1234"), ("device", "cpu")],
            FineClusterSizes = [50, 40, 30, 20, 10, 5],
            CentroidProjection = [(0, 0), (1, 1), (2, 0.5), (3, 3), (4, 1), (5, 2)],
            CentroidGroups = [0, 0, 1, 2, -1, 3],
            ComponentNames = ["a", "b", "c", "d", "e"],
            Rounds = rounds,
            PredictedVsMeasured = [(1, 1.1), (2, 1.9), (3, 3.2)],
            PredictorSpearman = 1.0,
            FinalWeights = [0.4, 0.3, 0.2, 0.1, 0.0],
            ObjectiveName = "target loss",
        };
    }

    [Fact]
    public void Render_contains_every_plot_and_escapes_text()
    {
        string html = HtmlReportWriter.Render(SampleModel());
        foreach (string id in new[] { "plot-cluster-sizes", "plot-centroids", "plot-weights", "plot-best-per-round", "plot-predicted-measured", "plot-final-weights" })
        {
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        }

        Assert.Contains("Test &lt;report&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<report>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);

        // Heatmap has one cell per (mixture row, component): 3 rounds x 8 mixtures + final row, 5 components.
        var heat = Regex.Match(html, "id=\"plot-weights\".*?</figure>", RegexOptions.Singleline).Value;
        Assert.Equal(((3 * 8) + 1) * 5, Regex.Matches(heat, "<rect class=\"mark\"").Count);
    }

    [Fact]
    public void Heatmap_rows_are_ordered_best_first_for_the_objective_goal()
    {
        var model = SampleModel();
        var round = model.Rounds[0];
        int best = Enumerable.Range(0, round.Objectives.Count).MinBy(i => round.Objectives[i]);
        string html = HtmlReportWriter.Render(model);
        var firstCell = Regex.Match(html, "id=\"plot-weights\".*?<title>round 1 · a: ([0-9.]+)</title>", RegexOptions.Singleline);
        Assert.True(firstCell.Success);
        Assert.Equal(round.Mixtures[best][0].ToString("0.####", System.Globalization.CultureInfo.InvariantCulture), firstCell.Groups[1].Value);
    }

    [Fact]
    public async Task Headless_chromium_renders_all_plots()
    {
        Assert.True(HeadlessChromium.Executable is not null, "chromium is required for this test (.ci/run installs it).");
        string dir = Directory.CreateTempSubdirectory("climb-report-").FullName;
        string path = Path.Combine(dir, "report.html");
        await File.WriteAllTextAsync(path, HtmlReportWriter.Render(SampleModel()));

        string dom = await HeadlessChromium.RunAsync(path, "--dump-dom", TimeSpan.FromSeconds(90));
        var m = Regex.Match(dom, "data-plots-rendered=\"(\\d+)\"");
        Assert.True(m.Success, "the report's load script did not run in chromium");
        Assert.Equal(6, int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }
}

using System.Globalization;
using System.Net;
using System.Text;

namespace Climb;

/// <summary>Writes the report as one self-contained HTML file (inline SVG, no scripts or assets fetched).</summary>
internal static class HtmlReportWriter
{
    public static string Render(ReportModel m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
          .Append(WebUtility.HtmlEncode(m.Title))
          .Append("</title><style>body{font-family:system-ui,sans-serif;margin:24px;max-width:1400px;color:#222}")
          .Append("h1{font-size:22px}h2{font-size:17px;margin-top:28px}table{border-collapse:collapse;font-size:13px}")
          .Append("td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}")
          .Append(".grid{display:flex;flex-wrap:wrap;gap:16px}.plot{margin:0;border:1px solid #eee;padding:4px}")
          .Append("</style></head><body>");
        sb.Append("<h1>").Append(WebUtility.HtmlEncode(m.Title)).Append("</h1><p>Generated ")
          .Append(m.GeneratedAt.ToString("u", CultureInfo.InvariantCulture)).Append("</p>");

        if (m.Summary.Count > 0)
        {
            sb.Append("<table id=\"summary\">");
            foreach (var (name, value) in m.Summary)
            {
                sb.Append("<tr><th>").Append(WebUtility.HtmlEncode(name)).Append("</th><td>").Append(WebUtility.HtmlEncode(value)).Append("</td></tr>");
            }

            sb.Append("</table>");
        }

        sb.Append("<h2>Clusters</h2><div class=\"grid\">");
        var sorted = m.FineClusterSizes.Select(s => (double)s).OrderByDescending(s => s).ToList();
        sb.Append(SvgPlot.Bars("plot-cluster-sizes", "Fine cluster sizes (sorted)", sorted, "cluster (by size)", "documents"));
        var tips = m.CentroidProjection.Select((p, i) =>
            $"cluster {i}: {(i < m.FineClusterSizes.Count ? m.FineClusterSizes[i] : 0)} docs, " +
            (i < m.CentroidGroups.Count && m.CentroidGroups[i] >= 0 && m.CentroidGroups[i] < m.ComponentNames.Count
                ? m.ComponentNames[m.CentroidGroups[i]] : "pruned")).ToList();
        sb.Append(SvgPlot.Scatter(
            "plot-centroids", "Centroids, 2-D PCA projection (colour = super-cluster)", m.CentroidProjection, "PC 1", "PC 2",
            groups: m.CentroidGroups.Count == m.CentroidProjection.Count ? m.CentroidGroups.Select(g => g < 0 ? 7 : g).ToList() : null,
            sizes: m.FineClusterSizes.Count == m.CentroidProjection.Count ? m.FineClusterSizes.Select(s => (double)s).ToList() : null,
            tips: tips));
        sb.Append("</div>");

        sb.Append("<h2>Search</h2><div class=\"grid\">");
        if (m.Rounds.Count > 0 && m.ComponentNames.Count > 0)
        {
            // Figure 8 of the paper: the weights of every mixture sampled in each round.
            var rows = new List<(string Label, IReadOnlyList<double> W)>();
            foreach (var r in m.Rounds)
            {
                var order = Enumerable.Range(0, r.Mixtures.Count)
                    .OrderBy(i => m.Goal == ObjectiveGoal.Minimize ? r.Objectives[i] : -r.Objectives[i]).ToList();
                foreach (int i in order)
                {
                    rows.Add(($"round {r.Index}", r.Mixtures[i]));
                }
            }

            if (m.FinalWeights.Count == m.ComponentNames.Count)
            {
                rows.Add(("final", m.FinalWeights));
            }

            var values = new double[rows.Count, m.ComponentNames.Count];
            for (int i = 0; i < rows.Count; i++)
            {
                for (int c = 0; c < m.ComponentNames.Count && c < rows[i].W.Count; c++)
                {
                    values[i, c] = rows[i].W[c];
                }
            }

            var rowLabels = rows.Select((r, i) => i == 0 || rows[i - 1].Label != r.Label ? r.Label : string.Empty).ToList();
            sb.Append(SvgPlot.Heatmap("plot-weights", "Mixture weights per search round (rows best first)", rowLabels, m.ComponentNames, values, "super-cluster"));
            sb.Append(SvgPlot.Lines(
                "plot-best-per-round", $"Best measured {m.ObjectiveName} per round",
                [("best so far", m.Rounds.Select(r => r.BestObjective).ToList()), ("round mean", m.Rounds.Select(r => r.Objectives.Count == 0 ? double.NaN : r.Objectives.Average()).ToList())],
                "round", m.ObjectiveName));
        }

        if (m.PredictedVsMeasured.Count > 0)
        {
            string rho = m.PredictorSpearman is double s ? s.ToString("0.000", CultureInfo.InvariantCulture) : "n/a";
            sb.Append(SvgPlot.Scatter("plot-predicted-measured", $"Predicted vs measured {m.ObjectiveName} (Spearman ρ = {rho})", m.PredictedVsMeasured.Select(p => (p.Predicted, p.Measured)).ToList(), "predicted", "measured", diagonal: true));
        }

        if (m.FinalWeights.Count > 0)
        {
            sb.Append(SvgPlot.Bars("plot-final-weights", "Final mixture weights", m.FinalWeights, "super-cluster", "weight", m.ComponentNames));
        }

        sb.Append("</div>");
        foreach (var (heading, html) in m.Sections)
        {
            sb.Append("<h2>").Append(WebUtility.HtmlEncode(heading)).Append("</h2>").Append(html);
        }

        // Counts the plots that rendered with marks, so a headless browser (and a person) can check the report.
        sb.Append("<script>window.addEventListener('load',function(){var n=0;document.querySelectorAll('figure.plot').forEach(function(f){var s=f.querySelector('svg');if(s&&s.getBBox().width>0&&f.querySelectorAll('.mark').length>0)n++;});document.body.setAttribute('data-plots-rendered',n);});</script>");
        sb.Append("</body></html>");
        return sb.ToString();
    }
}

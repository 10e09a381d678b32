using System.Globalization;
using System.Text;

namespace Climb;

/// <summary>The HTML tables of the pipeline report: the super-cluster catalogue and the pruning decisions.</summary>
internal static class ReportSections
{
    /// <summary>The catalogue with each super-cluster's weight and, when the dataset was exported, how many passes over its tokens the export made (written ÷ available tokens).</summary>
    public static string Catalogue(SuperClusterCatalogue catalogue, MixtureWeights weights, DatasetExportResult? export = null)
    {
        var sb = new StringBuilder("<table id=\"catalogue\"><tr><th>super-cluster</th><th>weight</th><th>epochs</th><th>documents</th><th>tokens</th><th>quality / ads / info / edu</th><th>top terms (c-TF-IDF)</th><th>samples</th></tr>");
        foreach (var e in catalogue.Entries)
        {
            var written = export?.Components.FirstOrDefault(c => c.Component == e.SuperCluster);
            string epochs = written is { AvailableTokens: > 0 } w ? (w.TokensWritten / (double)w.AvailableTokens).ToString("0.00", CultureInfo.InvariantCulture) + "×" : "-";
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(e.Name)}</td><td>{weights[e.SuperCluster]:0.###}</td><td>{epochs}</td><td>{e.Documents}</td><td>{e.Tokens:N0}</td><td>{string.Join(" / ", e.MeanQuality.Select(q => q.ToString("0.0", CultureInfo.InvariantCulture)))}</td><td>{E(string.Join(", ", e.TopTerms))}</td><td>");
            foreach (var s in e.Samples)
            {
                sb.Append("<div><b>").Append(E(s.Id)).Append("</b> ").Append(E(s.Snippet)).Append("</div>");
            }

            sb.Append("</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    public static string Pruning(PruneOutput pruning)
    {
        var sb = new StringBuilder().Append(CultureInfo.InvariantCulture, $"<p>{pruning.Kept.Length} of {pruning.Clusters.Length} clusters kept.</p><table id=\"pruning\"><tr><th>cluster</th><th>documents</th><th>kept</th><th>mean quality / ads / info / edu</th><th>reason</th></tr>");
        foreach (var r in pruning.Clusters.OrderBy(r => r.Kept).ThenBy(r => r.ClusterId))
        {
            var m = r.MeanScores;
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{r.ClusterId}</td><td>{r.Size}</td><td>{(r.Kept ? "yes" : "no")}</td><td>{m.Quality:0.0} / {m.Advertisement:0.0} / {m.InformationalValue:0.0} / {m.EducationalValue:0.0}</td><td>{E(r.Reasons)}</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    private static string E(string s) => System.Net.WebUtility.HtmlEncode(s);
}

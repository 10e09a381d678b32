using System.Globalization;
using System.Net;
using System.Text;

namespace Climb;

/// <summary>Small, dependency-free SVG chart primitives for the self-contained HTML report.</summary>
internal static class SvgPlot
{
    private const int Width = 640;
    private const int Height = 360;
    private const int Left = 64;
    private const int Right = 20;
    private const int Top = 36;
    private const int Bottom = 52;

    private static readonly string[] Palette =
    [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    ];

    public static string Color(int i) => Palette[((i % Palette.Length) + Palette.Length) % Palette.Length];

    private static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    public static string Bars(string id, string title, IReadOnlyList<double> values, string xLabel, string yLabel, IReadOnlyList<string>? labels = null)
    {
        var sb = Begin(id, title, "bars");
        double max = values.Count == 0 ? 1 : Math.Max(values.Max(), 1e-12);
        Axes(sb, 0, Math.Max(1, values.Count), 0, max, xLabel, yLabel, xTicks: false);
        double pw = Width - Left - Right, ph = Height - Top - Bottom;
        double bw = values.Count == 0 ? 0 : pw / values.Count;
        for (int i = 0; i < values.Count; i++)
        {
            double h = values[i] / max * ph;
            string tip = (labels is null ? $"#{i}" : labels[i]) + ": " + values[i].ToString("G6", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"mark\" x=\"{F(Left + (i * bw) + (bw * 0.1))}\" y=\"{F(Top + ph - h)}\" width=\"{F(Math.Max(bw * 0.8, 0.5))}\" height=\"{F(h)}\" fill=\"{Color(0)}\"><title>{E(tip)}</title></rect>");
        }

        return End(sb);
    }

    public static string Scatter(
        string id, string title, IReadOnlyList<(double X, double Y)> points, string xLabel, string yLabel,
        IReadOnlyList<int>? groups = null, IReadOnlyList<double>? sizes = null, IReadOnlyList<string>? tips = null, bool diagonal = false)
    {
        var sb = Begin(id, title, "scatter");
        if (points.Count == 0)
        {
            Axes(sb, 0, 1, 0, 1, xLabel, yLabel);
            return End(sb);
        }

        double x0 = points.Min(p => p.X), x1 = points.Max(p => p.X), y0 = points.Min(p => p.Y), y1 = points.Max(p => p.Y);
        if (diagonal)
        {
            x0 = y0 = Math.Min(x0, y0);
            x1 = y1 = Math.Max(x1, y1);
        }

        Pad(ref x0, ref x1);
        Pad(ref y0, ref y1);
        Axes(sb, x0, x1, y0, y1, xLabel, yLabel);
        if (diagonal)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{F(X(x0, x0, x1))}\" y1=\"{F(Y(y0, y0, y1))}\" x2=\"{F(X(x1, x0, x1))}\" y2=\"{F(Y(y1, y0, y1))}\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>");
        }

        double smax = sizes is null || sizes.Count == 0 ? 1 : Math.Max(sizes.Max(), 1e-12);
        for (int i = 0; i < points.Count; i++)
        {
            double r = sizes is null ? 3.5 : 2.5 + (9 * Math.Sqrt(sizes[i] / smax));
            string fill = Color(groups is null ? 0 : groups[i]);
            string tip = tips is null ? $"({F(points[i].X)}, {F(points[i].Y)})" : tips[i];
            sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"mark\" cx=\"{F(X(points[i].X, x0, x1))}\" cy=\"{F(Y(points[i].Y, y0, y1))}\" r=\"{F(r)}\" fill=\"{fill}\" fill-opacity=\"0.75\" stroke=\"#333\" stroke-width=\"0.4\"><title>{E(tip)}</title></circle>");
        }

        return End(sb);
    }

    public static string Lines(string id, string title, IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string xLabel, string yLabel, int firstX = 1)
    {
        var sb = Begin(id, title, "lines");
        var all = series.SelectMany(s => s.Values).Where(double.IsFinite).ToList();
        int n = series.Count == 0 ? 1 : Math.Max(1, series.Max(s => s.Values.Count));
        double y0 = all.Count == 0 ? 0 : all.Min(), y1 = all.Count == 0 ? 1 : all.Max();
        Pad(ref y0, ref y1);
        double x0 = firstX, x1 = firstX + Math.Max(1, n - 1);
        Axes(sb, x0, x1, y0, y1, xLabel, yLabel, integerX: true);
        for (int s = 0; s < series.Count; s++)
        {
            var v = series[s].Values;
            var pts = new StringBuilder();
            for (int i = 0; i < v.Count; i++)
            {
                pts.Append(CultureInfo.InvariantCulture, $"{F(X(firstX + i, x0, x1))},{F(Y(v[i], y0, y1))} ");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{Color(s)}\" stroke-width=\"2\" points=\"{pts}\"/>");
            for (int i = 0; i < v.Count; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"<circle class=\"mark\" cx=\"{F(X(firstX + i, x0, x1))}\" cy=\"{F(Y(v[i], y0, y1))}\" r=\"4\" fill=\"{Color(s)}\"><title>{E(series[s].Name)} @ {firstX + i}: {v[i].ToString("G6", CultureInfo.InvariantCulture)}</title></circle>");
            }

            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width - Right - 150}\" y=\"{Top + 14 + (s * 16)}\" font-size=\"12\" fill=\"{Color(s)}\">■ {E(series[s].Name)}</text>");
        }

        return End(sb);
    }

    /// <summary>A heatmap: rows × columns of values in [0, max], darker = larger.</summary>
    public static string Heatmap(string id, string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, double[,] values, string caption)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var sb = Begin(id, title, "heatmap");
        double max = 1e-12;
        foreach (double v in values)
        {
            max = Math.Max(max, v);
        }

        double pw = Width - Left - Right - 40, ph = Height - Top - Bottom;
        double cw = cols == 0 ? 0 : pw / cols, rh = rows == 0 ? 0 : ph / rows;
        for (int r = 0; r < rows; r++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left - 6}\" y=\"{F(Top + (r * rh) + (rh / 2) + 4)}\" font-size=\"11\" text-anchor=\"end\">{E(rowLabels[r])}</text>");
            for (int c = 0; c < cols; c++)
            {
                double t = values[r, c] / max;
                int shade = (int)Math.Round(255 - (t * 215));
                string fill = string.Create(CultureInfo.InvariantCulture, $"rgb({shade},{Math.Min(255, shade + 20)},255)");
                sb.Append(CultureInfo.InvariantCulture, $"<rect class=\"mark\" x=\"{F(Left + (c * cw))}\" y=\"{F(Top + (r * rh))}\" width=\"{F(cw)}\" height=\"{F(rh)}\" fill=\"{fill}\" stroke=\"#fff\" stroke-width=\"0.5\"><title>{E(rowLabels[r])} · {E(columnLabels[c])}: {values[r, c].ToString("0.####", CultureInfo.InvariantCulture)}</title></rect>");
            }
        }

        int step = Math.Max(1, (int)Math.Ceiling(cols / 24.0));
        for (int c = 0; c < cols; c += step)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(Left + (c * cw) + (cw / 2))}\" y=\"{Top + ph + 14}\" font-size=\"10\" text-anchor=\"middle\">{E(ShortLabel(columnLabels[c]))}</text>");
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + (pw / 2)}\" y=\"{Height - 10}\" font-size=\"12\" text-anchor=\"middle\">{E(caption)}</text>");
        return End(sb);
    }

    /// <summary>"3: foo bar" → "3" (the full name stays in the tooltip).</summary>
    private static string ShortLabel(string label)
    {
        int colon = label.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? label[..colon] : label.Length > 8 ? label[..8] : label;
    }

    private static void Pad(ref double lo, ref double hi)
    {
        if (!(hi > lo))
        {
            lo -= 0.5;
            hi += 0.5;
            return;
        }

        double p = (hi - lo) * 0.05;
        lo -= p;
        hi += p;
    }

    private static double X(double v, double x0, double x1) => Left + ((v - x0) / (x1 - x0) * (Width - Left - Right));

    private static double Y(double v, double y0, double y1) => Top + ((1 - ((v - y0) / (y1 - y0))) * (Height - Top - Bottom));

    private static StringBuilder Begin(string id, string title, string kind)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<figure class=\"plot\" id=\"{E(id)}\" data-kind=\"{kind}\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {Width} {Height}\" width=\"{Width}\" height=\"{Height}\" font-family=\"system-ui,sans-serif\">");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" font-size=\"15\" font-weight=\"600\" text-anchor=\"middle\">{E(title)}</text>");
        return sb;
    }

    private static string End(StringBuilder sb) => sb.Append("</svg></figure>").ToString();

    private static void Axes(StringBuilder sb, double x0, double x1, double y0, double y1, string xLabel, string yLabel, bool xTicks = true, bool integerX = false)
    {
        int pb = Height - Bottom;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left}\" y1=\"{pb}\" x2=\"{Width - Right}\" y2=\"{pb}\" stroke=\"#333\"/><line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{pb}\" stroke=\"#333\"/>");
        for (int i = 0; i <= 4; i++)
        {
            double yv = y0 + ((y1 - y0) * i / 4);
            double yy = Y(yv, y0, y1);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Left - 4}\" y1=\"{F(yy)}\" x2=\"{Width - Right}\" y2=\"{F(yy)}\" stroke=\"#eee\"/><text x=\"{Left - 6}\" y=\"{F(yy + 4)}\" font-size=\"10\" text-anchor=\"end\">{yv.ToString("G4", CultureInfo.InvariantCulture)}</text>");
            if (xTicks)
            {
                double xv = x0 + ((x1 - x0) * i / 4);
                if (integerX && Math.Abs(xv - Math.Round(xv)) > 1e-9)
                {
                    continue;
                }

                double xx = X(xv, x0, x1);
                sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(xx)}\" y=\"{pb + 14}\" font-size=\"10\" text-anchor=\"middle\">{xv.ToString("G4", CultureInfo.InvariantCulture)}</text>");
            }
        }

        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{Left + ((Width - Left - Right) / 2)}\" y=\"{Height - 12}\" font-size=\"12\" text-anchor=\"middle\">{E(xLabel)}</text>");
        sb.Append(CultureInfo.InvariantCulture, $"<text transform=\"translate(16,{Top + ((Height - Top - Bottom) / 2)}) rotate(-90)\" font-size=\"12\" text-anchor=\"middle\">{E(yLabel)}</text>");
    }
}

using System.Globalization;

namespace Climb;

/// <summary>
/// A proxy swarm measured anywhere: the mixture of every run (a ratios file) and what each run measured (a metrics file),
/// read from the CSV shapes users already have. Both files carry an id column (<c>run</c>, <c>run_id</c> or <c>index</c>,
/// the first found) and join on it; the ratios file has one column per component (domain) and the metrics file one column
/// per metric. Columns named <c>name</c>, <c>index</c>, <c>run</c> or <c>run_id</c> besides the id, and unnamed columns, are
/// metadata and skipped (Olmix's rule). RegMix's published files (<c>data/swarms/regmix</c>) and Olmix's
/// <c>ratios.csv</c>/<c>metrics.csv</c> are both this shape.
/// </summary>
/// <remarks>
/// A row's weights must be finite, non-negative and sum to 1 within 0.01 (published weights are rounded); they are
/// normalised to sum to 1. A metric cell may be empty (not measured: NaN), but not unparseable or non-finite. Every
/// problem (a missing id column, a duplicate run or column, a run in the metrics file that the ratios file does not have,
/// a bad value, a row with the wrong number of fields) throws <see cref="InvalidDataException"/> naming the file, the
/// 1-based line and the column. A run of the ratios file with no metrics row is kept, with NaN metrics.
/// </remarks>
internal sealed class MixtureSwarm
{
    private static readonly string[] IdColumns = ["run", "run_id", "index"];
    private static readonly string[] MetadataColumns = ["run", "run_id", "name", "index"];

    private MixtureSwarm(string ratiosSource, string? metricsSource, string[] components, string[] metrics, MixtureSwarmRun[] runs)
    {
        RatiosSource = ratiosSource;
        MetricsSource = metricsSource;
        Components = components;
        Metrics = metrics;
        Runs = runs;
    }

    /// <summary>Gets the name (or path) of the ratios file.</summary>
    public string RatiosSource { get; }

    /// <summary>Gets the name (or path) of the metrics file, or <see langword="null"/> when only mixtures were read.</summary>
    public string? MetricsSource { get; }

    /// <summary>Gets the component (domain) names: the ratios file's weight columns, in file order.</summary>
    public IReadOnlyList<string> Components { get; }

    /// <summary>Gets the metric names: the metrics file's value columns, in file order (empty when only mixtures were read).</summary>
    public IReadOnlyList<string> Metrics { get; }

    /// <summary>Gets the runs, in the ratios file's order.</summary>
    public IReadOnlyList<MixtureSwarmRun> Runs { get; }

    /// <summary>Reads a swarm from a ratios file and, optionally, a metrics file.</summary>
    /// <param name="ratiosPath">The ratios CSV: an id column and one weight column per component.</param>
    /// <param name="metricsPath">The metrics CSV: an id column and one column per metric; <see langword="null"/> reads mixtures only (a candidate list).</param>
    /// <returns>The swarm.</returns>
    /// <exception cref="InvalidDataException">A file is malformed; the message names the file, the line and the column.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    public static MixtureSwarm Load(string ratiosPath, string? metricsPath = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(ratiosPath);
        using var ratios = new StreamReader(ratiosPath);
        if (metricsPath is null)
        {
            return Read(ratios, ratiosPath);
        }

        using var metrics = new StreamReader(metricsPath);
        return Read(ratios, ratiosPath, metrics, metricsPath);
    }

    /// <summary>Reads a swarm from text.</summary>
    /// <param name="ratios">The ratios CSV text.</param>
    /// <param name="ratiosSource">The ratios file's name, for messages.</param>
    /// <param name="metrics">The metrics CSV text, or <see langword="null"/> to read mixtures only.</param>
    /// <param name="metricsSource">The metrics file's name, for messages.</param>
    /// <returns>The swarm.</returns>
    /// <exception cref="InvalidDataException">The text is malformed; the message names the file, the line and the column.</exception>
    public static MixtureSwarm Read(TextReader ratios, string ratiosSource, TextReader? metrics = null, string? metricsSource = null)
    {
        ArgumentNullException.ThrowIfNull(ratios);
        ArgumentNullException.ThrowIfNull(ratiosSource);
        var (components, positions, idColumn, rows) = ReadTable(new SwarmCsvReader(ratios, ratiosSource), "weight", 2);
        var byRun = new Dictionary<string, int>(StringComparer.Ordinal);
        var mixtures = new MixtureWeights[rows.Count];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            if (byRun.TryGetValue(row.Run, out int first))
            {
                throw new InvalidDataException($"{ratiosSource}:{row.Line}: {idColumn}: run '{row.Run}' appears twice (first on line {rows[first].Line}).");
            }

            byRun[row.Run] = r;
            double sum = 0;
            for (int j = 0; j < components.Length; j++)
            {
                double w = row.Values[j];
                if (double.IsNaN(w))
                {
                    throw new InvalidDataException($"{ratiosSource}:{row.Line}: {Column(positions[j], components[j])} is empty; every run needs every weight.");
                }

                if (w < 0)
                {
                    throw new InvalidDataException($"{ratiosSource}:{row.Line}: {Column(positions[j], components[j])} is {Format(w)}; weights must be non-negative.");
                }

                sum += w;
            }

            if (Math.Abs(sum - 1) > 0.01)
            {
                throw new InvalidDataException($"{ratiosSource}:{row.Line}: the weights of run '{row.Run}' sum to {Format(sum)}, not 1 (within 0.01).");
            }

            mixtures[r] = MixtureWeights.Normalize(row.Values);
        }

        string[] metricNames = [];
        var values = new double[rows.Count][];
        if (metrics is not null)
        {
            string source = metricsSource ?? "metrics";
            (metricNames, _, string metricId, var metricRows) = ReadTable(new SwarmCsvReader(metrics, source), "metric", 1);
            for (int r = 0; r < values.Length; r++)
            {
                values[r] = Enumerable.Repeat(double.NaN, metricNames.Length).ToArray();
            }

            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var row in metricRows)
            {
                if (seen.TryGetValue(row.Run, out int firstLine))
                {
                    throw new InvalidDataException($"{source}:{row.Line}: {metricId}: run '{row.Run}' appears twice (first on line {firstLine}).");
                }

                seen[row.Run] = row.Line;
                if (!byRun.TryGetValue(row.Run, out int r))
                {
                    throw new InvalidDataException($"{source}:{row.Line}: {metricId}: run '{row.Run}' is not in {ratiosSource}, so its mixture is unknown.");
                }

                values[r] = row.Values;
            }
        }
        else
        {
            for (int r = 0; r < values.Length; r++)
            {
                values[r] = [];
            }
        }

        var runs = rows.Select((row, r) => new MixtureSwarmRun(row.Run, row.Line, mixtures[r], values[r])).ToArray();
        return new MixtureSwarm(ratiosSource, metrics is null ? null : metricsSource ?? "metrics", components, metricNames, runs);
    }

    /// <summary>
    /// Reads the tokens each component holds from a CSV file with a header and two columns: the component's name and its
    /// token count (for example <c>domain,tokens</c>). Used as the prior of <see cref="SwarmFitter"/> and for its feasibility bounds.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <returns>Tokens by component name.</returns>
    /// <exception cref="InvalidDataException">The file is malformed (not two columns, a duplicate name, a count that is not a whole non-negative number); the message names the file, the line and the column.</exception>
    public static Dictionary<string, long> LoadTokenCounts(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path);
        var csv = new SwarmCsvReader(reader, path);
        var header = csv.Next() ?? throw new InvalidDataException($"{path}: the file is empty; it needs a header line (for example 'domain,tokens').");
        if (header.Fields.Count != 2)
        {
            throw new InvalidDataException($"{path}:{header.Line}: {header.Fields.Count} columns; a token-count file has two: the component's name and its tokens.");
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        while (csv.Next() is { } record)
        {
            var f = record.Fields;
            if (f.Count != 2)
            {
                throw new InvalidDataException($"{path}:{record.Line}: {f.Count} fields, but the header has 2 columns.");
            }

            if (f[0].Length == 0)
            {
                throw new InvalidDataException($"{path}:{record.Line}: {Column(0, header.Fields[0])} is empty; every row names a component.");
            }

            if (lines.TryGetValue(f[0], out int first))
            {
                throw new InvalidDataException($"{path}:{record.Line}: {Column(0, header.Fields[0])}: component '{f[0]}' appears twice (first on line {first}).");
            }

            if (!double.TryParse(f[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double tokens) || !(tokens >= 0) || tokens >= 9.2e18 || tokens != Math.Floor(tokens))
            {
                throw new InvalidDataException($"{path}:{record.Line}: {Column(1, header.Fields[1])} is '{f[1]}'; token counts are whole, non-negative numbers.");
            }

            lines[f[0]] = record.Line;
            counts[f[0]] = (long)tokens;
        }

        return counts.Count > 0 ? counts : throw new InvalidDataException($"{path}: no component rows after the header.");
    }

    /// <summary>
    /// Finds a metric by name: the exact column name, or else the one column whose name contains
    /// <paramref name="name"/> (ignoring case), so <c>pile_cc</c> finds <c>metric/the_pile_pile_cc_val_loss</c>.
    /// </summary>
    /// <param name="name">The name or a distinctive part of it.</param>
    /// <returns>The metric's index in <see cref="Metrics"/>.</returns>
    /// <exception cref="ArgumentException">No column, or several, match; the message lists the metrics.</exception>
    public int IndexOfMetric(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        for (int i = 0; i < Metrics.Count; i++)
        {
            if (string.Equals(Metrics[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        var matches = Enumerable.Range(0, Metrics.Count).Where(i => Metrics[i].Contains(name, StringComparison.OrdinalIgnoreCase)).ToArray();
        return matches.Length switch
        {
            1 => matches[0],
            0 => throw new ArgumentException($"{MetricsSource ?? RatiosSource} has no metric column '{name}'; its metrics are: {string.Join(", ", Metrics)}.", nameof(name)),
            _ => throw new ArgumentException($"'{name}' matches several metric columns of {MetricsSource}: {string.Join(", ", matches.Select(i => Metrics[i]))}; give the full name.", nameof(name)),
        };
    }

    /// <summary>
    /// Infers whether smaller or larger values of a metric are better from its name: losses, perplexities, bits per byte
    /// and error rates are minimised; accuracies, F1, exact match, BLEU, ROUGE and pass@k are maximised.
    /// </summary>
    /// <param name="metric">The metric's name.</param>
    /// <returns>The goal, or <see langword="null"/> when the name says nothing (or both).</returns>
    public static ObjectiveGoal? InferGoal(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        string m = metric.ToLowerInvariant();
        string[] lower = ["loss", "perplexity", "ppl", "bpb", "bits_per_byte", "bits-per-byte", "nll", "cross_entropy", "error", "err_rate", "wer", "cer"];
        string[] higher = ["acc", "f1", "exact_match", "bleu", "rouge", "pass@", "pass_at", "score", "win_rate", "mcc"];
        bool min = lower.Any(m.Contains), max = higher.Any(m.Contains);
        return min == max ? null : min ? ObjectiveGoal.Minimize : ObjectiveGoal.Maximize;
    }

    private static (string[] Columns, int[] Positions, string IdColumn, List<(string Run, int Line, double[] Values)> Rows) ReadTable(SwarmCsvReader csv, string what, int minimumColumns)
    {
        string source = csv.Source;
        var header = csv.Next() ?? throw new InvalidDataException($"{source}: the file is empty; it needs a header line.");
        var names = header.Fields;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            if (names[j].Length > 0 && !seen.TryAdd(names[j], j))
            {
                throw new InvalidDataException($"{source}:{header.Line}: {Column(j, names[j])} appears twice in the header (first as column {seen[names[j]] + 1}).");
            }
        }

        int id = -1;
        foreach (string candidate in IdColumns)
        {
            id = names.IndexOf(candidate);
            if (id >= 0)
            {
                break;
            }
        }

        if (id < 0)
        {
            throw new InvalidDataException($"{source}:{header.Line}: no run column: the header needs one of {string.Join(", ", IdColumns.Select(c => "'" + c + "'"))}.");
        }

        var data = Enumerable.Range(0, names.Count)
            .Where(j => j != id && names[j].Length > 0 && !MetadataColumns.Contains(names[j]) && !names[j].StartsWith("Unnamed", StringComparison.Ordinal))
            .ToArray();
        if (data.Length < minimumColumns)
        {
            throw new InvalidDataException($"{source}:{header.Line}: {data.Length} {what} column(s) besides '{names[id]}'; at least {minimumColumns} needed.");
        }

        var rows = new List<(string, int, double[])>();
        while (csv.Next() is { } record)
        {
            var f = record.Fields;
            if (f.Count != names.Count)
            {
                throw new InvalidDataException($"{source}:{record.Line}: {f.Count} fields, but the header has {names.Count} columns.");
            }

            string run = f[id];
            if (run.Length == 0)
            {
                throw new InvalidDataException($"{source}:{record.Line}: {Column(id, names[id])} is empty; every row needs a run id.");
            }

            var v = new double[data.Length];
            for (int j = 0; j < data.Length; j++)
            {
                string cell = f[data[j]];
                if (cell.Length == 0)
                {
                    v[j] = double.NaN;
                    continue;
                }

                if (!double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out double x))
                {
                    throw new InvalidDataException($"{source}:{record.Line}: {Column(data[j], names[data[j]])} is '{cell}', not a number.");
                }

                if (!double.IsFinite(x))
                {
                    throw new InvalidDataException($"{source}:{record.Line}: {Column(data[j], names[data[j]])} is {cell}; values must be finite.");
                }

                v[j] = x;
            }

            rows.Add((run, record.Line, v));
        }

        return (data.Select(j => names[j]).ToArray(), data, Column(id, names[id]), rows);
    }

    /// <summary>A column as messages name it: its 1-based position and its header name.</summary>
    private static string Column(int index, string name) => name.Length > 0
        ? string.Create(CultureInfo.InvariantCulture, $"column {index + 1} ('{name}')")
        : string.Create(CultureInfo.InvariantCulture, $"column {index + 1}");

    private static string Format(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}

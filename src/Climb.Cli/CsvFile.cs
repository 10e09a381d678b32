using System.Globalization;
using System.Text;

namespace Climb.Cli;

/// <summary>A small RFC 4180 reader and writer for the ask/tell files: a header row, quoted fields ("" escapes a quote,
/// quoted fields may hold commas and line breaks), line numbers as a text editor counts them.</summary>
internal static class CsvFile
{
    /// <summary>One data row: the line it starts on and its cells.</summary>
    public sealed record Row(int Line, string[] Cells);

    /// <summary>Reads a CSV file: its header and rows. Blank lines are skipped.</summary>
    /// <exception cref="UserError">A quote is not closed, or the file has no header.</exception>
    public static (string[] Header, List<Row> Rows) Read(string path)
    {
        string text = File.ReadAllText(path);
        var records = new List<Row>();
        var cells = new List<string>();
        var cell = new StringBuilder();
        int line = 1, start = 1;
        bool quoted = false, any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    line += c == '\n' ? 1 : 0;
                    cell.Append(c);
                }

                continue;
            }

            switch (c)
            {
                case '"' when cell.Length == 0:
                    quoted = any = true;
                    break;
                case ',':
                    cells.Add(cell.ToString());
                    cell.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    line++;
                    start = line;
                    break;
                default:
                    cell.Append(c);
                    any = true;
                    break;
            }
        }

        if (quoted)
        {
            throw new UserError($"{path} line {start}: a quoted field is not closed.");
        }

        EndRecord();
        if (records.Count == 0)
        {
            throw new UserError($"{path}: the file is empty; it needs a header row.");
        }

        var header = records[0].Cells.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
        return (header, records.Skip(1).ToList());

        void EndRecord()
        {
            if (any || cell.Length > 0)
            {
                cells.Add(cell.ToString());
                if (!(cells.Count == 1 && string.IsNullOrWhiteSpace(cells[0])))
                {
                    records.Add(new Row(start, cells.ToArray()));
                }
            }

            cells.Clear();
            cell.Clear();
            any = false;
        }
    }

    /// <summary>Quotes a field when it needs it.</summary>
    public static string Field(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) >= 0 || value != value.Trim() ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    /// <summary>A number as the files write it (invariant culture, round-trippable).</summary>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

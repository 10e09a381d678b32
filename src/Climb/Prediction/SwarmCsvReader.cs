using System.Text;

namespace Climb;

/// <summary>
/// Reads a comma-separated file record by record (RFC 4180: double quotes around a field may hold commas, quotes doubled,
/// and line breaks), keeping the 1-based line each record starts on so errors can name it. A missing final newline, CRLF
/// line ends and a UTF-8 byte-order mark are accepted; blank lines are skipped; unquoted fields are trimmed.
/// </summary>
internal sealed class SwarmCsvReader(TextReader reader, string source)
{
    private int _line = 1;

    public string Source => source;

    /// <summary>Reads the next non-blank record and the line it starts on; <see langword="null"/> at the end of the file.</summary>
    public (List<string> Fields, int Line)? Next()
    {
        while (ReadRecord() is { } record)
        {
            if (record.Fields.Count > 1 || record.Fields[0].Length > 0 || record.Quoted)
            {
                return (record.Fields, record.Line);
            }
        }

        return null;
    }

    private (List<string> Fields, int Line, bool Quoted)? ReadRecord()
    {
        int start = _line;
        var fields = new List<string>();
        var field = new StringBuilder();
        bool inQuotes = false, wasQuoted = false, anyQuoted = false, any = false;
        while (true)
        {
            int c = reader.Read();
            if (c < 0)
            {
                if (inQuotes)
                {
                    throw new InvalidDataException($"{source}:{start}: a quoted field is not closed before the end of the file.");
                }

                if (!any)
                {
                    return null;
                }

                fields.Add(Finish(field, wasQuoted));
                return (fields, start, anyQuoted);
            }

            any = true;
            if (inQuotes)
            {
                if (c == '"' && reader.Peek() == '"')
                {
                    reader.Read();
                    field.Append('"');
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    _line += c == '\n' ? 1 : 0;
                    field.Append((char)c);
                }

                continue;
            }

            if (c == '"' && field.Length == 0 && !wasQuoted)
            {
                inQuotes = wasQuoted = anyQuoted = true;
            }
            else if (c == ',')
            {
                fields.Add(Finish(field, wasQuoted));
                field.Clear();
                wasQuoted = false;
            }
            else if (c == '\r' && reader.Peek() == '\n')
            {
                // The '\n' that follows ends the record.
            }
            else if (c is '\n' or '\r')
            {
                _line++;
                fields.Add(Finish(field, wasQuoted));
                return (fields, start, anyQuoted);
            }
            else if (!(c == '\uFEFF' && start == 1 && fields.Count == 0 && field.Length == 0))
            {
                field.Append((char)c);
            }
        }
    }

    private static string Finish(StringBuilder field, bool wasQuoted) => wasQuoted ? field.ToString() : field.ToString().Trim();
}

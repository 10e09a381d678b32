using System.Globalization;
using System.Text;

namespace Climb;

/// <summary>
/// The command template of a <see cref="CommandProxyTrainer"/>, parsed once: literal text (the user's own) and
/// placeholders, each replaced by a file path or a number in POSIX single quotes. Nothing else is ever put on the command
/// line: super-cluster names and every other text that comes from the corpus go only into the JSON files the paths name.
/// </summary>
/// <remarks>
/// Rules: <c>{mixture}</c>, <c>{data}</c>, <c>{output}</c> and <c>{seed}</c> are placeholders; <c>{mixture}</c> and
/// <c>{output}</c> must appear. A placeholder must stand outside quotes (its value is quoted already, and quotes around it
/// would become part of the value). Outside quotes, <c>{{</c> and <c>}}</c> are literal braces and an unknown
/// <c>{name}</c> is an error (a typo would otherwise reach the trainer as text); inside quotes every brace is literal text
/// (an awk or JSON snippet); <c>${NAME}</c> is left to the shell.
/// </remarks>
internal sealed class CommandProxyTemplate
{
    /// <summary>The placeholder of the mixture file.</summary>
    public const string Mixture = "mixture";

    /// <summary>The placeholder of the data folder.</summary>
    public const string Data = "data";

    /// <summary>The placeholder of the result file.</summary>
    public const string Output = "output";

    /// <summary>The placeholder of the seed.</summary>
    public const string Seed = "seed";

    private static readonly string[] Known = [Mixture, Data, Output, Seed];

    private readonly List<(string? Literal, string? Placeholder)> _parts;

    private CommandProxyTemplate(List<(string?, string?)> parts) => _parts = parts;

    /// <summary>Parses a template.</summary>
    /// <exception cref="ArgumentException">The template breaks a rule; the message lists every problem with its column.</exception>
    public static CommandProxyTemplate Parse(string template)
    {
        var (parts, problems) = Scan(template);
        return problems.Count == 0
            ? new CommandProxyTemplate(parts)
            : throw new ArgumentException($"Invalid proxy command template: {string.Join(" ", problems)}", nameof(template));
    }

    /// <summary>Returns every problem of a template (empty when it is valid).</summary>
    public static IReadOnlyList<string> Problems(string template) => Scan(template).Problems;

    /// <summary>Quotes a value for a POSIX shell: inside single quotes nothing is special, and a single quote is written as <c>'\''</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Expands the template: each placeholder becomes its value, quoted.</summary>
    /// <param name="mixture">The mixture file's path.</param>
    /// <param name="data">The data folder's path.</param>
    /// <param name="output">The result file's path.</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The command line for <c>sh -c</c>.</returns>
    public string Expand(string mixture, string data, string output, int seed)
    {
        var sb = new StringBuilder();
        foreach (var (literal, placeholder) in _parts)
        {
            sb.Append(placeholder switch
            {
                null => literal,
                Mixture => Quote(mixture),
                Data => Quote(data),
                Output => Quote(output),
                _ => Quote(seed.ToString(CultureInfo.InvariantCulture)),
            });
        }

        return sb.ToString();
    }

    private static (List<(string?, string?)> Parts, List<string> Problems) Scan(string template)
    {
        var parts = new List<(string?, string?)>();
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(template))
        {
            problems.Add("the command is empty.");
            return (parts, problems);
        }

        var literal = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        char quote = '\0';
        int quoteStart = -1;
        int i = 0;
        while (i < template.Length)
        {
            char c = template[i];
            if (quote == '\0' && c is '{' or '}' && i + 1 < template.Length && template[i + 1] == c)
            {
                literal.Append(c);
                i += 2;
                continue;
            }

            if (c == '{' && Identifier(template, i) is { } name)
            {
                int end = i + name.Length + 2;
                if (i > 0 && template[i - 1] == '$')
                {
                    literal.Append(template, i, end - i); // ${NAME}: the shell's
                }
                else if (Known.Contains(name, StringComparer.Ordinal))
                {
                    if (quote != '\0')
                    {
                        problems.Add($"{{{name}}} at column {i + 1} is inside {(quote == '\'' ? "single" : "double")} quotes; Climb quotes every value itself, so remove the quotes around it.");
                    }
                    else
                    {
                        if (literal.Length > 0)
                        {
                            parts.Add((literal.ToString(), null));
                            literal.Clear();
                        }

                        parts.Add((null, name));
                        seen.Add(name);
                    }
                }
                else if (quote == '\0')
                {
                    problems.Add($"unknown placeholder {{{name}}} at column {i + 1} (the placeholders are {{mixture}}, {{data}}, {{output}} and {{seed}}; write {{{{ and }}}} for literal braces).");
                }
                else
                {
                    literal.Append(template, i, end - i);
                }

                i = end;
                continue;
            }

            if (c == '\\' && quote != '\'' && i + 1 < template.Length)
            {
                literal.Append(c).Append(template[i + 1]); // an escaped character is never a quote or a placeholder
                i += 2;
                continue;
            }

            if (quote == '\0' && c is '\'' or '"')
            {
                quote = c;
                quoteStart = i;
            }
            else if (quote != '\0' && c == quote)
            {
                quote = '\0';
            }

            literal.Append(c);
            i++;
        }

        if (quote != '\0')
        {
            problems.Add($"the {(quote == '\'' ? "single" : "double")} quote at column {quoteStart + 1} is never closed.");
        }

        foreach (string required in new[] { Mixture, Output })
        {
            if (!seen.Contains(required))
            {
                problems.Add($"{{{required}}} must appear (outside quotes): the trainer {(required == Mixture ? "reads the mixture from that file" : "writes its result to that file")}.");
            }
        }

        if (literal.Length > 0)
        {
            parts.Add((literal.ToString(), null));
        }

        return (parts, problems);
    }

    /// <summary>Returns the identifier in braces at <paramref name="start"/> (<c>{name}</c>, ASCII letters, digits and '_', not starting with a digit), or null.</summary>
    private static string? Identifier(string text, int start)
    {
        int j = start + 1;
        if (j >= text.Length || !(char.IsAsciiLetter(text[j]) || text[j] == '_'))
        {
            return null;
        }

        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
        {
            j++;
        }

        return j < text.Length && text[j] == '}' ? text[(start + 1)..j] : null;
    }
}

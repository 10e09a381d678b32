using System.Globalization;
using System.Text.Json;

namespace Climb;

/// <summary>
/// Reads evaluation targets from files: <c>TextTarget.FromJsonl</c>, <c>MultipleChoiceTarget.LoadPiqa</c>,
/// <c>LoadArc</c> and <c>LoadHellaSwag</c>. The targets are types of Climb.Abstractions; reading their files (plain, gzip or
/// zstd JSON lines, every problem named as <c>file:line</c>) needs the Climb package, so the readers are static extension
/// members that read as members of the target types.
/// </summary>
public static class EvaluationTargetFiles
{
    extension(TextTarget)
    {
        /// <summary>Reads texts from a JSON-lines file (gzip when the name ends in .gz), one object per line.</summary>
        /// <param name="name">The target name.</param>
        /// <param name="path">The file.</param>
        /// <param name="field">The string field holding the text.</param>
        /// <param name="weight">The weight in the objective.</param>
        /// <param name="maxDocuments">Reads at most this many lines (null = all).</param>
        /// <returns>The target.</returns>
        public static TextTarget FromJsonl(string name, string path, string field = "text", double weight = 1.0, int? maxDocuments = null)
        {
            var texts = new List<string>();
            foreach (var (line, root) in JsonLines.ReadObjects(path))
            {
                if (maxDocuments is { } m && texts.Count >= m)
                {
                    break;
                }

                texts.Add(JsonLines.String(root, field, path, line));
            }

            return new TextTarget(name, texts, weight);
        }
    }

    extension(MultipleChoiceTarget)
    {
        /// <summary>Loads PIQA: JSON lines with goal, sol1, sol2 and a labels file with 0 or 1 per line. Context "Question: {goal}\nAnswer:".</summary>
        /// <param name="jsonlPath">valid.jsonl.</param>
        /// <param name="labelsPath">valid-labels.lst.</param>
        /// <param name="name">The target name.</param>
        /// <param name="weight">The weight in the objective.</param>
        /// <param name="maxItems">Loads at most this many items (null = all).</param>
        /// <returns>The target.</returns>
        public static MultipleChoiceTarget LoadPiqa(string jsonlPath, string labelsPath, string name = "piqa", double weight = 1.0, int? maxItems = null)
        {
            ArgumentNullException.ThrowIfNull(labelsPath);
            if (!File.Exists(labelsPath))
            {
                throw new FileNotFoundException($"{labelsPath}: PIQA labels file not found.", labelsPath);
            }

            string[] labels = File.ReadAllLines(labelsPath);
            var items = new List<MultipleChoiceItem>();
            foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
            {
                if (maxItems is { } m && items.Count >= m)
                {
                    break;
                }

                if (line > labels.Length)
                {
                    throw new InvalidDataException($"{labelsPath}: has {labels.Length} labels but {jsonlPath} has more items (line {line}).");
                }

                string lab = labels[line - 1].Trim();
                if (lab is not ("0" or "1"))
                {
                    throw new InvalidDataException($"{labelsPath}:{line}: label '{lab}' is not 0 or 1.");
                }

                string goal = JsonLines.String(root, "goal", jsonlPath, line);
                items.Add(new MultipleChoiceItem(
                    $"Question: {goal}\nAnswer:",
                    [JsonLines.String(root, "sol1", jsonlPath, line), JsonLines.String(root, "sol2", jsonlPath, line)],
                    lab == "0" ? 0 : 1));
            }

            return new MultipleChoiceTarget(name, items, weight);
        }

        /// <summary>
        /// Loads ARC (Easy or Challenge) JSON lines: question (a string, or an object with "stem" and "choices"),
        /// choices ({"text": [...], "label": [...]} or a list of {"text","label"}), answerKey. Context "Question: {question}\nAnswer:".
        /// </summary>
        /// <param name="jsonlPath">The file.</param>
        /// <param name="name">The target name.</param>
        /// <param name="weight">The weight in the objective.</param>
        /// <param name="maxItems">Loads at most this many items (null = all).</param>
        /// <returns>The target.</returns>
        public static MultipleChoiceTarget LoadArc(string jsonlPath, string name = "arc_easy", double weight = 1.0, int? maxItems = null)
        {
            var items = new List<MultipleChoiceItem>();
            foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
            {
                if (maxItems is { } m && items.Count >= m)
                {
                    break;
                }

                var q = JsonLines.Get(root, "question", jsonlPath, line);
                string question;
                JsonElement choices;
                if (q.ValueKind == JsonValueKind.Object)
                {
                    question = JsonLines.String(q, "stem", jsonlPath, line);
                    choices = JsonLines.Get(q, "choices", jsonlPath, line);
                }
                else
                {
                    question = JsonLines.String(root, "question", jsonlPath, line);
                    choices = JsonLines.Get(root, "choices", jsonlPath, line);
                }

                var texts = new List<string>();
                var labels = new List<string>();
                if (choices.ValueKind == JsonValueKind.Object)
                {
                    foreach (var t in JsonLines.Get(choices, "text", jsonlPath, line).EnumerateArray())
                    {
                        texts.Add(t.GetString() ?? string.Empty);
                    }

                    foreach (var l in JsonLines.Get(choices, "label", jsonlPath, line).EnumerateArray())
                    {
                        labels.Add(l.GetString() ?? string.Empty);
                    }
                }
                else if (choices.ValueKind == JsonValueKind.Array)
                {
                    foreach (var c in choices.EnumerateArray())
                    {
                        texts.Add(JsonLines.String(c, "text", jsonlPath, line));
                        labels.Add(JsonLines.String(c, "label", jsonlPath, line));
                    }
                }
                else
                {
                    throw new InvalidDataException($"{jsonlPath}:{line}: 'choices' must be an object or an array.");
                }

                string key = JsonLines.String(root, "answerKey", jsonlPath, line);
                int label = labels.IndexOf(key);
                if (label < 0 || texts.Count != labels.Count)
                {
                    throw new InvalidDataException($"{jsonlPath}:{line}: answerKey '{key}' is not among the choice labels [{string.Join(",", labels)}].");
                }

                items.Add(new MultipleChoiceItem($"Question: {question}\nAnswer:", texts, label));
            }

            return new MultipleChoiceTarget(name, items, weight);
        }

        /// <summary>
        /// Loads HellaSwag JSON lines: ctx (or ctx_a and ctx_b), endings, label, optional activity_label; preprocessed as
        /// lm-evaluation-harness does (context "{activity_label}: {ctx}", "[title]" to ". ", bracketed tags removed).
        /// </summary>
        /// <param name="jsonlPath">The file.</param>
        /// <param name="name">The target name.</param>
        /// <param name="weight">The weight in the objective.</param>
        /// <param name="maxItems">Loads at most this many items (null = all).</param>
        /// <returns>The target.</returns>
        public static MultipleChoiceTarget LoadHellaSwag(string jsonlPath, string name = "hellaswag", double weight = 1.0, int? maxItems = null)
        {
            var items = new List<MultipleChoiceItem>();
            foreach (var (line, root) in JsonLines.ReadObjects(jsonlPath))
            {
                if (maxItems is { } m && items.Count >= m)
                {
                    break;
                }

                string ctx;
                if (root.TryGetProperty("ctx_a", out var a) && root.TryGetProperty("ctx_b", out var b))
                {
                    string cb = b.GetString() ?? string.Empty;
                    ctx = (a.GetString() ?? string.Empty) + " " + (cb.Length > 0 ? char.ToUpperInvariant(cb[0]) + cb[1..] : cb);
                }
                else
                {
                    ctx = JsonLines.String(root, "ctx", jsonlPath, line);
                }

                if (root.TryGetProperty("activity_label", out var act) && act.ValueKind == JsonValueKind.String)
                {
                    ctx = act.GetString() + ": " + ctx;
                }

                var endings = JsonLines.Get(root, "endings", jsonlPath, line);
                if (endings.ValueKind != JsonValueKind.Array)
                {
                    throw new InvalidDataException($"{jsonlPath}:{line}: 'endings' must be an array.");
                }

                var choices = endings.EnumerateArray().Select(e => HellaSwagPreprocess(e.GetString() ?? string.Empty)).ToList();
                var lab = JsonLines.Get(root, "label", jsonlPath, line);
                int label = lab.ValueKind == JsonValueKind.Number ? lab.GetInt32()
                    : int.TryParse(lab.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int l) ? l
                    : throw new InvalidDataException($"{jsonlPath}:{line}: 'label' is not an integer.");
                if ((uint)label >= (uint)choices.Count)
                {
                    throw new InvalidDataException($"{jsonlPath}:{line}: label {label} is outside the {choices.Count} endings.");
                }

                items.Add(new MultipleChoiceItem(HellaSwagPreprocess(ctx), choices, label));
            }

            return new MultipleChoiceTarget(name, items, weight);
        }
    }

    /// <summary>lm-evaluation-harness's HellaSwag preprocessing: " [title]" to ". ", bracketed tags removed.</summary>
    private static string HellaSwagPreprocess(string text)
    {
        text = text.Trim().Replace(" [title]", ". ", StringComparison.Ordinal);
        text = System.Text.RegularExpressions.Regex.Replace(text, "\\[.*?\\]", string.Empty);
        return text.Replace("  ", " ", StringComparison.Ordinal);
    }
}

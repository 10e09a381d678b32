using System.Text.Json;
using System.Text.RegularExpressions;

namespace Climb.Tests.Quality;

/// <summary>The default LLM rubric follows the structure of the CLIMB paper's annotation prompt (appendix A.8).</summary>
public sealed partial class AnnotationRubricTests
{
    private static Dictionary<string, string> Sections(string rubric)
    {
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        string? current = null;
        var body = new List<string>();
        foreach (var line in rubric.Split('\n'))
        {
            if (line.StartsWith("## ", StringComparison.Ordinal) || line.StartsWith("### ", StringComparison.Ordinal))
            {
                if (current is not null)
                {
                    sections[current] = string.Join('\n', body);
                }

                current = line.TrimStart('#').Trim();
                body.Clear();
            }
            else
            {
                body.Add(line);
            }
        }

        if (current is not null)
        {
            sections[current] = string.Join('\n', body);
        }

        return sections;
    }

    [Fact]
    public void Default_rubric_has_the_four_criteria_with_five_additive_conditions_each()
    {
        Assert.Equal(LlmQualityAnnotator.AdditiveRubric, LlmQualityAnnotator.DefaultRubric);
        Assert.Equal(LlmQualityAnnotator.DefaultRubric, new LlmQualityAnnotatorOptions().Rubric);
        var sections = Sections(LlmQualityAnnotator.DefaultRubric);
        Assert.Equal(["Task", "Scale", "Criteria", "quality", "advertisement", "informational_value", "educational_value", "Answer format"], sections.Keys);
        Assert.Contains("starts at 0", sections["Task"], StringComparison.Ordinal);
        Assert.Equal(6, ScaleLine().Matches(sections["Scale"]).Count);
        foreach (var key in LlmQualityAnnotator.AnswerKeys)
        {
            var conditions = sections[key].Split('\n').Count(l => l.TrimStart().StartsWith("- +1 ", StringComparison.Ordinal));
            Assert.Equal(5, conditions);
        }
    }

    [Fact]
    public void Answer_format_is_a_json_object_with_the_four_keys_the_parser_reads()
    {
        var format = Sections(LlmQualityAnnotator.DefaultRubric)["Answer format"];
        var template = format[format.IndexOf('{', StringComparison.Ordinal)..(format.LastIndexOf('}') + 1)];
        var json = Placeholder().Replace(template, "3");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(LlmQualityAnnotator.AnswerKeys, doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.True(LlmQualityAnnotator.TryParseAnswer(json, out var scores, out _));
        Assert.Equal(new QualityScores(3, 3, 3, 3), scores);
    }

    [Fact]
    public void The_absolute_anchor_rubric_stays_available()
    {
        Assert.NotEqual(LlmQualityAnnotator.AbsoluteRubric, LlmQualityAnnotator.DefaultRubric);
        foreach (var key in LlmQualityAnnotator.AnswerKeys)
        {
            Assert.Contains(key, LlmQualityAnnotator.AbsoluteRubric, StringComparison.Ordinal);
        }

        Assert.Contains("0 = unreadable garbage", LlmQualityAnnotator.AbsoluteRubric, StringComparison.Ordinal);
        var options = new LlmQualityAnnotatorOptions { Rubric = LlmQualityAnnotator.AbsoluteRubric };
        Assert.Same(LlmQualityAnnotator.AbsoluteRubric, options.Rubric);
    }

    [GeneratedRegex(@"^- \d: ", RegexOptions.Multiline)]
    private static partial Regex ScaleLine();

    [GeneratedRegex(@"<integer 0-5>")]
    private static partial Regex Placeholder();
}

using System.Globalization;
using System.Text.RegularExpressions;

namespace Climb.Tests.Corpus;

public sealed partial class SampleCorpusTests
{
    private static readonly string[] Domains = ["bible", "devil", "foldoc", "fortunes", "jargon", "python"];

    [Fact]
    public async Task The_committed_sample_corpus_loads_with_the_counts_its_readme_states()
    {
        var expected = ReadmeCounts();
        Assert.Equal(Domains, expected.Keys.Order());

        var reader = CorpusReader.OpenSampleCorpus(RepoPaths.SampleCorpus);
        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        var byDomain = documents.GroupBy(d => d.Source!).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(Domains, byDomain.Keys.Order());
        foreach (var (domain, (count, characters)) in expected)
        {
            var docs = byDomain[domain];
            Assert.Equal(count, docs.Count);
            // The README counts Unicode code points (Python's len); a strict UTF-8 reader must give the same text.
            Assert.Equal(characters, docs.Sum(d => (long)d.Text.EnumerateRunes().Count()));
            Assert.True(docs.Count >= 900, $"{domain} has only {docs.Count} documents");
        }

        Assert.All(documents, d => Assert.False(string.IsNullOrWhiteSpace(d.Text), d.Id));
        Assert.All(documents, d => Assert.StartsWith(d.Source + "-", d.Id, StringComparison.Ordinal));
        Assert.Equal(documents.Count, documents.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(documents.Count, reader.Statistics.DocumentsRead);
        Assert.Equal(0, reader.Statistics.SkippedEmpty + reader.Statistics.SkippedInvalid);
        Assert.Equal(6, reader.Statistics.Files.Count);
        Assert.All(byDomain["fortunes"], d => Assert.False(string.IsNullOrEmpty(d.Metadata!["topic"])));
        Assert.Contains(byDomain["bible"], d => d.Metadata!["title"] == "Genesis 1:1-5" || d.Metadata!["topic"] == "Genesis");
    }

    [Fact]
    public void The_sample_corpus_is_found_from_the_test_folder_and_stays_small()
    {
        var found = CorpusReader.FindSampleCorpus(AppContext.BaseDirectory);
        Assert.Equal(Path.GetFullPath(RepoPaths.SampleCorpus), found);

        var bytes = Directory.EnumerateFiles(RepoPaths.SampleCorpus, "*.jsonl.gz").Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1_000_000, 10_000_000);
        Assert.True(File.Exists(Path.Combine(RepoPaths.SampleCorpus, "LICENSE.md")));
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "scripts", "build-sample-corpus.py")));
    }

    private static Dictionary<string, (int Count, long Characters)> ReadmeCounts()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.SampleCorpus, "README.md"));
        return CountRow().Matches(readme).ToDictionary(
            m => m.Groups["domain"].Value,
            m => (int.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups["chars"].Value, CultureInfo.InvariantCulture)));
    }

    [GeneratedRegex(@"^\| (?<domain>[a-z]+) \| (?<count>\d+) \| \d+ \| (?<chars>\d+) \| \d+ \|", RegexOptions.Multiline)]
    private static partial Regex CountRow();
}

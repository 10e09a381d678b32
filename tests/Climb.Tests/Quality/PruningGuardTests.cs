namespace Climb.Tests.Quality;

/// <summary>Pruning reports what it removes per language and per source and raises guards before a domain is lost.</summary>
public sealed class PruningGuardTests
{
    private static readonly QualityScores Good = new(4.5f, 5, 3, 2, LanguageCode.Parse("fr"));
    private static readonly QualityScores Bad = new(1, 5, 0.5f, 0.2f, LanguageCode.English);

    // Cluster 0: 30 good French documents from source A; cluster 1: 30 poor English ones from source B;
    // cluster 2: 10 good English ones from source B.
    private static (int[] Assignments, QualityScores[] Scores, Document[] Documents) Corpus()
    {
        var assignments = new List<int>();
        var scores = new List<QualityScores>();
        var documents = new List<Document>();
        void Add(int cluster, QualityScores s, string source, int count)
        {
            for (var i = 0; i < count; i++)
            {
                assignments.Add(cluster);
                scores.Add(s);
                documents.Add(new Document($"{source}-{cluster}-{i}", "text", source));
            }
        }

        Add(0, Good, "a.jsonl", 30);
        Add(1, Bad, "b.jsonl", 30);
        Add(2, Good with { Language = LanguageCode.English }, "b.jsonl", 10);
        return ([.. assignments], [.. scores], [.. documents]);
    }

    [Fact]
    public void The_result_lists_kept_and_dropped_documents_per_language_and_source()
    {
        var (assignments, scores, documents) = Corpus();
        var result = new ClusterPruner().Prune(assignments, scores, documents, 3);
        Assert.Equal([0, 2], result.KeptClusterIds);
        Assert.Equal(new PruningGroupStatistics("en", 10, 30), result.ByLanguage.Single(g => g.Name == "en"));
        Assert.Equal(new PruningGroupStatistics("fr", 30, 0), result.ByLanguage.Single(g => g.Name == "fr"));
        Assert.Equal(new PruningGroupStatistics("b.jsonl", 10, 30), result.BySource.Single(g => g.Name == "b.jsonl"));
        Assert.Equal(0.75, result.BySource.Single(g => g.Name == "b.jsonl").DroppedFraction, 6);
        Assert.Empty(result.GuardWarnings); // 30 of 70 overall (43%), 75% of English and of b.jsonl: under both guards

        // Sources alone (what a streaming pipeline keeps) give the same breakdown.
        var fromSources = new ClusterPruner().Prune(assignments, scores, null, 3, [.. documents.Select(d => d.Source)]);
        Assert.Equal(result.BySource, fromSources.BySource);

        var md = result.ToMarkdown();
        Assert.Contains("| en | 40 | 10 | 30 | 75.0 % |", md, StringComparison.Ordinal);
        Assert.Contains("\"bySource\"", result.ToJson(), StringComparison.Ordinal);
    }

    [Fact]
    public void Guards_warn_when_too_much_of_a_language_a_source_or_the_corpus_is_dropped()
    {
        var (assignments, scores, documents) = Corpus();
        var options = ClusterPrunerOptions.Default();
        options.MaxDroppedFraction = 0.4;
        options.MaxDroppedFractionPerGroup = 0.7;
        var result = new ClusterPruner(options).Prune(assignments, scores, documents, 3);
        Assert.Contains(result.GuardWarnings, w => w.Scope == "all" && w.Message.Contains("MaxDroppedFraction", StringComparison.Ordinal));
        Assert.Contains(result.GuardWarnings, w => w.Scope == "language" && w.Name == "en");
        Assert.Contains(result.GuardWarnings, w => w.Scope == "source" && w.Name == "b.jsonl");
        Assert.DoesNotContain(result.GuardWarnings, w => w.Name is "fr" or "a.jsonl");
        Assert.Contains("Warning:", result.ToMarkdown(), StringComparison.Ordinal);

        // Small groups are reported but do not trigger a guard.
        options.MinGroupSizeForGuard = 50;
        Assert.DoesNotContain(new ClusterPruner(options).Prune(assignments, scores, documents, 3).GuardWarnings, w => w.Scope != "all");
    }

    [Fact]
    public void A_guard_can_be_made_an_error_that_still_carries_the_report()
    {
        var (assignments, scores, documents) = Corpus();
        var options = ClusterPrunerOptions.Default();
        options.MaxDroppedFractionPerGroup = 0.5;
        options.GuardViolationIsError = true;
        var ex = Assert.Throws<PruningGuardException>(() => new ClusterPruner(options).Prune(assignments, scores, documents, 3));
        Assert.Contains("language 'en'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(30, ex.Result.DroppedDocuments);
    }

    [Fact]
    public void Default_guards_are_the_documented_ones_and_invalid_limits_are_rejected()
    {
        var options = ClusterPrunerOptions.Default();
        Assert.Equal(0.5, options.MaxDroppedFraction);
        Assert.Equal(0.8, options.MaxDroppedFractionPerGroup);
        Assert.False(options.GuardViolationIsError);
        Assert.Null(options.EducationalValue.Threshold);
        Assert.Equal(1.0f, options.InformationalValue.Threshold);
        Assert.Throws<System.ComponentModel.DataAnnotations.ValidationException>(() => new ClusterPruner(new ClusterPrunerOptions { MaxDroppedFractionPerGroup = 1.5 }));
    }
}

using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Climb;

/// <summary>Stage 3: scores every document on the four quality criteria. Owns <c>scores.f32</c> (one
/// <see cref="QualityScores"/> per document, in corpus order) and <c>sources.json</c> (each document's source, for the
/// pruning report's per-source breakdown).</summary>
internal sealed class ScoreStage(ClimbCorpus corpus, EmbedStage embed, IQualityScorer scorer) : PipelineStage(embed)
{
    private const string ScoresFile = "scores.f32";
    private const string SourcesFile = "sources.json";
    private const int BatchSize = 1024;
    private QualityScores[]? _scores;
    private string?[]? _sources;

    /// <summary>Gets one score set per document, in corpus order.</summary>
    public QualityScores[] Scores => Ready(_scores, Name);

    /// <summary>Gets each document's source (<see cref="Document.Source"/>), in corpus order.</summary>
    public string?[] Sources => Ready(_sources, Name);

    protected override string OwnFingerprint() => Climb.Fingerprint.Of("score/v4", scorer.Identity);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        if (scorer is RuleBasedQualityScorer rules)
        {
            // Paid once per process, reported on its own line (the scoring's throughput does not include it).
            var loading = Stopwatch.GetTimestamp();
            rules.LoadModels();
            context.Report(Name, $"language models loaded in {Stopwatch.GetElapsedTime(loading).TotalSeconds:0.00} s");
        }

        var ids = embed.Store.ReadDocumentIds();
        long n = ids.Count;
        var scores = new QualityScores[n];
        var sources = new string?[n];
        var batch = new List<string>(BatchSize);
        long index = 0, start = 0;

        // One batch is scored (on every core) while the next one is read, so reading the corpus overlaps scoring.
        Task? scoring = null;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo? failure = null;
        try
        {
            await foreach (var doc in corpus.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (index >= n || !string.Equals(ids[(int)index], doc.Id, StringComparison.Ordinal))
                {
                    throw new InvalidDataException(
                        $"The corpus changed since it was embedded: document {index} is '{doc.Id}' but the embedding store has '{(index < n ? ids[(int)index] : "<end>")}'. Delete {context.Root} or use another artifacts folder.");
                }

                batch.Add(doc.Text);
                sources[index] = doc.Source;
                index++;
                if (batch.Count == BatchSize)
                {
                    await (scoring ?? Task.CompletedTask).ConfigureAwait(false);
                    scoring = ScoreBatchAsync(batch, start);
                    start += batch.Count;
                    batch = new List<string>(BatchSize);
                }
            }
        }
        catch (Exception ex)
        {
            failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex);
        }

        if (scoring is not null)
        {
            try
            {
                await scoring.ConfigureAwait(false);
            }
            catch when (failure is not null)
            {
                // Reading failed first: that is the error to report.
            }
        }

        failure?.Throw();
        if (batch.Count > 0)
        {
            await ScoreBatchAsync(batch, start).ConfigureAwait(false);
        }

        if (index != n)
        {
            throw new InvalidDataException($"The corpus changed since it was embedded: it has {index} documents, the embedding store {n}.");
        }

        AtomicFile.Write(Path.Combine(folder, ScoresFile), MemoryMarshal.AsBytes(scores.AsSpan()));
        await AtomicFile.WriteAllTextAsync(Path.Combine(folder, SourcesFile), System.Text.Json.JsonSerializer.Serialize(sources), cancellationToken).ConfigureAwait(false);
        _scores = scores;
        _sources = sources;
        return new Dictionary<string, double>
        {
            ["mean_quality"] = scores.Average(s => s.Quality),
            ["mean_advertisement"] = scores.Average(s => s.Advertisement),
            ["mean_informational_value"] = scores.Average(s => s.InformationalValue),
            ["mean_educational_value"] = scores.Average(s => s.EducationalValue),
        };

        async Task ScoreBatchAsync(List<string> texts, long offset)
        {
            var s = await scorer.ScoreAsync(texts, cancellationToken).ConfigureAwait(false);
            if (s.Count != texts.Count)
            {
                throw new InvalidOperationException($"The quality scorer ({scorer.Identity}) returned {s.Count} scores for {texts.Count} texts.");
            }

            for (int i = 0; i < s.Count; i++)
            {
                scores[offset + i] = s[i];
            }

            context.Report(Name, "scoring", offset + texts.Count, n);
        }
    }

    public override void Load(StageContext context, string folder)
    {
        var scores = MemoryMarshal.Cast<byte, QualityScores>(File.ReadAllBytes(Path.Combine(folder, ScoresFile))).ToArray();
        if (scores.Length != embed.Store.RowCount)
        {
            throw new InvalidDataException($"{folder}/{ScoresFile} holds {scores.Length} score sets for {embed.Store.RowCount} documents.");
        }

        var sources = System.Text.Json.JsonSerializer.Deserialize<string?[]>(File.ReadAllText(Path.Combine(folder, SourcesFile)));
        if (sources is null || sources.Length != scores.Length)
        {
            throw new InvalidDataException($"{folder}/{SourcesFile} does not hold one source per document.");
        }

        _scores = scores;
        _sources = sources;
    }
}

using System.Runtime.InteropServices;

namespace Climb;

/// <summary>Stage 3: scores every document on the four quality criteria. Owns <c>scores.f32</c> (four floats per
/// document, in corpus order).</summary>
internal sealed class ScoreStage(ClimbCorpus corpus, EmbedStage embed, IQualityScorer scorer) : PipelineStage
{
    private const string ScoresFile = "scores.f32";
    private const int BatchSize = 1024;
    private QualityScores[]? _scores;

    public override string Name => "score";

    public override IReadOnlyList<PipelineStage> Upstream => [embed];

    /// <summary>Gets one score set per document, in corpus order.</summary>
    public QualityScores[] Scores => Ready(_scores, Name);

    protected override string ComputeFingerprint() => Climb.Fingerprint.Of("score/v2", embed.Fingerprint, scorer.Identity);

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        var ids = embed.Store.ReadDocumentIds();
        long n = ids.Count;
        var scores = new QualityScores[n];
        var batch = new List<string>(BatchSize);
        long index = 0, start = 0;
        await foreach (var doc in corpus.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (index >= n || !string.Equals(ids[(int)index], doc.Id, StringComparison.Ordinal))
            {
                throw new InvalidDataException(
                    $"The corpus changed since it was embedded: document {index} is '{doc.Id}' but the embedding store has '{(index < n ? ids[(int)index] : "<end>")}'. Delete {context.Root} or use another artifacts folder.");
            }

            batch.Add(doc.Text);
            index++;
            if (batch.Count == BatchSize)
            {
                await FlushAsync().ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
        if (index != n)
        {
            throw new InvalidDataException($"The corpus changed since it was embedded: it has {index} documents, the embedding store {n}.");
        }

        AtomicFile.Write(Path.Combine(folder, ScoresFile), MemoryMarshal.AsBytes(scores.AsSpan()));
        _scores = scores;
        return new Dictionary<string, double>
        {
            ["mean_quality"] = scores.Average(s => s.Quality),
            ["mean_advertisement"] = scores.Average(s => s.Advertisement),
            ["mean_informational_value"] = scores.Average(s => s.InformationalValue),
            ["mean_educational_value"] = scores.Average(s => s.EducationalValue),
        };

        async Task FlushAsync()
        {
            if (batch.Count == 0)
            {
                return;
            }

            var s = await scorer.ScoreAsync(batch, cancellationToken).ConfigureAwait(false);
            if (s.Count != batch.Count)
            {
                throw new InvalidOperationException($"The quality scorer ({scorer.Identity}) returned {s.Count} scores for {batch.Count} texts.");
            }

            for (int i = 0; i < s.Count; i++)
            {
                scores[start + i] = s[i];
            }

            start += batch.Count;
            context.Report(Name, "scoring", start, n);
            batch.Clear();
        }
    }

    public override void Load(StageContext context, string folder)
    {
        var scores = MemoryMarshal.Cast<byte, QualityScores>(File.ReadAllBytes(Path.Combine(folder, ScoresFile))).ToArray();
        if (scores.Length != embed.Store.RowCount)
        {
            throw new InvalidDataException($"{folder}/{ScoresFile} holds {scores.Length} score sets for {embed.Store.RowCount} documents.");
        }

        _scores = scores;
    }
}

using System.Runtime.CompilerServices;

namespace Climb;

/// <summary>
/// Stage 7: writes the data folder an external proxy trainer reads (<see cref="ProxyDataFolder"/>: each super-cluster's
/// documents as shards with their ids and token counts, the targets' texts, <c>data.json</c>), once, and points the
/// trainer at it. A stage of its own, not a folder of the search: its content depends only on the corpus, the
/// super-clusters, the tokenizer and the targets, so changing the trainer's command, the seed or the budgets re-runs the
/// search but reuses the documents. With a proxy trainer that reads the token store instead (every built-in one but
/// <see cref="ProxyKind.Command"/>) it writes nothing.
/// </summary>
internal sealed class ProxyDataStage(
    ClimbCorpus corpus, MergeStage merge, TokenizeStage tokenize, IReadOnlyList<EvaluationTarget> targets, IProxyTrainer trainer) : PipelineStage(merge, tokenize)
{
    private IProxyDataConsumer? Consumer => trainer.GetService<IProxyDataConsumer>();

    public override bool NeedsTargets => Consumer is not null;

    protected override string OwnFingerprint() => Consumer is { } consumer
        ? Climb.Fingerprint.Of("proxy-data/v1", consumer.DataFormat.ToString(), ProxyDataFolder.TargetsFingerprintOf(targets))
        : Climb.Fingerprint.Of("proxy-data/v1", "not needed");

    public override async Task<IReadOnlyDictionary<string, double>> RunAsync(StageContext context, string folder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (Consumer is not { } consumer)
        {
            context.Report(Name, "not needed: the proxy trainer reads the token store");
            return new Dictionary<string, double> { ["proxy_data_documents"] = 0 };
        }

        var tokens = tokenize.Tokens;
        var superOfDoc = merge.DocumentSuperClusters();
        var offsets = Enumerable.Range(0, tokens.ClusterCount).Select(tokens.DocumentOffsets).ToArray();
        var next = new int[tokens.ClusterCount];
        var progress = new SyncProgress<long>(n => context.Report(Name, "writing documents", n, tokens.DocumentCounts.Sum()));
        var data = await ProxyDataFolder.WriteAsync(
            folder,
            tokenize.Catalogue.Names,
            Documents(cancellationToken),
            targets,
            tokens.Tokenizer.Identity,
            consumer.DataFormat,
            ProxyDataFolder.ShardLimits.Default,
            progress,
            cancellationToken).ConfigureAwait(false);
        for (int s = 0; s < next.Length; s++)
        {
            if (next[s] != tokens.DocumentCounts[s])
            {
                throw new InvalidDataException($"The corpus changed since it was tokenized: super-cluster {s} now has {next[s]} documents, the token store {tokens.DocumentCounts[s]}.");
            }
        }

        consumer.UseDataFolder(data.FolderPath);
        return new Dictionary<string, double>
        {
            ["proxy_data_documents"] = data.DocumentCounts.Sum(),
            ["proxy_data_tokens"] = data.TokenCounts.Sum(),
        };

        // The tokenize stage streamed each super-cluster's documents in corpus order, so the k-th kept document of a
        // super-cluster is its k-th document in the token store: its exact token count is an offset difference.
        async IAsyncEnumerable<(int, Document, long)> Documents([EnumeratorCancellation] CancellationToken ct)
        {
            long i = 0;
            await foreach (var doc in corpus.ReadAsync(ct).ConfigureAwait(false))
            {
                if (i >= superOfDoc.Length)
                {
                    throw new InvalidDataException($"The corpus changed since it was embedded: it now has more than {superOfDoc.Length} documents.");
                }

                int s = superOfDoc[i++];
                if (s >= 0)
                {
                    int k = next[s]++;
                    if (k + 1 >= offsets[s].Length)
                    {
                        throw new InvalidDataException($"The corpus changed since it was tokenized: super-cluster {s} now has more than its {offsets[s].Length - 1} documents.");
                    }

                    yield return (s, doc, offsets[s][k + 1] - offsets[s][k]);
                }
            }
        }
    }

    public override void Load(StageContext context, string folder)
    {
        if (Consumer is not { } consumer)
        {
            return;
        }

        var data = ProxyDataFolder.Open(folder);
        if (!data.TokenCounts.SequenceEqual(tokenize.Tokens.TokenCounts) || data.TargetsFingerprint != ProxyDataFolder.TargetsFingerprintOf(targets))
        {
            throw new InvalidDataException($"{folder}/{ProxyDataFolder.IndexFileName} does not match the token store or the targets.");
        }

        consumer.UseDataFolder(data.FolderPath);
    }
}

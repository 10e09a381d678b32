using Climb.Tests.Embedding;
using CsCheck;

namespace Climb.Tests.Properties;

/// <summary>Properties of <see cref="EmbeddingStore"/>: rows and ids read back as written, and a build cut at any batch resumes to the same files.</summary>
public class EmbeddingStoreProperties
{
    private static readonly Gen<(int Documents, int ShardSize, int BatchSize, bool Half, int Cut)> Builds =
        from documents in Gen.Int[1, 30]
        from shardSize in Gen.Int[1, 8]
        from batchSize in Gen.Int[1, 8]
        from half in Gen.Bool
        from cut in Gen.Int[1, 40]
        select (documents, shardSize, batchSize, half, cut);

    [Fact]
    public void Round_trip_and_resume_after_a_cut_at_any_batch_give_the_clean_build()
    {
        Builds.Sample(c =>
        {
            using var folder = new PropertyFolder();
            var corpus = Enumerable.Range(0, c.Documents).Select(i => new Document($"doc-{i}", $"text {i} {new string('x', i % 7)}")).ToArray();
            var options = new EmbeddingStoreOptions
            {
                ShardSize = c.ShardSize,
                BatchSize = c.BatchSize,
                DataType = c.Half ? EmbeddingDataType.Float16 : EmbeddingDataType.Float32,
            };
            var embedder = DelegateEmbedder.Hashing(dimension: 5);
            var expected = embedder.EmbedAsync([.. corpus.Select(d => d.Text)]).GetAwaiter().GetResult();

            using (var clean = EmbeddingStore.BuildAsync(corpus.ToAsyncEnumerable(), embedder, folder.Sub("clean"), options).GetAwaiter().GetResult())
            {
                Assert.Equal(c.Documents, clean.RowCount);
                Assert.Equal(corpus.Select(d => d.Id), clean.ReadDocumentIds());
                var rows = clean.ToMatrix();
                double tolerance = c.Half ? 2e-3 : 0;
                for (int i = 0; i < expected.Data.Length; i++)
                {
                    Assert.True(Math.Abs(rows.Data[i] - expected.Data[i]) <= tolerance, $"value {i}: {rows.Data[i]} != {expected.Data[i]}");
                }
            }

            // A build stopped at batch `Cut` (or finished, if there are fewer batches), then resumed.
            using var cts = new CancellationTokenSource();
            var first = DelegateEmbedder.Hashing(dimension: 5);
            first.BeforeBatch = call =>
            {
                if (call == c.Cut)
                {
                    cts.Cancel();
                }
            };
            try
            {
                EmbeddingStore.BuildAsync(corpus.ToAsyncEnumerable(), first, folder.Sub("resumed"), options, cancellationToken: cts.Token).GetAwaiter().GetResult().Dispose();
            }
            catch (OperationCanceledException)
            {
            }

            using (EmbeddingStore.BuildAsync(corpus.ToAsyncEnumerable(), DelegateEmbedder.Hashing(dimension: 5), folder.Sub("resumed"), options).GetAwaiter().GetResult())
            {
            }

            AssertSameFiles(folder.Sub("clean"), folder.Sub("resumed"));
        }, iter: 40, threads: 1);
    }

    private static void AssertSameFiles(string expected, string actual)
    {
        var names = Directory.GetFiles(expected).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(names, Directory.GetFiles(actual).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
        foreach (string? name in names)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name!))), $"{name} differs");
        }
    }
}

using Climb.Testing;

namespace Climb.Tests.Conformance;

/// <summary>
/// Climb.Testing's in-memory clusters (what its proxy trainer facts train on) hold exactly the tokens the on-disk
/// <see cref="TokenizedClusterStore"/> holds for the same documents, in the same order, and read with the same wrap-around.
/// </summary>
public sealed class InMemoryTokenizedClustersTests
{
    [Fact]
    public async Task Holds_the_same_tokens_as_the_store_on_disk()
    {
        string[][] texts =
        [
            ["alpha one", "alpha two, longer", "ä ü ö: non-ASCII bytes"],
            ["beta", "beta beta beta beta"],
        ];
        var memory = new InMemoryTokenizedClusters(ByteTokenizer.Instance, texts);
        string dir = Directory.CreateTempSubdirectory("climb-inmemory-").FullName;
        try
        {
            using var store = await TokenizedClusterStore.BuildAsync(
                dir, ByteTokenizer.Instance, [.. texts.Select(c => c.Select((t, i) => new Document(i.ToString(System.Globalization.CultureInfo.InvariantCulture), t)).ToAsyncEnumerable())]);
            Assert.Equal(store.ClusterCount, memory.ClusterCount);
            Assert.Equal(store.TokenCounts, memory.TokenCounts);
            Assert.Equal(store.DocumentCounts, memory.DocumentCounts);
            Assert.Equal(store.TotalTokens, memory.TotalTokens);
            Assert.Equal(store.ModelVocabularySize, memory.ModelVocabularySize);
            Assert.Equal(store.ModelEndOfTextId, memory.ModelEndOfTextId);
            Assert.Null(memory.DirectoryPath);
            for (int c = 0; c < store.ClusterCount; c++)
            {
                long n = store.TokenCounts[c];
                foreach (long start in new[] { 0, n / 2, n - 1 })
                {
                    var expected = new int[(int)n + 7]; // longer than the cluster: wraps around
                    var actual = new int[expected.Length];
                    store.ReadTokens(c, start, expected);
                    memory.ReadTokens(c, start, actual);
                    Assert.Equal(expected, actual);
                }
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadTokens(2, 0, new int[1]));
            Assert.Throws<ArgumentOutOfRangeException>(() => memory.ReadTokens(0, memory.TokenCounts[0], new int[1]));
            Assert.Throws<ArgumentException>(() => new InMemoryTokenizedClusters(ByteTokenizer.Instance, [["a"], []]));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

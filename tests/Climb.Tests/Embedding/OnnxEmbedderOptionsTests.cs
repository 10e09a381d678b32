using System.ComponentModel.DataAnnotations;

namespace Climb.Tests.Embedding;

public sealed class OnnxEmbedderOptionsTests
{
    [Fact]
    public void A_model_file_or_a_model_assembly_is_required_but_not_both()
    {
        var none = Assert.Throws<ValidationException>(() => new OnnxEmbedder(new OnnxEmbedderOptions()));
        Assert.Equal($"Invalid OnnxEmbedderOptions ('options'):{Environment.NewLine}  - ModelPath or ModelAssembly is required.", none.Message);

        var both = OnnxEmbedderOptions.MiniLM();
        both.ModelPath = "model.onnx";
        var error = Assert.Throws<ValidationException>(() => new OnnxEmbedder(both));
        Assert.Contains("ModelAssembly carries the model and its vocabulary: leave ModelPath and VocabularyPath unset.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreferenced_model_package_is_a_clear_error_naming_the_package_to_add()
    {
        var options = OnnxEmbedderOptions.ArcticXs();
        options.ModelAssembly = "SentenceTransformers.NoSuchModel";
        var error = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(options));
        Assert.Contains("dotnet add package SentenceTransformers.NoSuchModel --version 24.9.52193", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_assembly_file_without_the_model_resources_or_not_an_assembly_is_named()
    {
        string climb = typeof(OnnxEmbedder).Assembly.Location;
        var options = OnnxEmbedderOptions.MiniLM();
        options.ModelAssembly = climb;
        var noModel = Assert.Throws<FileNotFoundException>(() => new OnnxEmbedder(options));
        Assert.Contains("Climb.Resources.model.onnx", noModel.Message, StringComparison.Ordinal);
        Assert.Contains(climb, noModel.Message, StringComparison.Ordinal);

        string notPe = Path.Combine(Path.GetTempPath(), $"climb-not-an-assembly-{Guid.NewGuid():N}.dll");
        File.WriteAllText(notPe, "not a portable executable");
        try
        {
            options.ModelAssembly = notPe;
            var bad = Assert.Throws<InvalidDataException>(() => new OnnxEmbedder(options));
            Assert.Contains(notPe, bad.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(notPe);
        }
    }
}

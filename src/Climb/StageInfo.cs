using System.Globalization;

namespace Climb;

/// <summary>One stage of the pipeline, as <see cref="ClimbPipeline.Stages"/> lists them in order.</summary>
/// <param name="Name">The name: in the stage's folder, in <see cref="StageReport.Stage"/>, in progress, and the argument of <see cref="ClimbPipeline.RunUntilAsync"/>.</param>
/// <param name="Number">The 1-based position in the run order.</param>
/// <param name="Description">What the stage does, as a lower-case phrase (for example "embed the corpus").</param>
public sealed record StageInfo(string Name, int Number, string Description)
{
    /// <summary>Gets the name of the stage's folder in the artifacts folder (for example <c>01-embed</c>).</summary>
    public string FolderName => string.Create(CultureInfo.InvariantCulture, $"{Number:D2}-{Name}");
}

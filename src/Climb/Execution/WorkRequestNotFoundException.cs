
namespace Climb;

/// <summary>A work request file is not where it should be (typically: the artifacts folder is not shared with the node).</summary>
internal sealed class WorkRequestNotFoundException : FileNotFoundException
{
    /// <summary>Initializes the exception.</summary>
    /// <param name="message">The message.</param>
    /// <param name="path">The missing file.</param>
    public WorkRequestNotFoundException(string message, string path)
        : base(message, path)
    {
    }
}

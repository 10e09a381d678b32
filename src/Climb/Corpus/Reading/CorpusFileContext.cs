namespace Climb;

/// <summary>Everything a format reader needs about the file it reads, and the one place records are accepted or failed.</summary>
internal sealed class CorpusFileContext
{
    private readonly CorpusReader owner;

    public CorpusFileContext(
        CorpusReader owner,
        CorpusReaderOptions options,
        CorpusReadStatistics statistics,
        string fullPath,
        string relativeName,
        string defaultSource,
        CorpusFormat format)
    {
        this.owner = owner;
        Options = options;
        Statistics = statistics;
        FullPath = fullPath;
        RelativeName = relativeName;
        DefaultSource = options.Source ?? defaultSource;
        File = statistics.StartFile(fullPath, format);
    }

    public CorpusReaderOptions Options { get; }

    public CorpusReadStatistics Statistics { get; }

    public CorpusFileStatistics File { get; }

    /// <summary>Gets the full path, used in error messages.</summary>
    public string FullPath { get; }

    /// <summary>Gets the path relative to the folder read ('/' separated), used in generated ids.</summary>
    public string RelativeName { get; }

    /// <summary>Gets the source of documents without a source field value.</summary>
    public string DefaultSource { get; }

    public string GeneratedId(long line) => $"{RelativeName}:{line}";

    public void AddBytes(long bytes) => Statistics.AddBytes(File, bytes);

    /// <summary>Throws under <see cref="CorpusErrorPolicy.Throw"/>; otherwise counts and records the error.</summary>
    public void Fail(CorpusErrorKind kind, long line, long column, string detail, Exception? innerException = null)
    {
        var error = new CorpusReadError(kind, FullPath, line, column, detail);
        if (Options.ErrorPolicy == CorpusErrorPolicy.Throw)
        {
            throw new CorpusFormatException(error, innerException);
        }

        Statistics.AddInvalid(File, error);
        owner.OnSkipped(error);
    }

    /// <summary>Counts the document and returns it, or counts it as skipped (empty, too short) and returns null.</summary>
    public Document? Accept(string? id, string text, string? source, IReadOnlyDictionary<string, string>? metadata, long line)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            Statistics.AddEmpty(File);
            return null;
        }

        if (trimmed.Length < Options.MinTextLength)
        {
            Statistics.AddTooShort(File);
            return null;
        }

        Statistics.AddDocument(File, text.Length);
        return new Document(
            string.IsNullOrEmpty(id) ? GeneratedId(line) : id,
            text,
            string.IsNullOrEmpty(source) ? DefaultSource : source,
            metadata);
    }
}

using System.Globalization;
using System.Text;

namespace Climb;

/// <summary>
/// What one enumeration of a <see cref="CorpusReader"/> read and skipped. The counters grow while the enumeration runs
/// and are final once it ends; every new enumeration starts a new instance.
/// </summary>
public sealed class CorpusReadStatistics
{
    private readonly Dictionary<CorpusErrorKind, long> skippedByKind = [];
    private readonly List<CorpusFileStatistics> files = [];
    private readonly List<CorpusReadError> errors = [];
    private readonly int maxRecordedErrors;

    internal CorpusReadStatistics(int maxRecordedErrors)
    {
        this.maxRecordedErrors = maxRecordedErrors;
    }

    /// <summary>Gets the number of documents returned.</summary>
    public long DocumentsRead { get; private set; }

    /// <summary>Gets the number of documents skipped because their text was empty or white space only.</summary>
    public long SkippedEmpty { get; private set; }

    /// <summary>Gets the number of documents skipped because their text was shorter than <see cref="CorpusReaderOptions.MinTextLength"/>.</summary>
    public long SkippedTooShort { get; private set; }

    /// <summary>Gets the number of records (or rests of corrupt files) skipped under <see cref="CorpusErrorPolicy.Skip"/>.</summary>
    public long SkippedInvalid { get; private set; }

    /// <summary>Gets <see cref="SkippedInvalid"/> broken down by reason.</summary>
    public IReadOnlyDictionary<CorpusErrorKind, long> SkippedByKind => skippedByKind;

    /// <summary>Gets the number of files of a folder that were ignored because their type is unknown.</summary>
    public int FilesIgnored { get; private set; }

    /// <summary>Gets the number of (decompressed) bytes read.</summary>
    public long BytesRead { get; private set; }

    /// <summary>Gets the characters of the documents returned (UTF-16 code units).</summary>
    public long CharactersRead { get; private set; }

    /// <summary>Gets the per-file figures, in reading order.</summary>
    public IReadOnlyList<CorpusFileStatistics> Files => files;

    /// <summary>Gets the first <see cref="CorpusReaderOptions.MaxRecordedErrors"/> records skipped as invalid.</summary>
    public IReadOnlyList<CorpusReadError> Errors => errors;

    /// <summary>Gets the wall-clock time of the enumeration so far.</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Summarises the figures on one line.</summary>
    /// <returns>A summary such as <c>12000 documents from 6 files (3.1 MB); skipped: 2 empty, 1 invalid (invalid JSON 1)</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DocumentsRead} documents from {files.Count} files ({BytesRead / 1e6:0.0} MB)");
        text.Append(CultureInfo.InvariantCulture, $"; skipped: {SkippedEmpty} empty, {SkippedTooShort} too short, {SkippedInvalid} invalid");
        if (skippedByKind.Count > 0)
        {
            text.Append(" (")
                .AppendJoin(", ", skippedByKind.OrderBy(p => p.Key).Select(p => string.Create(CultureInfo.InvariantCulture, $"{CorpusReadError.Describe(p.Key)} {p.Value}")))
                .Append(')');
        }

        if (FilesIgnored > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; {FilesIgnored} files ignored");
        }

        return text.ToString();
    }

    internal CorpusFileStatistics StartFile(string path, CorpusFormat format)
    {
        var file = new CorpusFileStatistics(path, format);
        files.Add(file);
        return file;
    }

    internal void FileIgnored() => FilesIgnored++;

    internal void AddBytes(CorpusFileStatistics file, long bytes)
    {
        BytesRead += bytes;
        file.Bytes += bytes;
    }

    internal void AddDocument(CorpusFileStatistics file, int characters)
    {
        DocumentsRead++;
        CharactersRead += characters;
        file.DocumentsRead++;
    }

    internal void AddEmpty(CorpusFileStatistics file)
    {
        SkippedEmpty++;
        file.SkippedEmpty++;
    }

    internal void AddTooShort(CorpusFileStatistics file)
    {
        SkippedTooShort++;
        file.SkippedTooShort++;
    }

    internal void AddInvalid(CorpusFileStatistics file, CorpusReadError error)
    {
        SkippedInvalid++;
        skippedByKind[error.Kind] = skippedByKind.GetValueOrDefault(error.Kind) + 1;
        file.AddInvalid(error.Kind);
        if (errors.Count < maxRecordedErrors)
        {
            errors.Add(error);
        }
    }
}

/// <summary>What was read from one file.</summary>
public sealed class CorpusFileStatistics
{
    private readonly Dictionary<CorpusErrorKind, long> skippedByKind = [];

    internal CorpusFileStatistics(string path, CorpusFormat format)
    {
        Path = path;
        Format = format;
    }

    /// <summary>Gets the file's full path.</summary>
    public string Path { get; }

    /// <summary>Gets the format the file was read as.</summary>
    public CorpusFormat Format { get; }

    /// <summary>Gets the number of documents returned from this file.</summary>
    public long DocumentsRead { get; internal set; }

    /// <summary>Gets the number of empty or white-space documents skipped in this file.</summary>
    public long SkippedEmpty { get; internal set; }

    /// <summary>Gets the number of too-short documents skipped in this file.</summary>
    public long SkippedTooShort { get; internal set; }

    /// <summary>Gets the number of invalid records skipped in this file.</summary>
    public long SkippedInvalid { get; private set; }

    /// <summary>Gets <see cref="SkippedInvalid"/> broken down by reason.</summary>
    public IReadOnlyDictionary<CorpusErrorKind, long> SkippedByKind => skippedByKind;

    /// <summary>Gets the number of (decompressed) bytes read from this file.</summary>
    public long Bytes { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}: {DocumentsRead} documents, {SkippedEmpty} empty, {SkippedTooShort} too short, {SkippedInvalid} invalid");

    internal void AddInvalid(CorpusErrorKind kind)
    {
        SkippedInvalid++;
        skippedByKind[kind] = skippedByKind.GetValueOrDefault(kind) + 1;
    }
}

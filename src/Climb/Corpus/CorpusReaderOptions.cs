using System.ComponentModel.DataAnnotations;

namespace Climb;

/// <summary>The format of corpus files.</summary>
public enum CorpusFormat
{
    /// <summary>
    /// Decide per file from its name: <c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c> are JSON lines, <c>.parquet</c> is
    /// Parquet, <c>.txt</c>, <c>.text</c>, <c>.md</c>, <c>.rst</c> are text files (one document per file); a trailing
    /// <c>.gz</c> or <c>.zst</c> is a compression suffix. Files of a folder with any other name are ignored (and counted in
    /// <see cref="CorpusReadStatistics.FilesIgnored"/>); a file named explicitly with another name is an error.
    /// </summary>
    Auto,

    /// <summary>One JSON object per line (plain, gzip or zstd compressed, detected from the content).</summary>
    JsonLines,

    /// <summary>Apache Parquet, one document per row.</summary>
    Parquet,

    /// <summary>Every file is one document (plain, gzip or zstd compressed, detected from the content).</summary>
    TextFiles,
}

/// <summary>What a reader does with a record it cannot read.</summary>
public enum CorpusErrorPolicy
{
    /// <summary>Throw a <see cref="CorpusFormatException"/> naming the file and line.</summary>
    Throw,

    /// <summary>Skip the record (or the rest of a corrupt file), count it by <see cref="CorpusErrorKind"/> and go on.</summary>
    Skip,
}

/// <summary>Options of <see cref="CorpusReader"/>.</summary>
public sealed class CorpusReaderOptions : IValidatableOptions
{
    /// <summary>Gets or sets the format of the files.</summary>
    /// <value>Default <see cref="CorpusFormat.Auto"/>: decided per file from its name.</value>
    public CorpusFormat Format { get; set; } = CorpusFormat.Auto;

    /// <summary>Gets or sets the JSON field or Parquet column holding the document text.</summary>
    /// <value>Default <c>"text"</c>.</value>
    [Required]
    [MinLength(1)]
    public string TextField { get; set; } = "text";

    /// <summary>
    /// Gets or sets the JSON field or Parquet column holding the document id (a string, or a number taken as written).
    /// Where it is <see langword="null"/> or absent from a record, the id is <c>&lt;file&gt;:&lt;line&gt;</c> (JSON lines),
    /// <c>&lt;file&gt;:&lt;row&gt;</c> (Parquet, 1-based) with the file's path relative to the folder read.
    /// Text files always use their relative path.
    /// </summary>
    /// <value>Default <c>"id"</c>.</value>
    public string? IdField { get; set; } = "id";

    /// <summary>
    /// Gets or sets the JSON field or Parquet column holding the document's source (domain) tag. Where it is
    /// <see langword="null"/> or absent from a record, the source is <see cref="Source"/> if set, otherwise the file name
    /// without its extensions (JSON lines, Parquet) or the folder of the file relative to the folder read (text files; the
    /// folder's own name for files directly in it).
    /// </summary>
    /// <value>Default <c>"source"</c>.</value>
    public string? SourceField { get; set; } = "source";

    /// <summary>Gets or sets a fixed source tag used for every document that has no <see cref="SourceField"/> value.</summary>
    /// <value>Default <see langword="null"/>: derived from the file name or folder.</value>
    public string? Source { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the other fields of a record go to <see cref="Document.Metadata"/> (JSON
    /// strings as they are, other JSON values as their JSON text; Parquet string, integer, floating-point and boolean
    /// columns formatted invariantly).
    /// </summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool IncludeMetadata { get; set; } = true;

    /// <summary>Gets or sets what happens to a record that cannot be read (broken JSON, missing text, invalid UTF-8...).</summary>
    /// <value>Default <see cref="CorpusErrorPolicy.Throw"/>.</value>
    public CorpusErrorPolicy ErrorPolicy { get; set; } = CorpusErrorPolicy.Throw;

    /// <summary>
    /// Gets or sets the minimum length, in characters after trimming white space, of a document's text. Empty and
    /// white-space documents are always skipped (<see cref="CorpusReadStatistics.SkippedEmpty"/>); non-empty documents
    /// shorter than this are skipped as <see cref="CorpusReadStatistics.SkippedTooShort"/>.
    /// </summary>
    /// <value>Default 1: only empty documents are skipped.</value>
    [Range(1, int.MaxValue)]
    public int MinTextLength { get; set; } = 1;

    /// <summary>Gets or sets the file name pattern (<c>*</c> and <c>?</c> wildcards) selecting the files of a folder.</summary>
    /// <value>Default <c>"*"</c>: every file (those of unknown type are ignored under <see cref="CorpusFormat.Auto"/>).</value>
    [Required]
    [MinLength(1)]
    public string FilePattern { get; set; } = "*";

    /// <summary>Gets or sets a value indicating whether sub-folders of a folder are read too.</summary>
    /// <value>Default <see langword="true"/>.</value>
    public bool Recursive { get; set; } = true;

    /// <summary>
    /// Gets or sets the largest JSON line or text file, in bytes (after decompression). A longer one is an error of kind
    /// <see cref="CorpusErrorKind.TooLong"/>; this protects against a file that is not line-delimited at all.
    /// </summary>
    /// <value>Default 64 MiB.</value>
    [Range(1024, int.MaxValue)]
    public int MaxRecordBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Gets or sets how many individual errors <see cref="CorpusReadStatistics.Errors"/> keeps (all are counted).</summary>
    /// <value>Default 100.</value>
    [Range(0, int.MaxValue)]
    public int MaxRecordedErrors { get; set; } = 100;

    IEnumerable<string> IValidatableOptions.Validate()
    {
        if (string.Equals(IdField, TextField, StringComparison.Ordinal))
        {
            yield return $"IdField and TextField must differ (both are '{TextField}').";
        }

        if (string.Equals(SourceField, TextField, StringComparison.Ordinal))
        {
            yield return $"SourceField and TextField must differ (both are '{TextField}').";
        }

        if (!Enum.IsDefined(Format))
        {
            yield return $"Format {(int)Format} is not a CorpusFormat.";
        }

        if (!Enum.IsDefined(ErrorPolicy))
        {
            yield return $"ErrorPolicy {(int)ErrorPolicy} is not a CorpusErrorPolicy.";
        }

        if (FilePattern is not null && FilePattern.AsSpan().IndexOfAny(['/', '\\']) >= 0)
        {
            yield return $"FilePattern '{FilePattern}' must be a file name pattern without folders (use Recursive for sub-folders).";
        }
    }

    internal CorpusReaderOptions Clone() => (CorpusReaderOptions)MemberwiseClone();
}

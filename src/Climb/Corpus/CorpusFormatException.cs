using System.Globalization;

namespace Climb;

/// <summary>Why a corpus record could not be read.</summary>
public enum CorpusErrorKind
{
    /// <summary>The line is not one well-formed JSON object.</summary>
    InvalidJson,

    /// <summary>The record has no text field (or the Parquet file has no text column, or the value is null).</summary>
    MissingText,

    /// <summary>The text field is not a string (or the Parquet text column is not a string column).</summary>
    InvalidTextType,

    /// <summary>The id or source field has a type that cannot be an id or source (an object, array or boolean).</summary>
    InvalidFieldType,

    /// <summary>The bytes are not valid UTF-8.</summary>
    InvalidUtf8,

    /// <summary>The line or text file is longer than <see cref="CorpusReaderOptions.MaxRecordBytes"/>.</summary>
    TooLong,

    /// <summary>The file cannot be read at all from this point on (corrupt compression, not a Parquet file...).</summary>
    CorruptFile,
}

/// <summary>A corpus file holds a record that cannot be read; the message names the file and the 1-based line.</summary>
public sealed class CorpusFormatException : FormatException
{
    /// <summary>Initializes a new instance of the <see cref="CorpusFormatException"/> class.</summary>
    public CorpusFormatException()
        : this("The corpus record cannot be read.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CorpusFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    public CorpusFormatException(string message)
        : base(message)
    {
        FilePath = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="CorpusFormatException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public CorpusFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        FilePath = string.Empty;
    }

    internal CorpusFormatException(CorpusReadError error, Exception? innerException = null)
        : base(error.ToString(), innerException)
    {
        FilePath = error.FilePath;
        Line = error.Line;
        Column = error.Column;
        Kind = error.Kind;
    }

    /// <summary>Gets the path of the file at fault.</summary>
    public string FilePath { get; }

    /// <summary>Gets the 1-based line (JSON lines, text files) or row (Parquet) at fault, or 0 when the whole file is.</summary>
    public long Line { get; }

    /// <summary>Gets the 1-based byte column in <see cref="Line"/>, or 0 when unknown.</summary>
    public long Column { get; }

    /// <summary>Gets why the record cannot be read.</summary>
    public CorpusErrorKind Kind { get; }
}

/// <summary>One record that could not be read.</summary>
/// <param name="Kind">Why.</param>
/// <param name="FilePath">The file.</param>
/// <param name="Line">The 1-based line (JSON lines, text files) or row (Parquet), or 0 for the whole file.</param>
/// <param name="Column">The 1-based byte column in the line, or 0 when unknown.</param>
/// <param name="Detail">What is wrong, in words.</param>
public sealed record CorpusReadError(CorpusErrorKind Kind, string FilePath, long Line, long Column, string Detail)
{
    /// <summary>Formats the error as <c>file:line[:column]: kind: detail</c>.</summary>
    /// <returns>The error, as a compiler would print it.</returns>
    public override string ToString()
    {
        var where = Line <= 0
            ? FilePath
            : Column <= 0
                ? string.Create(CultureInfo.InvariantCulture, $"{FilePath}:{Line}")
                : string.Create(CultureInfo.InvariantCulture, $"{FilePath}:{Line}:{Column}");
        return $"{where}: {Describe(Kind)}: {Detail}";
    }

    internal static string Describe(CorpusErrorKind kind) => kind switch
    {
        CorpusErrorKind.InvalidJson => "invalid JSON",
        CorpusErrorKind.MissingText => "missing text",
        CorpusErrorKind.InvalidTextType => "text is not a string",
        CorpusErrorKind.InvalidFieldType => "invalid field type",
        CorpusErrorKind.InvalidUtf8 => "invalid UTF-8",
        CorpusErrorKind.TooLong => "record too long",
        CorpusErrorKind.CorruptFile => "corrupt file",
        _ => kind.ToString(),
    };
}

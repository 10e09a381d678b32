using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Climb;

/// <summary>
/// Streams documents from JSON lines files (plain, <c>.gz</c>, <c>.zst</c>), Parquet files and text files, given as
/// files or folders. Files of a folder are read in ordinal order of their relative paths, so the order is deterministic.
/// </summary>
/// <example>
/// <code>
/// var reader = new CorpusReader("data/corpus", new CorpusReaderOptions { TextField = "content", ErrorPolicy = CorpusErrorPolicy.Skip });
/// await foreach (var document in reader.ReadAsync(cancellationToken))
/// {
///     // ...
/// }
/// Console.WriteLine(reader.Statistics);
/// </code>
/// </example>
public sealed partial class CorpusReader : ICorpusReader
{
    private const string SampleCorpusFolder = "data/sample-corpus";

    private readonly CorpusReaderOptions options;
    private readonly ILogger<CorpusReader> logger;
    private readonly string[] paths;

    /// <summary>Initializes a new instance of the <see cref="CorpusReader"/> class over one file or folder.</summary>
    /// <param name="path">A corpus file, or a folder of corpus files.</param>
    /// <param name="options">The options; validated (and copied) here. Default: <see cref="CorpusReaderOptions"/> defaults.</param>
    /// <param name="logger">The logger; default none.</param>
    /// <exception cref="FileNotFoundException">The path does not exist.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public CorpusReader(string path, CorpusReaderOptions? options = null, ILogger<CorpusReader>? logger = null)
        : this([path], options, logger)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="CorpusReader"/> class over several files or folders, read in the given order.</summary>
    /// <param name="paths">Corpus files and folders of corpus files.</param>
    /// <param name="options">The options; validated (and copied) here. Default: <see cref="CorpusReaderOptions"/> defaults.</param>
    /// <param name="logger">The logger; default none.</param>
    /// <exception cref="ArgumentException">No path is given, or a file's format cannot be told from its name under <see cref="CorpusFormat.Auto"/>.</exception>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    /// <exception cref="System.ComponentModel.DataAnnotations.ValidationException">The options are invalid.</exception>
    public CorpusReader(IEnumerable<string> paths, CorpusReaderOptions? options = null, ILogger<CorpusReader>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        this.options = OptionsValidation.Validate(options?.Clone() ?? new CorpusReaderOptions(), nameof(options));
        this.logger = logger ?? NullLogger<CorpusReader>.Instance;
        this.paths = [.. paths.Select(p => string.IsNullOrWhiteSpace(p)
            ? throw new ArgumentException("A corpus path is null or empty.", nameof(paths))
            : Path.GetFullPath(p))];
        if (this.paths.Length == 0)
        {
            throw new ArgumentException("At least one corpus file or folder is required.", nameof(paths));
        }

        foreach (var path in this.paths)
        {
            if (Directory.Exists(path))
            {
                continue;
            }

            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The corpus file or folder '{path}' does not exist.", path);
            }

            if (this.options.Format == CorpusFormat.Auto && CompressedFile.FormatOf(Path.GetFileName(path)) is null)
            {
                throw new ArgumentException(
                    $"The format of '{path}' cannot be told from its name (expected .jsonl, .ndjson, .parquet, .txt, .md, optionally .gz or .zst); set CorpusReaderOptions.Format.",
                    nameof(paths));
            }
        }

        Statistics = new CorpusReadStatistics(this.options.MaxRecordedErrors);
    }

    /// <summary>Gets the full paths of the files and folders read.</summary>
    public IReadOnlyList<string> Paths => paths;

    /// <inheritdoc/>
    public CorpusReadStatistics Statistics { get; private set; }

    /// <summary>
    /// Opens the sample corpus bundled with the Climb repository (<c>data/sample-corpus/*.jsonl.gz</c>: fortunes, bible,
    /// foldoc, jargon, devil and python documents tagged with their domain in <see cref="Document.Source"/>).
    /// </summary>
    /// <param name="folder">The sample corpus folder; default: <c>data/sample-corpus</c> found in the current directory, the application's folder, or one of their parents.</param>
    /// <param name="logger">The logger; default none.</param>
    /// <returns>A reader of every <c>*.jsonl.gz</c> file of the folder.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder is not given and cannot be found, or holds no <c>*.jsonl.gz</c> file.</exception>
    public static CorpusReader OpenSampleCorpus(string? folder = null, ILogger<CorpusReader>? logger = null)
    {
        folder ??= FindSampleCorpus(Environment.CurrentDirectory) ?? FindSampleCorpus(AppContext.BaseDirectory)
            ?? throw new DirectoryNotFoundException(
                $"The sample corpus ({SampleCorpusFolder}/*.jsonl.gz) was not found in or above '{Environment.CurrentDirectory}' or '{AppContext.BaseDirectory}'; pass its folder.");
        if (!Directory.Exists(folder) || !Directory.EnumerateFiles(folder, "*.jsonl.gz").Any())
        {
            throw new DirectoryNotFoundException($"'{Path.GetFullPath(folder)}' holds no *.jsonl.gz sample corpus file.");
        }

        return new CorpusReader(
            folder,
            new CorpusReaderOptions { Format = CorpusFormat.JsonLines, FilePattern = "*.jsonl.gz", Recursive = false },
            logger);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<Document> ReadAsync(CancellationToken cancellationToken = default) => ReadCoreAsync(cancellationToken);

    internal static string? FindSampleCorpus(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, SampleCorpusFolder);
            if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.jsonl.gz").Any())
            {
                return candidate;
            }
        }

        return null;
    }

    internal void OnSkipped(CorpusReadError error) => LogSkipped(error.Kind, error.FilePath, error.Line, error.Detail);

    private async IAsyncEnumerable<Document> ReadCoreAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var statistics = new CorpusReadStatistics(options.MaxRecordedErrors);
        Statistics = statistics;
        var clock = Stopwatch.StartNew();
        var files = ListFiles(statistics);
        LogStarting(files.Count, string.Join(", ", paths));
        foreach (var file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var context = new CorpusFileContext(this, options, statistics, file.FullPath, file.RelativeName, file.DefaultSource, file.Format);
            LogReadingFile(file.FullPath, file.Format);
            switch (file.Format)
            {
                case CorpusFormat.JsonLines:
                    await foreach (var document in JsonLinesCorpusFile.ReadAsync(context, cancellationToken).ConfigureAwait(false))
                    {
                        statistics.Elapsed = clock.Elapsed;
                        yield return document;
                    }

                    break;
                case CorpusFormat.Parquet:
                    await foreach (var document in ParquetCorpusFile.ReadAsync(context, cancellationToken).ConfigureAwait(false))
                    {
                        statistics.Elapsed = clock.Elapsed;
                        yield return document;
                    }

                    break;
                default:
                    var text = await TextCorpusFile.ReadAsync(context, cancellationToken).ConfigureAwait(false);
                    if (text is not null)
                    {
                        statistics.Elapsed = clock.Elapsed;
                        yield return text;
                    }

                    break;
            }

            LogFileRead(file.FullPath, context.File.DocumentsRead, context.File.SkippedEmpty, context.File.SkippedInvalid);
        }

        statistics.Elapsed = clock.Elapsed;
        LogFinished(statistics.DocumentsRead, statistics.Files.Count, statistics.BytesRead, statistics.Elapsed.TotalSeconds, statistics.SkippedEmpty, statistics.SkippedTooShort, statistics.SkippedInvalid);
        if (statistics.SkippedInvalid > 0)
        {
            LogInvalidSummary(statistics.SkippedInvalid, statistics.Errors.Count > 0 ? statistics.Errors[0].ToString() : string.Empty);
        }
    }

    private List<CorpusFile> ListFiles(CorpusReadStatistics statistics)
    {
        var files = new List<CorpusFile>();
        foreach (var path in paths)
        {
            if (!Directory.Exists(path))
            {
                // Checked in the constructor; a file that vanished since fails when it is opened.
                var name = Path.GetFileName(path);
                var format = options.Format == CorpusFormat.Auto ? CompressedFile.FormatOf(name)!.Value : options.Format;
                var parent = Path.GetFileName(Path.GetDirectoryName(path)) ?? string.Empty;
                files.Add(new CorpusFile(path, name, format == CorpusFormat.TextFiles ? parent : CompressedFile.StemOf(name), format));
                continue;
            }

            var enumeration = new EnumerationOptions
            {
                RecurseSubdirectories = options.Recursive,
                MatchType = MatchType.Simple,
                IgnoreInaccessible = false,
            };
            var rootName = new DirectoryInfo(path).Name;
            var found = Directory.EnumerateFiles(path, options.FilePattern, enumeration)
                .Select(f => (FullPath: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
                .OrderBy(f => f.Relative, StringComparer.Ordinal);
            foreach (var (fullPath, relative) in found)
            {
                var name = Path.GetFileName(fullPath);
                var format = options.Format == CorpusFormat.Auto ? CompressedFile.FormatOf(name) : options.Format;
                if (format is null)
                {
                    statistics.FileIgnored();
                    LogIgnoredFile(fullPath);
                    continue;
                }

                var folder = Path.GetDirectoryName(relative)?.Replace('\\', '/');
                var source = format == CorpusFormat.TextFiles
                    ? string.IsNullOrEmpty(folder) ? rootName : folder
                    : CompressedFile.StemOf(name);
                files.Add(new CorpusFile(fullPath, relative, source, format.Value));
            }
        }

        return files;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reading {FileCount} corpus files from {Paths}")]
    private partial void LogStarting(int fileCount, string paths);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading {Path} as {Format}")]
    private partial void LogReadingFile(string path, CorpusFormat format);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Read {Documents} documents from {Path} ({Empty} empty and {Invalid} invalid skipped)")]
    private partial void LogFileRead(string path, long documents, long empty, long invalid);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignoring {Path}: its format cannot be told from its name")]
    private partial void LogIgnoredFile(string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Skipped a record ({Kind}) at {Path}:{Line}: {Detail}")]
    private partial void LogSkipped(CorpusErrorKind kind, string path, long line, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Read {Documents} documents from {Files} files ({Bytes} bytes) in {Seconds:0.00} s; skipped {Empty} empty, {TooShort} too short, {Invalid} invalid")]
    private partial void LogFinished(long documents, int files, long bytes, double seconds, long empty, long tooShort, long invalid);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped {Invalid} invalid corpus records; the first: {FirstError}")]
    private partial void LogInvalidSummary(long invalid, string firstError);

    private sealed record CorpusFile(string FullPath, string RelativeName, string DefaultSource, CorpusFormat Format);
}

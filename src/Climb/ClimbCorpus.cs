namespace Climb;

/// <summary>
/// A corpus the pipeline can read several times (to fit the embedder, embed, score, tokenize and export),
/// with a fingerprint that changes when its content may have changed.
/// </summary>
public sealed class ClimbCorpus
{
    private readonly Func<CancellationToken, IAsyncEnumerable<Document>> _read;

    private ClimbCorpus(string description, string fingerprint, Func<CancellationToken, IAsyncEnumerable<Document>> read, Func<CorpusReadStatistics?>? statistics)
    {
        Description = description;
        Fingerprint = fingerprint;
        _read = read;
        LastReadStatistics = statistics;
    }

    /// <summary>Gets a human-readable description (the paths, or "in-memory").</summary>
    public string Description { get; }

    /// <summary>Gets a fingerprint of the corpus: files' full paths, sizes and modification times, plus the reader options.</summary>
    public string Fingerprint { get; }

    internal Func<CorpusReadStatistics?>? LastReadStatistics { get; }

    /// <summary>Opens corpus files or folders (JSONL, <c>.gz</c>, <c>.zst</c>, Parquet, or folders of text files).</summary>
    /// <param name="paths">Files or folders.</param>
    /// <param name="options">Reader options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The corpus.</returns>
    /// <exception cref="FileNotFoundException">A path does not exist.</exception>
    public static ClimbCorpus FromFiles(IEnumerable<string> paths, CorpusReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var list = paths.Select(Path.GetFullPath).ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one corpus path is needed.", nameof(paths));
        }

        var stamp = new List<string>();
        foreach (string p in list)
        {
            if (File.Exists(p))
            {
                var fi = new FileInfo(p);
                stamp.Add($"{p}|{fi.Length}|{fi.LastWriteTimeUtc.Ticks}");
            }
            else if (Directory.Exists(p))
            {
                foreach (string f in Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                {
                    var fi = new FileInfo(f);
                    stamp.Add($"{f}|{fi.Length}|{fi.LastWriteTimeUtc.Ticks}");
                }
            }
            else
            {
                throw new FileNotFoundException($"The corpus path '{p}' does not exist.", p);
            }
        }

        options ??= new CorpusReaderOptions();
        CorpusReader? last = null;
        return new ClimbCorpus(
            string.Join(", ", list),
            Climb.Fingerprint.Of("files", stamp, options.TextField, options.IdField, options.SourceField, options.Source, options.Format.ToString(), options.MinTextLength, options.FilePattern, options.Recursive, options.ErrorPolicy.ToString(), options.IncludeMetadata, options.MaxRecordBytes),
            ct =>
            {
                last = new CorpusReader(list, options);
                return last.ReadAsync(ct);
            },
            () => last?.Statistics);
    }

    /// <summary>Opens the sample corpus bundled with Climb's repository (<c>data/sample-corpus</c>).</summary>
    /// <param name="folder">The folder, or <see langword="null"/> to search upwards from the current directory and the app's folder.</param>
    /// <returns>The corpus.</returns>
    public static ClimbCorpus SampleCorpus(string? folder = null)
    {
        folder ??= FindSampleCorpus() ?? throw new DirectoryNotFoundException(
            "The bundled sample corpus (data/sample-corpus) was not found above the current directory; pass its folder explicitly.");
        return FromFiles([folder], new CorpusReaderOptions { FilePattern = "*.jsonl.gz" });
    }

    /// <summary>Wraps documents already in memory.</summary>
    /// <param name="documents">The documents; ids must be unique.</param>
    /// <returns>The corpus.</returns>
    public static ClimbCorpus FromDocuments(IReadOnlyList<Document> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var copy = documents.ToArray();
        return new ClimbCorpus("in-memory (" + copy.Length + " documents)", StableFingerprint(copy), ct => Enumerate(copy, ct), null);

        static string StableFingerprint(Document[] docs)
        {
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            foreach (var d in docs)
            {
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(d.Id));
                sha.AppendData([0]);
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(d.Text));
                sha.AppendData([0]);
                sha.AppendData(System.Text.Encoding.UTF8.GetBytes(d.Source ?? string.Empty));
                sha.AppendData([1]);
            }

            return Convert.ToHexStringLower(sha.GetHashAndReset().AsSpan(0, 16));
        }
    }

    /// <summary>Reads the corpus from the start.</summary>
    /// <param name="cancellationToken">A token to cancel the read.</param>
    /// <returns>The documents, in corpus order.</returns>
    public IAsyncEnumerable<Document> ReadAsync(CancellationToken cancellationToken = default) => _read(cancellationToken);

    internal static string? FindSampleCorpus()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string candidate = Path.Combine(d.FullName, "data", "sample-corpus");
                if (Directory.Exists(candidate) && Directory.EnumerateFiles(candidate, "*.jsonl.gz").Any())
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private static async IAsyncEnumerable<Document> Enumerate(Document[] docs, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        foreach (var d in docs)
        {
            ct.ThrowIfCancellationRequested();
            yield return d;
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}

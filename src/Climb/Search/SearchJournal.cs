using System.Globalization;
using System.Text.Json;

namespace Climb;

/// <summary>
/// The JSON-lines journal of a mixture search: a header with the configuration fingerprint, then one line per finished
/// proxy run. Lines are appended whole and flushed to disk one by one; a torn last line (the process died mid-write) is
/// dropped on reopening.
/// </summary>
internal sealed class SearchJournal : IDisposable
{
    private const string HeaderKind = "climb-mixture-search-journal";
    private readonly Dictionary<(int Round, int Index), Entry> _entries;
    private readonly FileStream _stream;
    private readonly Lock _gate = new();
    private FileStream? _lock;

    private SearchJournal(string path, FileStream stream, Dictionary<(int, int), Entry> entries)
    {
        Path = path;
        _stream = stream;
        _entries = entries;
    }

    public string Path { get; }

    public int Count => _entries.Count;

    /// <summary>Gets the journaled runs read when the journal was opened (and appended since).</summary>
    public IReadOnlyCollection<Entry> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.Values.ToArray();
            }
        }
    }

    public static SearchJournal Open(string path, string fingerprint, string strategy, string configuration)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir))
        {
            Directory.CreateDirectory(dir);
        }

        // An exclusive lock file beside the journal keeps two searches from appending to it at once, while readers
        // (tail, notebooks) can still open the journal itself.
        FileStream lockFile;
        try
        {
            lockFile = new FileStream(full + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new IOException($"Search journal '{full}' is in use by another search (lock file '{full}.lock'): {ex.Message}", ex);
        }

        var entries = new Dictionary<(int, int), Entry>();
        long keep = 0;
        FileStream stream;
        try
        {
            if (File.Exists(full))
            {
                keep = Read(full, fingerprint, configuration, entries);
            }

            stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }

        try
        {
            if (stream.Length != keep)
            {
                stream.SetLength(keep); // drop a torn last line (or an empty file's nothing)
            }

            stream.Seek(0, SeekOrigin.End);
            var journal = new SearchJournal(full, stream, entries) { _lock = lockFile };
            if (keep == 0)
            {
                journal.WriteLine(w =>
                {
                    w.WriteString("kind", HeaderKind);
                    w.WriteNumber("version", 1);
                    w.WriteString("fingerprint", fingerprint);
                    w.WriteString("strategy", strategy);
                    w.WriteString("configuration", configuration);
                    w.WriteString("created", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
                });
            }

            return journal;
        }
        catch
        {
            stream.Dispose();
            lockFile.Dispose();
            throw;
        }
    }

    public bool TryGet(int round, int index, out Entry entry) => _entries.TryGetValue((round, index), out entry!);

    public void Append(int round, int index, ProxyResult result)
    {
        WriteLine(w =>
        {
            w.WriteString("kind", "result");
            w.WriteNumber("round", round);
            w.WriteNumber("index", index);
            w.WriteNumber("seed", result.Seed);
            w.WriteStartArray("mixture");
            foreach (double v in result.Mixture.AsSpan())
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
            w.WriteNumber("objective", result.Objective);
            w.WriteString("goal", result.Goal.ToString());
            w.WriteNumber("utility", result.Utility);
            w.WriteStartObject("metrics");
            foreach (var (name, value) in result.Metrics)
            {
                WriteDouble(w, name, value);
            }

            w.WriteEndObject();
            w.WriteNumber("tokensTrained", result.TokensTrained);
            w.WriteNumber("elapsedSeconds", result.Elapsed.TotalSeconds);
            w.WriteString("device", result.Device);
            w.WriteString("proxyConfiguration", result.ProxyConfiguration);
            w.WriteString("finished", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        });
        lock (_gate)
        {
            _entries.TryAdd((round, index), new Entry(round, index, result, 0));
        }
    }

    /// <summary>Records a run that returned no usable objective, with its mixture and reason, so a resumed search does not repeat it.</summary>
    public void AppendFailure(ProxyFailure failure)
    {
        WriteLine(w =>
        {
            w.WriteString("kind", "failure");
            w.WriteNumber("round", failure.Round);
            w.WriteNumber("index", failure.Index);
            w.WriteNumber("seed", failure.Seed);
            w.WriteStartArray("mixture");
            foreach (double v in failure.Mixture.AsSpan())
            {
                w.WriteNumberValue(v);
            }

            w.WriteEndArray();
            w.WriteString("reason", failure.Reason);
            w.WriteString("finished", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        });
        lock (_gate)
        {
            _entries.TryAdd((failure.Round, failure.Index), new Entry(failure.Round, failure.Index, null, 0) { Failure = failure });
        }
    }

    public void Dispose()
    {
        _stream.Dispose();
        _lock?.Dispose();
    }

    private static void WriteDouble(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value))
        {
            w.WriteNumber(name, value);
        }
        else
        {
            w.WriteString(name, value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private static double ReadDouble(JsonElement e) =>
        e.ValueKind == JsonValueKind.String ? double.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetDouble();

    private void WriteLine(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        lock (_gate)
        {
            _stream.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
            _stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>Reads a journal; returns the byte length of its whole lines (the torn tail, if any, is excluded).</summary>
    private static long Read(string path, string fingerprint, string configuration, Dictionary<(int, int), Entry> entries) =>
        ReadAsync(path, fingerprint, configuration, entries).GetAwaiter().GetResult();

    private static async Task<long> ReadAsync(string path, string fingerprint, string configuration, Dictionary<(int, int), Entry> entries)
    {
        // The shared line reader (line numbers, a length cap, CRLF and a BOM handled as everywhere else), over the plain
        // file: a journal is appended to in place, so it is never decompressed, and its byte offsets are the file's.
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        long length;
        bool endsWithNewline = false;
        try
        {
            length = stream.Length;
            if (length > 0)
            {
                stream.Seek(-1, SeekOrigin.End);
                endsWithNewline = stream.ReadByte() == '\n';
                stream.Seek(0, SeekOrigin.Begin);
            }
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var file = new JsonLinesFile(stream, JsonLines.DefaultMaxLineBytes);
        await using (file.ConfigureAwait(false))
        {
            return await ReadLinesAsync(file, length, endsWithNewline, path, fingerprint, configuration, entries).ConfigureAwait(false);
        }
    }

    private static async Task<long> ReadLinesAsync(
        JsonLinesFile file, long length, bool endsWithNewline, string path, string fingerprint, string configuration, Dictionary<(int, int), Entry> entries)
    {
        long offset = 0;
        bool header = false;
        while (await file.ReadLineAsync(path, CancellationToken.None).ConfigureAwait(false))
        {
            long end = offset + file.CurrentBytes;
            if (end == length && !endsWithNewline)
            {
                break; // torn last line: written partially when the process stopped
            }

            int lineNumber = (int)file.LineNumber;
            offset = end;
            if (file.CurrentTooLong)
            {
                throw new InvalidDataException($"Search journal '{path}' line {lineNumber} is not valid JSON: the line has {file.CurrentBytes} bytes, more than {JsonLines.DefaultMaxLineBytes}.");
            }

            var line = file.Current;
            if (JsonLines.IsBlank(line.Span))
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Search journal '{path}' line {lineNumber} is not valid JSON: {ex.Message}", ex);
            }

            using (doc)
            {
                // Any damage a JSON value can carry (a missing or mistyped field, a number out of range, a string that is
                // not UTF-8) is a damaged journal: an InvalidDataException naming the line, never a raw
                // KeyNotFoundException or InvalidOperationException (found by fuzzing, docs/reliability.md).
                string? foreign = null;
                string what = header ? "record" : "header";
                try
                {
                    var root = doc.RootElement;
                    string kind = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("kind", out var k) ? k.GetString() ?? string.Empty : string.Empty;
                    if (!header)
                    {
                        if (kind != HeaderKind)
                        {
                            throw new InvalidDataException($"'{path}' line {lineNumber} is not a mixture search journal header (kind '{kind}').");
                        }

                        string found = root.GetProperty("fingerprint").GetString() ?? string.Empty;
                        if (found != fingerprint)
                        {
                            string theirs = root.TryGetProperty("configuration", out var c) ? c.GetString() ?? string.Empty : string.Empty;
                            foreign =
                                $"Search journal '{path}' belongs to another search configuration (fingerprint {found}, this search's is {fingerprint}); " +
                                $"its results cannot be mixed with this search's. Use another JournalPath or delete the file.{Environment.NewLine}" +
                                $"  journal: {theirs}{Environment.NewLine}  current: {configuration}";
                        }

                        header = true;
                    }
                    else if (kind == "failure")
                    {
                        what = "failure record";
                        int fr = root.GetProperty("round").GetInt32();
                        int fi = root.GetProperty("index").GetInt32();
                        var failure = new ProxyFailure
                        {
                            Round = fr,
                            Index = fi,
                            Seed = root.GetProperty("seed").GetInt32(),
                            Mixture = new MixtureWeights(root.GetProperty("mixture").EnumerateArray().Select(e => e.GetDouble())),
                            Reason = root.GetProperty("reason").GetString() ?? string.Empty,
                        };
                        entries.TryAdd((fr, fi), new Entry(fr, fi, null, lineNumber) { Failure = failure });
                    }
                    else if (kind == "result")
                    {
                        what = "result";
                        int round = root.GetProperty("round").GetInt32();
                        int index = root.GetProperty("index").GetInt32();
                        var metrics = new Dictionary<string, double>();
                        foreach (var p in root.GetProperty("metrics").EnumerateObject())
                        {
                            metrics[p.Name] = ReadDouble(p.Value);
                        }

                        var result = new ProxyResult
                        {
                            Mixture = new MixtureWeights(root.GetProperty("mixture").EnumerateArray().Select(e => e.GetDouble())),
                            Seed = root.GetProperty("seed").GetInt32(),
                            Objective = root.GetProperty("objective").GetDouble(),
                            Goal = Enum.Parse<ObjectiveGoal>(root.GetProperty("goal").GetString()!),
                            Metrics = metrics,
                            TokensTrained = root.GetProperty("tokensTrained").GetInt64(),
                            Elapsed = TimeSpan.FromSeconds(root.GetProperty("elapsedSeconds").GetDouble()),
                            Device = root.GetProperty("device").GetString() ?? string.Empty,
                            ProxyConfiguration = root.GetProperty("proxyConfiguration").GetString() ?? string.Empty,
                        };
                        entries.TryAdd((round, index), new Entry(round, index, result, lineNumber));
                    }
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or OverflowException)
                {
                    throw new InvalidDataException($"Search journal '{path}' line {lineNumber} is not a valid {what}: {ex.Message}", ex);
                }

                if (foreign is not null)
                {
                    throw new InvalidOperationException(foreign);
                }
            }
        }

        return header ? offset : 0;
    }

    /// <summary>A journaled run: a result, or (when <see cref="Failure"/> is set) a failure with a null result.</summary>
    internal sealed record Entry(int Round, int Index, ProxyResult? Result, int Line)
    {
        public ProxyFailure? Failure { get; init; }

        public MixtureWeights Mixture => Result?.Mixture ?? Failure!.Mixture;

        public int Seed => Result?.Seed ?? Failure!.Seed;
    }
}

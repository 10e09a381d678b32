using System.ComponentModel.DataAnnotations;
using System.Text;

namespace Climb.Tests.Corpus;

public sealed class JsonLinesReaderTests : IDisposable
{
    private const string ThreeDocuments =
        "{\"id\":\"a\",\"text\":\"Alpha text\",\"source\":\"s1\",\"topic\":\"t\",\"n\":42,\"tags\":[1,2]}\n" +
        "{\"id\":\"b\",\"text\":\"Beta \\u00e9t\\u00e9\",\"source\":\"s2\"}\n" +
        "{\"id\":\"c\",\"text\":\"Gamma\"}\n";

    private readonly CorpusTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Theory]
    [InlineData("plain.jsonl")]
    [InlineData("gzipped.jsonl.gz")]
    [InlineData("zstd.jsonl.zst")]
    public async Task Reads_plain_gzip_and_zstd_files_alike(string name)
    {
        var path = name.EndsWith(".gz", StringComparison.Ordinal) ? files.WriteGzip(name, ThreeDocuments)
            : name.EndsWith(".zst", StringComparison.Ordinal) ? files.WriteZstd(name, ThreeDocuments)
            : files.WriteText(name, ThreeDocuments);

        var reader = new CorpusReader(path);
        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["a", "b", "c"], documents.Select(d => d.Id));
        Assert.Equal(["Alpha text", "Beta été", "Gamma"], documents.Select(d => d.Text));
        Assert.Equal(["s1", "s2", name.Split('.')[0]], documents.Select(d => d.Source));
        Assert.Equal("t", documents[0].Metadata!["topic"]);
        Assert.Equal("42", documents[0].Metadata!["n"]);
        Assert.Equal("[1,2]", documents[0].Metadata!["tags"]);
        Assert.Null(documents[1].Metadata);
        Assert.Equal(3, reader.Statistics.DocumentsRead);
        Assert.Equal(Encoding.UTF8.GetByteCount(ThreeDocuments), reader.Statistics.BytesRead);
        Assert.Equal(path, Assert.Single(reader.Statistics.Files).Path);
    }

    [Fact]
    public async Task Configurable_fields_generated_ids_fixed_source_and_line_endings()
    {
        var path = files.WriteText(
            "sub/custom.ndjson",
            "\uFEFF{\"content\":\"first\",\"uid\":7}\r\n\r\n   \n{\"content\":\"second\",\"source\":\"ignored-field\"}\n{\"content\":\"third\",\"uid\":\"x-3\"}");
        var reader = new CorpusReader(
            path,
            new CorpusReaderOptions { TextField = "content", IdField = "uid", SourceField = null, Source = "web", IncludeMetadata = false });

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["first", "second", "third"], documents.Select(d => d.Text));
        // A numeric id is taken as written; a record without one gets <file>:<line> (line 4: blank lines count).
        Assert.Equal(["7", "custom.ndjson:4", "x-3"], documents.Select(d => d.Id));
        Assert.All(documents, d => Assert.Equal("web", d.Source));
        Assert.All(documents, d => Assert.Null(d.Metadata));
        Assert.Equal(0, reader.Statistics.SkippedEmpty);
    }

    [Fact]
    public async Task Generated_ids_in_a_folder_use_the_relative_path()
    {
        files.WriteText("corpus/a/one.jsonl", "{\"text\":\"x\"}\n{\"text\":\"y\"}\n");
        files.WriteText("corpus/b.jsonl", "{\"text\":\"z\"}\n");
        files.WriteText("corpus/notes.bin", "ignored");
        var reader = new CorpusReader(Path.Combine(files.Root, "corpus"));

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["a/one.jsonl:1", "a/one.jsonl:2", "b.jsonl:1"], documents.Select(d => d.Id));
        Assert.Equal(["one", "one", "b"], documents.Select(d => d.Source));
        Assert.Equal(1, reader.Statistics.FilesIgnored);
        Assert.Equal(2, reader.Statistics.Files.Count);
    }

    [Fact]
    public async Task Empty_and_whitespace_documents_are_skipped_and_counted()
    {
        var path = files.WriteText(
            "empty.jsonl",
            "{\"text\":\"\"}\n{\"text\":\"  \\n\\t \"}\n{\"text\":\"kept\"}\n{\"text\":\"ab\"}\n{\"text\":\" abcd \"}\n");
        var reader = new CorpusReader(path, new CorpusReaderOptions { MinTextLength = 3 });

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["kept", " abcd "], documents.Select(d => d.Text));
        Assert.Equal(2, reader.Statistics.SkippedEmpty);
        Assert.Equal(1, reader.Statistics.SkippedTooShort);
        Assert.Equal(2, reader.Statistics.Files[0].SkippedEmpty);
        Assert.Equal(0, reader.Statistics.SkippedInvalid);
    }

    [Theory]
    [InlineData("{\"text\":\"ok\"}\n{\"text\":\"ok\"}\n{\"text\": \"broken\"\n", 3, CorpusErrorKind.InvalidJson)]
    [InlineData("{\"text\":\"ok\"}\n{\"text\":\"ok\"} trailing\n", 2, CorpusErrorKind.InvalidJson)]
    [InlineData("[\"text\"]\n", 1, CorpusErrorKind.InvalidJson)]
    [InlineData("{\"text\":\"ok\"}\n{\"body\":\"no text field\"}\n", 2, CorpusErrorKind.MissingText)]
    [InlineData("{\"text\":null}\n", 1, CorpusErrorKind.MissingText)]
    [InlineData("{\"text\":\"ok\"}\n{\"text\":\"ok\"}\n{\"text\":\"ok\"}\n{\"text\":17}\n", 4, CorpusErrorKind.InvalidTextType)]
    [InlineData("{\"text\":\"ok\",\"id\":{\"nested\":1}}\n", 1, CorpusErrorKind.InvalidFieldType)]
    [InlineData("{\"text\":\"ok\"}\n{\"text\":\"\\ud800 lone surrogate\"}\n", 2, CorpusErrorKind.InvalidJson)]
    public async Task Bad_records_throw_naming_file_and_line(string content, int line, CorpusErrorKind kind)
    {
        var path = files.WriteText("bad.jsonl", content);
        var reader = new CorpusReader(path);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(reader));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(path, error.FilePath);
        Assert.Equal(line, error.Line);
        Assert.StartsWith($"{path}:{line}", error.Message, StringComparison.Ordinal);
        Assert.Equal(line - 1, reader.Statistics.DocumentsRead);
    }

    [Fact]
    public async Task Broken_json_reports_the_column()
    {
        var path = files.WriteText("column.jsonl", "{\"text\":\"ok\"}\n{\"text\": tru}\n");

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path)));

        Assert.Equal(CorpusErrorKind.InvalidJson, error.Kind);
        Assert.Equal(2, error.Line);
        Assert.Equal(13, error.Column); // the '}' where 'true' should go on
        Assert.StartsWith($"{path}:2:13: invalid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_throws_with_line_and_byte_column()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"text\":\"fine\"}\n{\"text\":\"caf").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}\n")).ToArray();
        var path = files.WriteBytes("utf8.jsonl", bytes);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path)));

        Assert.Equal(CorpusErrorKind.InvalidUtf8, error.Kind);
        Assert.Equal(2, error.Line);
        Assert.Equal(13, error.Column);
        Assert.StartsWith($"{path}:2:13: invalid UTF-8: byte 0xC3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_utf8_inside_a_gzip_file_is_found_too()
    {
        var text = "{\"text\":\"one\"}\n{\"text\":\"two\"}\n{\"text\":\"th\u00ffree\"}\n";
        using var buffer = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(buffer, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.Latin1.GetBytes(text));
        }

        var path = files.WriteBytes("latin1.jsonl.gz", buffer.ToArray());

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path)));

        Assert.Equal(CorpusErrorKind.InvalidUtf8, error.Kind);
        Assert.StartsWith($"{path}:3:12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Skip_policy_counts_each_reason_per_file_and_goes_on()
    {
        var bad = Encoding.UTF8.GetBytes(
                "{\"text\":\"good 1\"}\n" +
                "{broken\n" +
                "{\"other\":\"x\"}\n" +
                "{\"text\":5}\n" +
                "{\"text\":\"\"}\n" +
                "{\"text\":\"bad ")
            .Concat(new byte[] { 0xFF })
            .Concat(Encoding.UTF8.GetBytes("\"}\n{\"text\":\"good 2\"}\n{\"text\":\"" + new string('x', 2000) + "\"}\n{\"text\":\"good 3\"}"))
            .ToArray();
        var first = files.WriteBytes("corpus/1.jsonl", bad);
        files.WriteText("corpus/2.jsonl", "{\"text\":\"good 4\"}\n{oops}\n");
        var reader = new CorpusReader(
            Path.Combine(files.Root, "corpus"),
            new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip, MaxRecordBytes = 1024, MaxRecordedErrors = 3 });

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["good 1", "good 2", "good 3", "good 4"], documents.Select(d => d.Text));
        var statistics = reader.Statistics;
        Assert.Equal(4, statistics.DocumentsRead);
        Assert.Equal(1, statistics.SkippedEmpty);
        Assert.Equal(6, statistics.SkippedInvalid);
        Assert.Equal(2, statistics.SkippedByKind[CorpusErrorKind.InvalidJson]);
        Assert.Equal(1, statistics.SkippedByKind[CorpusErrorKind.MissingText]);
        Assert.Equal(1, statistics.SkippedByKind[CorpusErrorKind.InvalidTextType]);
        Assert.Equal(1, statistics.SkippedByKind[CorpusErrorKind.InvalidUtf8]);
        Assert.Equal(1, statistics.SkippedByKind[CorpusErrorKind.TooLong]);
        Assert.Equal(5, statistics.Files[0].SkippedInvalid);
        Assert.Equal(1, statistics.Files[1].SkippedInvalid);
        Assert.Equal(1, statistics.Files[1].SkippedByKind[CorpusErrorKind.InvalidJson]);
        Assert.Equal(3, statistics.Errors.Count);
        Assert.Equal((first, 2L, CorpusErrorKind.InvalidJson), (statistics.Errors[0].FilePath, statistics.Errors[0].Line, statistics.Errors[0].Kind));
        Assert.Equal((3L, CorpusErrorKind.MissingText), (statistics.Errors[1].Line, statistics.Errors[1].Kind));
        Assert.Equal((4L, CorpusErrorKind.InvalidTextType), (statistics.Errors[2].Line, statistics.Errors[2].Kind));
        Assert.Contains("6 invalid", statistics.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_an_error_and_the_next_line_still_reads()
    {
        var longLine = "{\"text\":\"" + new string('y', 5000) + "\"}";
        var path = files.WriteText("long.jsonl", "{\"text\":\"a\"}\n" + longLine + "\n{\"text\":\"b\"}\n" + longLine);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(
            () => CorpusTestFiles.ReadAllAsync(new CorpusReader(path, new CorpusReaderOptions { MaxRecordBytes = 1024 })));
        Assert.Equal((CorpusErrorKind.TooLong, 2L), (error.Kind, error.Line));

        var skipping = new CorpusReader(path, new CorpusReaderOptions { MaxRecordBytes = 1024, ErrorPolicy = CorpusErrorPolicy.Skip });
        var documents = await CorpusTestFiles.ReadAllAsync(skipping);
        Assert.Equal(["a", "b"], documents.Select(d => d.Text));
        Assert.Equal([2L, 4L], skipping.Statistics.Errors.Select(e => e.Line));
    }

    [Fact]
    public async Task Lines_longer_than_the_read_buffer_are_read_whole()
    {
        var big = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"w{i} "));
        var path = files.WriteGzip("big.jsonl.gz", "{\"text\":\"small\"}\n{\"text\":\"" + big + "\"}\n{\"text\":\"after\"}\n");

        var documents = await CorpusTestFiles.ReadAllAsync(new CorpusReader(path));

        Assert.Equal(3, documents.Count);
        Assert.Equal(big, documents[1].Text);
        Assert.Equal("after", documents[2].Text);
    }

    [Fact]
    public async Task A_truncated_zstd_file_is_a_corrupt_file_error()
    {
        var lines = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"{{\"text\":\"document {i} {Guid.NewGuid()}\"}}\n"));
        var bytes = File.ReadAllBytes(files.WriteZstd("whole.jsonl.zst", lines));
        var truncated = files.WriteBytes("truncated.jsonl.zst", bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(truncated)));
        Assert.Equal(CorpusErrorKind.CorruptFile, error.Kind);
        Assert.StartsWith(truncated + ":", error.Message, StringComparison.Ordinal);

        var skipping = new CorpusReader(truncated, new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip });
        var documents = await CorpusTestFiles.ReadAllAsync(skipping);
        Assert.InRange(documents.Count, 1, 9_999); // zstd blocks of up to 128 KiB before the cut are read
        Assert.Equal(1, skipping.Statistics.SkippedInvalid);
        Assert.Equal(1, skipping.Statistics.SkippedByKind[CorpusErrorKind.CorruptFile]);
    }

    [Fact]
    public async Task A_truncated_gzip_file_is_a_corrupt_file_error()
    {
        // .NET's GZipStream ends a truncated stream quietly; the reader checks the gzip trailer itself.
        var lines = string.Concat(Enumerable.Range(0, 2000).Select(i => $"{{\"text\":\"document {i:D4}\"}}\n"));
        var bytes = File.ReadAllBytes(files.WriteGzip("whole.jsonl.gz", lines));
        var truncated = files.WriteBytes("truncated.jsonl.gz", bytes[..(bytes.Length * 3 / 4)]);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(truncated)));
        Assert.Equal(CorpusErrorKind.CorruptFile, error.Kind);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);

        var skipping = new CorpusReader(truncated, new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip });
        var documents = await CorpusTestFiles.ReadAllAsync(skipping);
        var recorded = Assert.Single(skipping.Statistics.Errors);
        Assert.Equal(CorpusErrorKind.CorruptFile, recorded.Kind);
        Assert.Equal(documents.Count + 1, recorded.Line);
        Assert.InRange(documents.Count, 1000, 1999);
        Assert.Equal(Enumerable.Range(0, documents.Count).Select(i => $"document {i:D4}"), documents.Select(d => d.Text));
    }

    [Fact]
    public async Task A_truncated_gzip_text_file_is_a_corrupt_file_error()
    {
        var text = string.Concat(Enumerable.Range(0, 3000).Select(i => $"line {i} of a long text file\n"));
        var bytes = File.ReadAllBytes(files.WriteGzip("texts/whole.txt.gz", text));
        files.WriteBytes("texts/whole.txt.gz", bytes[..(bytes.Length / 2)]);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(
            () => CorpusTestFiles.ReadAllAsync(new CorpusReader(Path.Combine(files.Root, "texts"))));
        Assert.Equal(CorpusErrorKind.CorruptFile, error.Kind);
    }

    [Fact]
    public async Task Concatenated_gzip_members_read_as_one_file()
    {
        var first = File.ReadAllBytes(files.WriteGzip("part1.gz", "{\"text\":\"one\"}\n{\"text\":\"two\"}\n"));
        var second = File.ReadAllBytes(files.WriteGzip("part2.gz", "{\"text\":\"three\"}\n"));
        var path = files.WriteBytes("joined.jsonl.gz", [.. first, .. second]);

        var documents = await CorpusTestFiles.ReadAllAsync(new CorpusReader(path));

        Assert.Equal(["one", "two", "three"], documents.Select(d => d.Text));
        Assert.Equal("joined.jsonl.gz:3", documents[2].Id);
    }

    [Fact]
    public async Task Cancellation_stops_the_enumeration()
    {
        var path = files.WriteText("many.jsonl", string.Concat(Enumerable.Range(0, 1000).Select(i => $"{{\"text\":\"d{i}\"}}\n")));
        using var cancellation = new CancellationTokenSource();
        var seen = 0;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in new CorpusReader(path).ReadAsync(cancellation.Token))
            {
                if (++seen == 10)
                {
                    await cancellation.CancelAsync();
                }
            }
        });
        Assert.Equal(10, seen);
    }

    [Fact]
    public async Task Each_enumeration_reads_again_with_fresh_statistics()
    {
        var path = files.WriteText("twice.jsonl", "{\"text\":\"a\"}\n{\"text\":\"\"}\n");
        var reader = new CorpusReader(path);

        var first = await CorpusTestFiles.ReadAllAsync(reader);
        var firstStatistics = reader.Statistics;
        var second = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(first, second);
        Assert.NotSame(firstStatistics, reader.Statistics);
        Assert.Equal((1L, 1L), (reader.Statistics.DocumentsRead, reader.Statistics.SkippedEmpty));
    }

    [Fact]
    public void Bad_arguments_fail_in_the_constructor()
    {
        var missing = Path.Combine(files.Root, "nope.jsonl");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => new CorpusReader(missing)).Message, StringComparison.Ordinal);

        var unknown = files.WriteText("data.bin", "x");
        Assert.Contains("data.bin", Assert.Throws<ArgumentException>(() => new CorpusReader(unknown)).Message, StringComparison.Ordinal);
        _ = new CorpusReader(unknown, new CorpusReaderOptions { Format = CorpusFormat.JsonLines });

        var invalid = Assert.Throws<ValidationException>(() => new CorpusReader(
            files.Root,
            new CorpusReaderOptions { TextField = "", MinTextLength = 0, IdField = "text", FilePattern = "a/*.jsonl" }));
        Assert.Contains("TextField", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("MinTextLength", invalid.Message, StringComparison.Ordinal);
        Assert.Contains("FilePattern", invalid.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CorpusReader(Array.Empty<string>()));
    }

    [Fact]
    public async Task Options_are_copied_so_later_changes_do_not_affect_the_reader()
    {
        var path = files.WriteText("copy.jsonl", "{\"text\":\"a\",\"body\":\"b\"}\n");
        var options = new CorpusReaderOptions();
        var reader = new CorpusReader(path, options);
        options.TextField = "body";

        Assert.Equal("a", Assert.Single(await CorpusTestFiles.ReadAllAsync(reader)).Text);
    }
}

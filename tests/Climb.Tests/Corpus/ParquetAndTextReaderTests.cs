using System.Text;

namespace Climb.Tests.Corpus;

public sealed class ParquetAndTextReaderTests : IDisposable
{
    private static readonly CorpusReaderOptions ParquetColumns = new() { TextField = "body", IdField = "key", SourceField = "domain" };

    private readonly CorpusTestFiles files = new();

    public void Dispose() => files.Dispose();

    [Fact]
    public async Task Parquet_rows_of_every_row_group_become_documents()
    {
        var path = await files.WriteParquetAsync(
            "docs.parquet",
            [("first text", "k1", "web", 2001, 0.5), ("second text", null, null, 2002, 1.25)],
            [("third text", "k3", "books", 2003, -2)]);
        var reader = new CorpusReader(path, ParquetColumns);

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["first text", "second text", "third text"], documents.Select(d => d.Text));
        // A null id becomes <file>:<row> (1-based over the whole file); a null source falls back to the file name.
        Assert.Equal(["k1", "docs.parquet:2", "k3"], documents.Select(d => d.Id));
        Assert.Equal(["web", "docs", "books"], documents.Select(d => d.Source));
        Assert.Equal("2003", documents[2].Metadata!["year"]);
        Assert.Equal("-2", documents[2].Metadata!["score"]);
        Assert.Equal("1.25", documents[1].Metadata!["score"]);
        Assert.Equal(3, reader.Statistics.DocumentsRead);
        Assert.Equal(CorpusFormat.Parquet, reader.Statistics.Files[0].Format);
    }

    [Fact]
    public async Task Parquet_null_and_empty_texts_are_errors_and_skips_with_the_row_number()
    {
        var path = await files.WriteParquetAsync(
            "nulls.parquet",
            [("one", "a", "s", 1, 0), (" ", "b", "s", 2, 0)],
            [("three", "c", "s", 3, 0), (null, "d", "s", 4, 0), ("five", "e", "s", 5, 0)]);

        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path, ParquetColumns)));
        Assert.Equal((CorpusErrorKind.MissingText, 4L), (error.Kind, error.Line));
        Assert.StartsWith($"{path}:4: missing text", error.Message, StringComparison.Ordinal);

        var options = new CorpusReaderOptions { TextField = "body", IdField = "key", ErrorPolicy = CorpusErrorPolicy.Skip };
        var reader = new CorpusReader(path, options);
        var documents = await CorpusTestFiles.ReadAllAsync(reader);
        Assert.Equal(["a", "c", "e"], documents.Select(d => d.Id));
        Assert.Equal(1, reader.Statistics.SkippedEmpty);
        Assert.Equal(1, reader.Statistics.SkippedByKind[CorpusErrorKind.MissingText]);
        Assert.Equal("s", documents[0].Metadata!["domain"]);
    }

    [Fact]
    public async Task Parquet_without_the_text_column_or_with_a_non_string_one_is_rejected()
    {
        var path = await files.WriteParquetAsync("columns.parquet", [("x", "a", "s", 1, 0)]);

        var missing = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path)));
        Assert.Equal(CorpusErrorKind.MissingText, missing.Kind);
        Assert.Contains("no column 'text'", missing.Message, StringComparison.Ordinal);
        Assert.Contains("body", missing.Message, StringComparison.Ordinal);

        var wrongType = await Assert.ThrowsAsync<CorpusFormatException>(
            () => CorpusTestFiles.ReadAllAsync(new CorpusReader(path, new CorpusReaderOptions { TextField = "year" })));
        Assert.Equal(CorpusErrorKind.InvalidTextType, wrongType.Kind);
        Assert.StartsWith(path, wrongType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_that_is_not_parquet_is_a_corrupt_file()
    {
        var path = files.WriteText("fake.parquet", "this is not a parquet file at all, just some text that is long enough");
        var error = await Assert.ThrowsAsync<CorpusFormatException>(() => CorpusTestFiles.ReadAllAsync(new CorpusReader(path)));
        Assert.Equal(CorpusErrorKind.CorruptFile, error.Kind);

        var reader = new CorpusReader(path, new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip });
        Assert.Empty(await CorpusTestFiles.ReadAllAsync(reader));
        Assert.Equal(1, reader.Statistics.SkippedByKind[CorpusErrorKind.CorruptFile]);
    }

    [Fact]
    public async Task A_folder_of_text_files_gives_one_document_per_file_tagged_with_its_folder()
    {
        files.WriteText("books/intro.txt", "Intro text.\nSecond line.");
        files.WriteText("books/fiction/novel.md", "# Novel\nOnce upon a time.");
        files.WriteGzip("books/fiction/short.txt.gz", "A short story, compressed.");
        files.WriteZstd("books/poetry/ode.txt.zst", "An ode, zstd.");
        files.WriteText("books/poetry/blank.txt", "  \n\n ");
        files.WriteText("books/image.png", "not text");
        var root = Path.Combine(files.Root, "books");
        var reader = new CorpusReader(root);

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["fiction/novel.md", "fiction/short.txt.gz", "intro.txt", "poetry/ode.txt.zst"], documents.Select(d => d.Id));
        Assert.Equal(["fiction", "fiction", "books", "poetry"], documents.Select(d => d.Source));
        Assert.Equal("A short story, compressed.", documents[1].Text);
        Assert.Equal("An ode, zstd.", documents[3].Text);
        Assert.Equal(1, reader.Statistics.SkippedEmpty);
        Assert.Equal(1, reader.Statistics.FilesIgnored);

        var flat = new CorpusReader(root, new CorpusReaderOptions { Recursive = false, FilePattern = "*.txt", Source = "mine" });
        var top = Assert.Single(await CorpusTestFiles.ReadAllAsync(flat));
        Assert.Equal(("intro.txt", "mine"), (top.Id, top.Source));
    }

    [Fact]
    public async Task Text_files_with_invalid_utf8_name_line_and_column()
    {
        var bytes = Encoding.UTF8.GetBytes("line one\nline two\nbad: ").Concat(new byte[] { 0x80 }).ToArray();
        var path = files.WriteBytes("texts/bad.txt", bytes);
        files.WriteText("texts/good.txt", "fine");

        var error = await Assert.ThrowsAsync<CorpusFormatException>(
            () => CorpusTestFiles.ReadAllAsync(new CorpusReader(Path.Combine(files.Root, "texts"))));
        Assert.Equal((CorpusErrorKind.InvalidUtf8, 3L, 6L), (error.Kind, error.Line, error.Column));
        Assert.StartsWith($"{path}:3:6: invalid UTF-8", error.Message, StringComparison.Ordinal);

        var reader = new CorpusReader(Path.Combine(files.Root, "texts"), new CorpusReaderOptions { ErrorPolicy = CorpusErrorPolicy.Skip });
        Assert.Equal("fine", Assert.Single(await CorpusTestFiles.ReadAllAsync(reader)).Text);
        Assert.Equal(1, reader.Statistics.SkippedByKind[CorpusErrorKind.InvalidUtf8]);
    }

    [Fact]
    public async Task Mixed_formats_in_several_paths_read_in_order()
    {
        var parquet = await files.WriteParquetAsync("mixed/b.parquet", [("from parquet", "p1", null, 1, 0)]);
        files.WriteText("mixed/a.jsonl", "{\"body\":\"from jsonl\"}\n");
        var text = files.WriteText("extra.txt", "from text");
        var reader = new CorpusReader([Path.Combine(files.Root, "mixed"), text], new CorpusReaderOptions { TextField = "body", IdField = "key" });

        var documents = await CorpusTestFiles.ReadAllAsync(reader);

        Assert.Equal(["from jsonl", "from parquet", "from text"], documents.Select(d => d.Text));
        Assert.Equal([CorpusFormat.JsonLines, CorpusFormat.Parquet, CorpusFormat.TextFiles], reader.Statistics.Files.Select(f => f.Format));
        Assert.Equal(parquet, reader.Statistics.Files[1].Path);
    }
}

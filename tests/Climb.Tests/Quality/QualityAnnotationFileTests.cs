using System.IO.Compression;
using System.Text;

namespace Climb.Tests.Quality;

public sealed class QualityAnnotationFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-annotations-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Line(string id, float quality) =>
        QualityAnnotationFile.FormatLine(new QualityAnnotation(id, "text " + id, new QualityScores(quality, 1, 2, 3)));

    [Fact]
    public async Task Reads_plain_crlf_bom_and_gzip_files_alike_skipping_blank_lines()
    {
        string text = Line("a", 1) + "\r\n   \r\n" + Line("b", 4.5f) + "\r\n";
        string plain = Path.Combine(_dir, "plain.jsonl");
        await File.WriteAllTextAsync(plain, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        string gz = Path.Combine(_dir, "zipped.jsonl.gz");
        await using (var file = File.Create(gz))
        await using (var zip = new GZipStream(file, CompressionLevel.Fastest))
        {
            await zip.WriteAsync(Encoding.UTF8.GetBytes(text));
        }

        foreach (string path in new[] { plain, gz })
        {
            var annotations = await QualityAnnotationFile.ReadAsync(path);
            Assert.Equal(["a", "b"], annotations.Select(a => a.Id));
            Assert.Equal(4.5f, annotations[1].Scores.Quality);
        }
    }

    [Fact]
    public async Task Damaged_lines_are_format_errors_naming_file_and_line()
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(path, Line("a", 1) + "\n\n{\"id\": \"b\", \n");
        var ex = await Assert.ThrowsAsync<FormatException>(() => QualityAnnotationFile.ReadAsync(path));
        Assert.StartsWith(path + ":3", ex.Message, StringComparison.Ordinal);

        await File.WriteAllBytesAsync(path, [.. Encoding.UTF8.GetBytes(Line("a", 1) + "\n{\"id\": \"b\", \"text\": \""), 0xFF, .. "\"}\n"u8]);
        ex = await Assert.ThrowsAsync<FormatException>(() => QualityAnnotationFile.ReadAsync(path));
        Assert.StartsWith(path + ":2:", ex.Message, StringComparison.Ordinal);

        await File.WriteAllTextAsync(path, "[1, 2]\n");
        ex = await Assert.ThrowsAsync<FormatException>(() => QualityAnnotationFile.ReadAsync(path));
        Assert.StartsWith(path + ":1: expected a JSON object", ex.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => QualityAnnotationFile.ReadAsync(Path.Combine(_dir, "none.jsonl")));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }
}

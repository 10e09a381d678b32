using System.IO.Compression;

namespace Climb.Tests.Corpus;

public sealed class JsonLinesHelperTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("climb-jsonl-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<List<(long Line, string Text)>> ReadAsync(string path)
    {
        var result = new List<(long, string)>();
        await foreach (var (line, root) in JsonLines.ReadObjectsAsync(path))
        {
            result.Add((line, JsonLines.String(root, "text", path, line)));
        }

        return result;
    }

    [Fact]
    public async Task Reads_plain_and_gzip_files_skipping_blank_lines_with_file_line_numbers()
    {
        string content = "{\"text\":\"a\"}\n\n  \r\n{\"text\":\"b\",\"n\":1}\r\n";
        string plain = Path.Combine(_dir, "x.jsonl");
        await File.WriteAllTextAsync(plain, content);
        string gz = Path.Combine(_dir, "x.jsonl.gz");
        await using (var f = File.Create(gz))
        await using (var z = new GZipStream(f, CompressionLevel.Fastest))
        {
            await z.WriteAsync(System.Text.Encoding.UTF8.GetBytes(content));
        }

        Assert.Equal([(1L, "a"), (4L, "b")], await ReadAsync(plain));
        Assert.Equal([(1L, "a"), (4L, "b")], await ReadAsync(gz));
        Assert.Equal([1L, 4L], JsonLines.ReadObjects(gz).Select(o => o.Line));
    }

    [Theory]
    [InlineData("{\"text\":\"a\"}\n{\"text\": tru}\n", "bad.jsonl:2:", "invalid JSON")]
    [InlineData("{\"text\":\"a\"}\n[1,2]\n", "bad.jsonl:2:", "expected a JSON object, found an array")]
    [InlineData("{\"text\":5}\n", "bad.jsonl:1:", "field 'text' is a number, not a string")]
    [InlineData("{\"other\":\"a\"}\n", "bad.jsonl:1:", "missing field 'text'")]
    public async Task Errors_name_the_file_and_line(string content, string where, string what)
    {
        string path = Path.Combine(_dir, "bad.jsonl");
        await File.WriteAllTextAsync(path, content);
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(path));
        Assert.Contains(where, ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncated_gzip_and_overlong_lines_are_errors_not_silent_ends()
    {
        string gz = Path.Combine(_dir, "cut.jsonl.gz");
        var ms = new MemoryStream();
        await using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true))
        {
            for (int i = 0; i < 2000; i++)
            {
                await z.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"{{\"text\":\"line {i} {Guid.NewGuid()}\"}}\n"));
            }
        }

        await File.WriteAllBytesAsync(gz, ms.ToArray()[..(int)(ms.Length / 2)]);
        var cut = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(gz));
        Assert.Contains("cut.jsonl.gz:", cut.Message, StringComparison.Ordinal);

        string longLine = Path.Combine(_dir, "long.jsonl");
        await File.WriteAllTextAsync(longLine, "{\"text\":\"" + new string('x', 5000) + "\"}\n");
        var tooLong = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in JsonLines.ReadObjectsAsync(longLine, maxLineBytes: 1000))
            {
            }
        });
        Assert.Contains("long.jsonl:1: the line has", tooLong.Message, StringComparison.Ordinal);
    }
}

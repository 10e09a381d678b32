using System.IO.Compression;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Climb.Fuzz;

/// <summary>The corpus readers: JSON lines (plain, gzip, zstd), Parquet and text files, each read under both error policies.</summary>
internal static class CorpusTargets
{
    private const string JsonLines =
        """
        {"id": "a1", "text": "The quick brown fox jumps over the lazy dog.", "source": "web", "lang": "en", "score": 0.5}
        {"text": "Ünïcödé text — with “quotes”, emoji 🙂 and \u00e9scapes\n\ttabs", "id": 42, "source": null}
        {"id": "a3", "text": "", "meta": {"nested": [1, 2, {"x": true}]}}

        {"id": "a4", "text": "line with CRLF ending", "source": "forum"}
        """;

    public static IEnumerable<FuzzTarget> All =>
    [
        Create("jsonl", "JSON lines corpus file (plain)", "corpus.jsonl", PlainSeeds),
        Create("jsonl-gz", "JSON lines corpus file, gzip-compressed", "corpus.jsonl.gz", () => PlainSeeds().Select(s => (s.Name + ".gz", Gzip(s.Bytes)))),
        Create("jsonl-zst", "JSON lines corpus file, zstd-compressed", "corpus.jsonl.zst", () => PlainSeeds().Select(s => (s.Name + ".zst", Zstd(s.Bytes)))),
        Create("parquet", "Parquet corpus file", "corpus.parquet", ParquetSeeds),
        Create("text", "text folder file (.txt/.md)", "document.txt", TextSeeds),
    ];

    /// <summary>
    /// Reads a corpus file under Throw (only a <see cref="CorpusFormatException"/> naming the file may escape); if it threw,
    /// reads it again under Skip, where nothing may escape, then rethrows the first error.
    /// </summary>
    public static void ReadFile(byte[] input, string fileName)
    {
        string folder = WorkFolder.Fresh("corpus");
        string path = Path.Combine(folder, fileName);
        File.WriteAllBytes(path, input);
        try
        {
            Drain(path, CorpusErrorPolicy.Throw);
        }
        catch (CorpusFormatException ex) when (ex.FilePath == path)
        {
            // Under Skip the same file must read to its end without any exception: bad records are counted, never thrown.
            try
            {
                Drain(path, CorpusErrorPolicy.Skip);
            }
            catch (CorpusFormatException skipped)
            {
                throw new InvalidOperationException($"Under CorpusErrorPolicy.Skip the reader threw: {skipped.Message}", skipped);
            }

            throw;
        }
    }

    private static FuzzTarget Create(string name, string description, string fileName, Func<IEnumerable<(string, byte[])>> seeds) =>
        new(name, description, input => ReadFile(input, fileName), ex => ex is CorpusFormatException { FilePath.Length: > 0 }, seeds);

    private static void Drain(string path, CorpusErrorPolicy policy)
    {
        var reader = new CorpusReader(path, new CorpusReaderOptions { ErrorPolicy = policy, MaxRecordBytes = 1 << 20 });
        long characters = 0;
        foreach (var document in reader.ReadAsync().ToBlockingEnumerable())
        {
            characters += document.Text.Length + document.Id.Length + (document.Source?.Length ?? 0);
        }

        GC.KeepAlive(characters);
    }

    private static IEnumerable<(string Name, byte[] Bytes)> PlainSeeds()
    {
        yield return ("records.jsonl", Encoding.UTF8.GetBytes(JsonLines.Replace("line with CRLF ending\", \"source\": \"forum\"}", "line with CRLF ending\", \"source\": \"forum\"}\r", StringComparison.Ordinal) + "\n"));
        yield return ("one.jsonl", "{\"text\":\"x\"}"u8.ToArray());
        yield return ("bom.jsonl", [0xEF, 0xBB, 0xBF, .. "{\"text\":\"bom first\",\"id\":\"b\"}\n"u8]);
        yield return ("numbers.jsonl", "{\"text\":\"n\",\"id\":1e308,\"source\":-0.0,\"v\":[1,2,3]}\n{\"text\":\"\\ud83d\\ude00\"}\n"u8.ToArray());
    }

    private static IEnumerable<(string Name, byte[] Bytes)> TextSeeds()
    {
        yield return ("plain.txt", "A plain text document.\nWith two lines.\n"u8.ToArray());
        yield return ("utf8.txt", Encoding.UTF8.GetBytes("Ünïcödé — 🙂\r\nCRLF lines\r\n"));
        yield return ("bom.txt", [0xEF, 0xBB, 0xBF, .. "with a BOM"u8]);
    }

    private static IEnumerable<(string Name, byte[] Bytes)> ParquetSeeds()
    {
        yield return ("strings.parquet", Parquet(
            ["first document", "second — ünïcödé", "third", "fourth"],
            ["d1", "d2", "d3", null],
            ["web", null, "books", "web"]));
        yield return ("single.parquet", Parquet(["only"], ["x"], ["s"]));
    }

    private static byte[] Parquet(string?[] texts, string?[] ids, string?[] sources)
    {
        var text = new DataField<string>("text", nullable: true);
        var id = new DataField<string>("id", nullable: true);
        var source = new DataField<string>("source", nullable: true);
        var year = new DataField<int>("year");
        var schema = new ParquetSchema(text, id, source, year);
        using var stream = new MemoryStream();
        Task.Run(async () =>
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, stream);
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(text, texts!);
            await group.WriteAsync(id, ids!);
            await group.WriteAsync(source, sources!);
            await group.WriteAsync<int>(year, texts.Select((_, i) => 2000 + i).ToArray());
        }).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(bytes);
        }

        return buffer.ToArray();
    }

    private static byte[] Zstd(byte[] bytes)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return compressor.Wrap(bytes).ToArray();
    }
}

using System.IO.Compression;
using System.Text;
using Parquet;
using Parquet.Schema;

namespace Climb.Tests.Corpus;

/// <summary>A temporary folder for corpus files written by a test, deleted afterwards.</summary>
internal sealed class CorpusTestFiles : IDisposable
{
    public CorpusTestFiles()
    {
        Root = Path.Combine(Path.GetTempPath(), "climb-corpus-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static async Task<List<Document>> ReadAllAsync(ICorpusReader reader, CancellationToken cancellationToken = default)
    {
        var documents = new List<Document>();
        await foreach (var document in reader.ReadAsync(cancellationToken))
        {
            documents.Add(document);
        }

        return documents;
    }

    public string PathOf(string relative)
    {
        var path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var path = PathOf(relative);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public string WriteText(string relative, string text) => WriteBytes(relative, Encoding.UTF8.GetBytes(text));

    public string WriteGzip(string relative, string text)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }

        return WriteBytes(relative, buffer.ToArray());
    }

    public string WriteZstd(string relative, string text)
    {
        using var compressor = new ZstdSharp.Compressor(3);
        return WriteBytes(relative, compressor.Wrap(Encoding.UTF8.GetBytes(text)).ToArray());
    }

    /// <summary>Writes a Parquet file with string columns text/id/source, an int column and a double column, one row group per batch.</summary>
    public async Task<string> WriteParquetAsync(string relative, params (string? Text, string? Id, string? Source, int Year, double Score)[][] rowGroups)
    {
        var path = PathOf(relative);
        var text = new DataField<string>("body", nullable: true);
        var id = new DataField<string>("key", nullable: true);
        var source = new DataField<string>("domain", nullable: true);
        var year = new DataField<int>("year");
        var score = new DataField<double>("score");
        var schema = new ParquetSchema(text, id, source, year, score);
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(schema, stream);
        foreach (var rows in rowGroups)
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(text, rows.Select(r => r.Text).ToArray()!);
            await group.WriteAsync(id, rows.Select(r => r.Id).ToArray()!);
            await group.WriteAsync(source, rows.Select(r => r.Source).ToArray()!);
            await group.WriteAsync<int>(year, rows.Select(r => r.Year).ToArray());
            await group.WriteAsync<double>(score, rows.Select(r => r.Score).ToArray());
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

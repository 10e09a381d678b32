using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics.Tensors;
using System.Security.Cryptography;
using System.Text;

namespace Climb;

/// <summary>A word-vector table: words in frequency order, their vectors (row-major) and frequency ranks.</summary>
internal sealed class WordVectors
{
    /// <summary>The logical name of the embedded GloVe resource (see scripts/build-glove-resource.py).</summary>
    internal const string GloveResourceName = "Climb.Embedding.glove-6b-100d.bin.gz";

    private static readonly Lazy<WordVectors> LazyGlove = new(LoadGlove, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, int> _index;
    private float? _meanNorm;

    public WordVectors(string[] words, int[] ranks, float[] vectors, int dimension, string description, string? contentHash = null)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(vectors);
        if (ranks.Length != words.Length || vectors.Length != checked(words.Length * dimension))
        {
            throw new ArgumentException($"{words.Length} words, {ranks.Length} ranks and {vectors.Length} values do not agree with dimension {dimension}.");
        }

        Words = words;
        Ranks = ranks;
        Vectors = vectors;
        Dimension = dimension;
        Description = description;
        ContentHash = contentHash ?? HashOf(words, vectors);
        _index = new Dictionary<string, int>(words.Length, StringComparer.Ordinal);
        for (int i = 0; i < words.Length; i++)
        {
            _index.TryAdd(words[i], i);
        }

        Lookup = _index.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Gets the GloVe 6B 100-d table embedded in this assembly (loaded once, on first use).</summary>
    public static WordVectors Glove => LazyGlove.Value;

    public string[] Words { get; }

    /// <summary>Gets each word's 1-based rank in the source's frequency order.</summary>
    public int[] Ranks { get; }

    public float[] Vectors { get; }

    public int Dimension { get; }

    public int Count => Words.Length;

    public string Description { get; }

    /// <summary>Gets a short SHA-256 of the table's content, part of the model identity.</summary>
    public string ContentHash { get; }

    public Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> Lookup { get; }

    public ReadOnlySpan<float> Vector(int index) => Vectors.AsSpan(index * Dimension, Dimension);

    /// <summary>Gets the mean length of the table's vectors (the scale given to vectors of unknown words).</summary>
    public float MeanNorm => _meanNorm ??= ComputeMeanNorm();

    private float ComputeMeanNorm()
    {
        double sum = 0;
        for (int i = 0; i < Count; i++)
        {
            sum += TensorPrimitives.Norm(Vector(i));
        }

        return Count == 0 ? 1f : (float)(sum / Count);
    }

    internal static WordVectors Read(Stream compressed, string name)
    {
        using var gz = new GZipStream(compressed, CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        ReadOnlySpan<byte> b = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        if (b.Length < 24 || !b[..8].SequenceEqual("CLIMBGLV"u8))
        {
            throw new InvalidDataException($"{name} is not a Climb word-vector resource (bad magic).");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(b[8..]);
        int count = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b[12..]));
        int dim = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b[16..]));
        uint dtype = BinaryPrimitives.ReadUInt32LittleEndian(b[20..]);
        if (version != 1 || dtype != 1)
        {
            throw new InvalidDataException($"{name}: unsupported version {version} or data type {dtype}.");
        }

        int pos = 24;
        int sourceLength = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]));
        pos += 4;
        string description = Encoding.UTF8.GetString(b.Slice(pos, sourceLength));
        pos += sourceLength;
        int wordBytes = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]));
        pos += 4;
        string[] words = Encoding.UTF8.GetString(b.Slice(pos, wordBytes)).Split('\n');
        pos += wordBytes;
        if (words.Length != count)
        {
            throw new InvalidDataException($"{name}: {words.Length} words listed, header says {count}.");
        }

        var ranks = new int[count];
        for (int i = 0; i < count; i++, pos += 4)
        {
            ranks[i] = checked((int)BinaryPrimitives.ReadUInt32LittleEndian(b[pos..]));
        }

        int values = checked(count * dim);
        if (b.Length - pos != values * 2)
        {
            throw new InvalidDataException($"{name}: {b.Length - pos} vector bytes, expected {values * 2}.");
        }

        // Undo the byte shuffle: low bytes first, then high bytes.
        ReadOnlySpan<byte> low = b.Slice(pos, values);
        ReadOnlySpan<byte> high = b.Slice(pos + values, values);
        var halves = new Half[values];
        for (int i = 0; i < values; i++)
        {
            halves[i] = BitConverter.UInt16BitsToHalf((ushort)(low[i] | (high[i] << 8)));
        }

        var vectors = new float[values];
        TensorPrimitives.ConvertToSingle(halves, vectors);
        return new WordVectors(words, ranks, vectors, dim, description, Convert.ToHexStringLower(SHA256.HashData(b))[..12]);
    }

    private static string HashOf(string[] words, float[] vectors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(string.Join('\n', words)));
        hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vectors.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static WordVectors LoadGlove()
    {
        using var stream = typeof(WordVectors).Assembly.GetManifestResourceStream(GloveResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {GloveResourceName} is missing from {typeof(WordVectors).Assembly.GetName().Name}.");
        return Read(stream, GloveResourceName);
    }
}

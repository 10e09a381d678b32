using System.Text;

namespace Climb;

/// <summary>UTF-8 bytes as tokens: ids 0-255 are bytes, 256 is end of text. No training, no unknown ids, 257 ids.</summary>
public sealed class ByteTokenizer : ITokenizer
{
    /// <summary>Gets the shared instance.</summary>
    public static ByteTokenizer Instance { get; } = new();

    /// <inheritdoc />
    public string Identity => "byte";

    /// <inheritdoc />
    public int VocabularySize => 257;

    /// <inheritdoc />
    public int EndOfTextId => 256;

    /// <inheritdoc />
    public void Encode(string text, List<int> ids)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(ids);
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        byte[]? rented = max > 4096 ? System.Buffers.ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[max];
        int n = Encoding.UTF8.GetBytes(text, buffer);
        ids.EnsureCapacity(ids.Count + n);
        for (int i = 0; i < n; i++)
        {
            ids.Add(buffer[i]);
        }

        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <inheritdoc />
    public string Decode(ReadOnlySpan<int> ids)
    {
        var bytes = new List<byte>(ids.Length);
        var sb = new StringBuilder();
        foreach (int id in ids)
        {
            if (id is >= 0 and < 256)
            {
                bytes.Add((byte)id);
            }
            else
            {
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
                if (id == EndOfTextId)
                {
                    sb.Append("<|endoftext|>");
                }
                else
                {
                    throw new ArgumentOutOfRangeException(nameof(ids), $"Id {id} is outside the byte vocabulary (0-256).");
                }
            }
        }

        sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
        return sb.ToString();
    }
}

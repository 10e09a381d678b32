using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Climb;

/// <summary>
/// Counts 64-bit hashes in an open-addressing table on pooled arrays: what <c>Dictionary&lt;ulong, int&gt;</c> does for
/// the scorer's line, paragraph and n-gram statistics, without allocating per document. <see cref="Clear"/> is O(1)
/// (a slot belongs to the current round only when its stamp is the current one). Dispose to return the arrays.
/// </summary>
internal readonly ref struct HashCountTable
{
    private readonly ulong[] _keys;
    private readonly int[] _counts;
    private readonly int[] _stamps; // the last element holds the current stamp
    private readonly int _mask;
    private readonly int _shift;

    /// <summary>Initializes a new instance of the <see cref="HashCountTable"/> struct for up to <paramref name="capacity"/> distinct keys.</summary>
    public HashCountTable(int capacity)
    {
        var size = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(16, capacity * 2));
        _keys = ArrayPool<ulong>.Shared.Rent(size);
        _counts = ArrayPool<int>.Shared.Rent(size);
        _stamps = ArrayPool<int>.Shared.Rent(size + 1);
        _mask = size - 1;
        _shift = 64 - BitOperations.Log2((uint)size);
        _stamps.AsSpan(0, size).Clear();
        _stamps[size] = 1;
    }

    /// <summary>Forgets every key.</summary>
    public void Clear()
    {
        ref var stamp = ref _stamps[_mask + 1];
        if (stamp == int.MaxValue)
        {
            _stamps.AsSpan(0, _mask + 1).Clear();
            stamp = 0;
        }

        stamp++;
    }

    /// <summary>Adds one occurrence of a key and returns its new count (1 the first time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Increment(ulong key)
    {
        var stamp = _stamps[_mask + 1];
        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            if (_stamps[slot] != stamp)
            {
                _stamps[slot] = stamp;
                _keys[slot] = key;
                _counts[slot] = 1;
                return 1;
            }

            if (_keys[slot] == key)
            {
                return ++_counts[slot];
            }

            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>Returns the arrays to the pool.</summary>
    public void Dispose()
    {
        ArrayPool<ulong>.Shared.Return(_keys);
        ArrayPool<int>.Shared.Return(_counts);
        ArrayPool<int>.Shared.Return(_stamps);
    }
}

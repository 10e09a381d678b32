namespace Climb;

/// <summary>
/// Places concurrent proxy runs on devices: one lock per device (a slot), so <c>ProxyParallelism = n</c> on a node
/// with n CUDA devices trains n proxies at once, one per device, and a run waits only when every device is busy.
/// </summary>
internal sealed class DevicePlacement
{
    private static readonly Lazy<DevicePlacement> CpuPlacement = new(() => new DevicePlacement(1));
    private static readonly Lazy<DevicePlacement> CudaPlacement = new(() => new DevicePlacement(Math.Max(1, TorchSharp.torch.cuda.device_count())));
    private readonly SemaphoreSlim _free;
    private readonly SemaphoreSlim[] _slots;

    public DevicePlacement(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _free = new SemaphoreSlim(slots, slots);
        _slots = Enumerable.Range(0, slots).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    }

    /// <summary>Gets a lock held while a run seeds torch's global generator and initialises its weights (runs on different devices must not interleave there).</summary>
    public static Lock SeedLock { get; } = new();

    /// <summary>Gets the number of devices.</summary>
    public int SlotCount => _slots.Length;

    /// <summary>Returns the process-wide placement of TorchSharp runs: one slot per CUDA device, or a single CPU slot (CPU runs share the cores, so they run one at a time).</summary>
    public static DevicePlacement Torch(bool cuda) => cuda ? CudaPlacement.Value : CpuPlacement.Value;

    /// <summary>Waits for a free device and holds it until the lease is disposed; the lowest free index is taken.</summary>
    public async Task<Lease> AcquireAsync(CancellationToken cancellationToken)
    {
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Wait(0, CancellationToken.None))
            {
                return new Lease(this, i);
            }
        }

        _free.Release();
        throw new InvalidOperationException("No device slot was free although the count said one was (a lease was released twice?).");
    }

    private void Release(int index)
    {
        _slots[index].Release();
        _free.Release();
    }

    /// <summary>A device held by one run.</summary>
    public sealed class Lease : IDisposable
    {
        private DevicePlacement? _owner;

        internal Lease(DevicePlacement owner, int index)
        {
            _owner = owner;
            Index = index;
        }

        /// <summary>Gets the device index (the CUDA ordinal; 0 for the CPU).</summary>
        public int Index { get; }

        /// <inheritdoc />
        public void Dispose() => Interlocked.Exchange(ref _owner, null)?.Release(Index);
    }
}

namespace Climb.Tests.Execution;

public sealed class DevicePlacementTests
{
    [Fact]
    public async Task Two_device_slots_take_two_runs_at_once_one_per_device()
    {
        var placement = new DevicePlacement(2);
        var a = await placement.AcquireAsync(CancellationToken.None);
        var b = await placement.AcquireAsync(CancellationToken.None);
        Assert.Equal([0, 1], new[] { a.Index, b.Index }.Order());

        // A third run waits for a device and gets the one released.
        var c = placement.AcquireAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(c.IsCompleted);
        b.Dispose();
        b.Dispose(); // a second dispose releases nothing more
        Assert.Equal(b.Index, (await c).Index);
        a.Dispose();
        (await c).Dispose();
    }

    [Fact]
    public async Task Proxy_parallelism_two_trains_on_both_devices_and_never_two_on_one()
    {
        var placement = new DevicePlacement(2);
        var busy = new int[2];
        int maxTogether = 0, together = 0;
        var used = new System.Collections.Concurrent.ConcurrentBag<int>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 8), new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (_, ct) =>
        {
            using var lease = await placement.AcquireAsync(ct);
            Assert.Equal(1, Interlocked.Increment(ref busy[lease.Index]));
            int now = Interlocked.Increment(ref together);
            InterlockedMax(ref maxTogether, now);
            used.Add(lease.Index);
            await Task.Delay(60, ct);
            Interlocked.Decrement(ref together);
            Interlocked.Decrement(ref busy[lease.Index]);
        });

        Assert.Equal(2, maxTogether); // two proxies at once: no global lock
        Assert.Equal([0, 1], used.Distinct().Order());
    }

    [Fact]
    public async Task Cancelling_a_wait_for_a_device_leaves_the_slots_usable()
    {
        var placement = new DevicePlacement(1);
        var held = await placement.AcquireAsync(CancellationToken.None);
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => placement.AcquireAsync(cts.Token));
        held.Dispose();
        using var again = await placement.AcquireAsync(CancellationToken.None);
        Assert.Equal(0, again.Index);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}

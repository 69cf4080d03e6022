namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Keeps the verifier's peak memory near what it really holds (a few units at a time). Almost
/// everything it allocates dies with its unit pair, but the runtime lets the youngest generation
/// grow to about the size of the processor's last-level cache before it collects, which on a large
/// server part is far more than the verifier ever keeps alive. So after a unit pair, once another
/// <see cref="Budget"/> bytes have been allocated, a young-generation collection runs: it only
/// walks the live objects, which are few.
/// </summary>
internal static class HeapBound
{
    private const long Budget = 4L << 20;
    private static long _nextCollection = Budget;

    public static void Check()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        long next = Interlocked.Read(ref _nextCollection);
        if (allocated < next || Interlocked.CompareExchange(ref _nextCollection, allocated + Budget, next) != next)
            return;
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);
    }
}

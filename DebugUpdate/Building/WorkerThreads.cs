using System.Runtime.ExceptionServices;

namespace Rewriter.DebugUpdate.Building;

/// <summary>
/// Runs items on a fixed set of threads (the caller's among them), each with one
/// <see cref="WorkerScratch"/> for every item it takes. Parallel.ForEach makes its local state
/// again whenever its tasks yield, every few tens of milliseconds: 33 scratch sets for 2 threads
/// on gdb, each grown again to the largest unit (250 MB more allocated, 150 MB more peak memory).
/// Items are taken one at a time in the order given; every item runs, and the failure of the
/// lowest item (the first bucket or unit that failed) is rethrown, whichever thread met it first,
/// so the error reported is the same for any thread count and any order.
/// </summary>
internal static class WorkerThreads
{
    public static void Run(IReadOnlyList<int> items, int threads, Action<int, WorkerScratch> body)
    {
        var failures = new Exception?[items.Count];
        int next = -1;
        void Work()
        {
            var scratch = new WorkerScratch();
            for (int k; (k = Interlocked.Increment(ref next)) < items.Count;)
            {
                try
                {
                    body(items[k], scratch);
                }
                catch (Exception e)
                {
                    failures[k] = e;
                }
            }
        }
        var others = new Thread[Math.Clamp(threads, 1, Math.Max(1, items.Count)) - 1];
        for (int i = 0; i < others.Length; i++)
        {
            others[i] = new Thread(Work) { IsBackground = true, Name = "debug update worker" };
            others[i].Start();
        }
        Work();
        foreach (var thread in others)
            thread.Join();
        int first = -1;
        for (int k = 0; k < failures.Length; k++)
            if (failures[k] is not null && (first < 0 || items[k] < items[first]))
                first = k;
        if (first >= 0)
            ExceptionDispatchInfo.Capture(failures[first]!).Throw();
    }
}

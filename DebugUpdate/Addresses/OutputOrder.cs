using Rewriter.Common;

namespace Rewriter.DebugUpdate.Addresses;

/// <summary>
/// Every instruction of a map by output address, ties by input order: what
/// <see cref="KeySort.StableOrder"/> gives, found from the runs of instructions that emission laid
/// out one after another.
/// </summary>
/// <remarks>
/// PERF: a program whose every function moved has millions of instructions, and a radix sort of
/// them scatters over arrays far larger than the cache (on a 2,000-unit program, 0.44 s of the
/// debug address map). In input order the instructions with bytes come in runs, each starting
/// where the one before it ended (a basic block, mostly); their bytes never overlap, so sorting the
/// runs by first address and concatenating them orders them all, from a sort several times
/// smaller. The dropped instructions (no bytes, often a jump to the block placed next, sharing its
/// address) are sorted apart and merged in. The result is checked; a map that breaks these
/// assumptions falls back to the full sort.
/// </remarks>
internal static class OutputOrder
{
    public static int[] Of(ulong[] outputs, ulong[]? exactEnds) =>
        exactEnds != null && TryFromRuns(outputs, exactEnds, out var order) ? order : KeySort.StableOrder(outputs);

    /// <summary>The order from the runs; false when the runs are too short to gain or do not give it.</summary>
    internal static bool TryFromRuns(ulong[] outputs, ulong[] exactEnds, out int[] order)
    {
        order = [];
        var (runStarts, dropped) = Runs(outputs, exactEnds);
        if (runStarts.Count > outputs.Length / 2)
            return false;
        var withBytes = ConcatenatedByOutput(outputs, exactEnds, runStarts, outputs.Length - dropped.Count);
        order = Merge(outputs, withBytes, ByOutput(outputs, dropped));
        return IsByOutputThenInput(order, outputs);
    }

    /// <summary>
    /// Where each run of instructions with bytes starts (an instruction that does not begin where
    /// the one before it with bytes ended), and the dropped instructions, both in input order.
    /// </summary>
    private static (List<int> RunStarts, List<int> Dropped) Runs(ulong[] outputs, ulong[] exactEnds)
    {
        var starts = new List<int>();
        var dropped = new List<int>();
        int previous = -1;
        for (int i = 0; i < outputs.Length; i++)
        {
            if (exactEnds[i] == outputs[i])
            {
                dropped.Add(i);
                continue;
            }
            if (previous < 0 || outputs[i] != exactEnds[previous])
                starts.Add(i);
            previous = i;
        }
        return (starts, dropped);
    }

    /// <summary>The instructions with bytes, run after run in the order of the runs' first addresses.</summary>
    private static int[] ConcatenatedByOutput(ulong[] outputs, ulong[] exactEnds, List<int> runStarts, int count)
    {
        var firstOutputs = new ulong[runStarts.Count];
        for (int run = 0; run < firstOutputs.Length; run++)
            firstOutputs[run] = outputs[runStarts[run]];
        var order = new int[count];
        int next = 0;
        foreach (int run in KeySort.StableOrder(firstOutputs))
        {
            int end = run + 1 < runStarts.Count ? runStarts[run + 1] : outputs.Length;
            for (int i = runStarts[run]; i < end; i++)
                if (exactEnds[i] != outputs[i])
                    order[next++] = i;
        }
        return order;
    }

    private static int[] ByOutput(ulong[] outputs, List<int> instructions)
    {
        var keys = new ulong[instructions.Count];
        for (int k = 0; k < keys.Length; k++)
            keys[k] = outputs[instructions[k]];
        return Array.ConvertAll(KeySort.StableOrder(keys), k => instructions[k]);
    }

    /// <summary>Two orders by (output, input index) merged into one.</summary>
    private static int[] Merge(ulong[] outputs, int[] first, int[] second)
    {
        var merged = new int[first.Length + second.Length];
        int a = 0, b = 0;
        for (int k = 0; k < merged.Length; k++)
            merged[k] = b == second.Length || (a < first.Length && Precedes(outputs, first[a], second[b])) ? first[a++] : second[b++];
        return merged;
    }

    private static bool Precedes(ulong[] outputs, int x, int y) =>
        outputs[x] < outputs[y] || (outputs[x] == outputs[y] && x < y);

    // A permutation sorted by (output, input index) is the one such order, so this check makes the
    // result exactly the stable sort's.
    private static bool IsByOutputThenInput(int[] order, ulong[] outputs)
    {
        for (int k = 1; k < order.Length; k++)
            if (!Precedes(outputs, order[k - 1], order[k]))
                return false;
        return true;
    }
}

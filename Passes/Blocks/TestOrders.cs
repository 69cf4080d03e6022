namespace Rewriter.Passes.Blocks;

/// <summary>
/// Block orders that exist to exercise emission (branch fix-ups, CFI, LSDA, debug info), not to
/// make code faster. Both keep the entry block first.
/// </summary>
public static class TestOrders
{
    /// <summary>Entry first, then the remaining blocks of <paramref name="order"/> backwards.</summary>
    public static int[] Reverse(IReadOnlyList<int> order)
    {
        var result = new int[order.Count];
        if (order.Count == 0)
            return result;
        result[0] = order[0];
        for (int i = 1; i < order.Count; i++)
            result[i] = order[order.Count - i];
        return result;
    }

    /// <summary>
    /// Entry first, the rest in a Fisher–Yates shuffle drawn from <paramref name="seed"/> and the
    /// function id, so functions differ from one another but a run is reproducible.
    /// </summary>
    public static int[] Shuffle(IReadOnlyList<int> order, int seed, int functionId)
    {
        var result = order.ToArray();
        var random = new SplitMix64(((ulong)(uint)seed << 32) ^ (uint)functionId);
        for (int i = result.Length - 1; i > 1; i--)
        {
            int j = 1 + random.Below(i); // position in 1..i: the entry at 0 never moves
            (result[i], result[j]) = (result[j], result[i]);
        }
        return result;
    }
}

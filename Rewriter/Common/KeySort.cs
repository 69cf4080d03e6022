namespace Rewriter.Common;

/// <summary>
/// Sorting parallel arrays by one of them: the key array is sorted carrying an index permutation,
/// which the other arrays then follow. PERF: one primitive key sort, for the millions of
/// instructions of an address map, instead of sorting tuples or LINQ orderings.
/// </summary>
public static class KeySort
{
    /// <summary>Sorts <paramref name="keys"/> in place; returns, for each sorted position, the index the key came from.</summary>
    public static int[] SortCarryingIndexes(ulong[] keys)
    {
        var order = new int[keys.Length];
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        Array.Sort(keys, order);
        return order;
    }

    /// <summary>The values in the order <see cref="SortCarryingIndexes"/> returned.</summary>
    public static ulong[] Permute(ulong[] values, int[] order)
    {
        var permuted = new ulong[order.Length];
        for (int i = 0; i < order.Length; i++)
            permuted[i] = values[order[i]];
        return permuted;
    }
}

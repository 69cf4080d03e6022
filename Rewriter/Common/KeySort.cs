using System.Numerics;

namespace Rewriter.Common;

/// <summary>
/// Sorting parallel arrays by one of them: the key array is sorted carrying an index permutation,
/// which the other arrays then follow. PERF: one primitive key sort, for the millions of
/// instructions of an address map, instead of sorting tuples or LINQ orderings.
/// </summary>
public static class KeySort
{
    // Below this many keys a comparison sort beats the radix passes' fixed cost (their counts).
    private const int RadixThreshold = 512;
    private const int DigitBits = 11;

    /// <summary>
    /// Sorts <paramref name="keys"/> in place; returns, for each sorted position, the index the key
    /// came from. Stable: equal keys keep their index order.
    /// </summary>
    public static int[] SortCarryingIndexes(ulong[] keys) => Order(keys, sortInPlace: true);

    /// <summary>For each sorted position, the index of the key there, the keys left as they are. Stable.</summary>
    public static int[] StableOrder(ulong[] keys) => Order(keys, sortInPlace: false);

    private static int[] Order(ulong[] keys, bool sortInPlace)
    {
        var order = new int[keys.Length];
        if (keys.Length == 0)
            return order;
        ulong min = ulong.MaxValue, max = 0;
        foreach (ulong key in keys)
        {
            min = Math.Min(min, key);
            max = Math.Max(max, key);
        }
        // PERF: addresses of one program span far less than 4 GiB: each key's offset from the
        // smallest and its index fit one word, whose order is (key, index), so a plain sort of
        // those words is stable, and a radix sort needs only the key's digits.
        if ((max - min) >> 32 == 0)
        {
            var packed = new ulong[keys.Length];
            for (int i = 0; i < keys.Length; i++)
                packed[i] = (keys[i] - min) << 32 | (uint)i;
            if (keys.Length < RadixThreshold)
                Array.Sort(packed);
            else
                packed = RadixSortHighWord(packed, significantBits: 64 - BitOperations.LeadingZeroCount(max - min));
            for (int i = 0; i < packed.Length; i++)
                order[i] = (int)(uint)packed[i];
            if (sortInPlace)
                for (int i = 0; i < packed.Length; i++)
                    keys[i] = (packed[i] >> 32) + min;
            return order;
        }
        for (int i = 0; i < order.Length; i++)
            order[i] = i;
        var sorted = sortInPlace ? keys : (ulong[])keys.Clone();
        Array.Sort(sorted, order);
        // The comparison sort is not stable: each run of equal keys is put back in index order.
        for (int start = 0, end; start < sorted.Length; start = end)
        {
            for (end = start + 1; end < sorted.Length && sorted[end] == sorted[start]; end++) { }
            if (end - start > 1)
                Array.Sort(order, start, end - start);
        }
        return order;
    }

    /// <summary>
    /// Least-significant-digit radix sort of the words by their high 32 bits, of which only the
    /// lowest <paramref name="significantBits"/> can be set; stable, so words with equal high
    /// halves keep their order (their low halves, the indexes, ascending).
    /// </summary>
    private static ulong[] RadixSortHighWord(ulong[] words, int significantBits)
    {
        var from = words;
        var to = new ulong[words.Length];
        var counts = new int[1 << DigitBits];
        for (int shift = 32; shift < 32 + significantBits; shift += DigitBits)
        {
            Array.Clear(counts);
            foreach (ulong word in from)
                counts[(int)(word >> shift) & ((1 << DigitBits) - 1)]++;
            for (int digit = 0, position = 0; digit < counts.Length; digit++)
                (counts[digit], position) = (position, position + counts[digit]);
            foreach (ulong word in from)
                to[counts[(int)(word >> shift) & ((1 << DigitBits) - 1)]++] = word;
            (from, to) = (to, from);
        }
        return from;
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

namespace Rewriter.Common;

/// <summary>The key a sorted sequence is ordered by; `in` so large structs are not copied per probe.</summary>
public delegate TKey KeySelector<T, out TKey>(in T item);

/// <summary>
/// Binary search over sequences sorted by a key, as partition points (C++'s lower_bound and
/// upper_bound): the index where the keys stop being before a value, from 0 to the length. Pass a
/// static lambda as the key selector: it is cached once, so a search allocates nothing.
/// </summary>
public static class SortedSearch
{
    /// <summary>The first index whose key is not less than <paramref name="value"/> (the length when none).</summary>
    public static int LowerBound<T, TKey>(ReadOnlySpan<T> sorted, TKey value, KeySelector<T, TKey> keyOf) where TKey : IComparable<TKey> =>
        PartitionPoint(sorted.Length, new SpanKeyBefore<T, TKey>(sorted, value, keyOf, orEqual: false));

    /// <summary>The first index whose key is greater than <paramref name="value"/> (the length when none).</summary>
    public static int UpperBound<T, TKey>(ReadOnlySpan<T> sorted, TKey value, KeySelector<T, TKey> keyOf) where TKey : IComparable<TKey> =>
        PartitionPoint(sorted.Length, new SpanKeyBefore<T, TKey>(sorted, value, keyOf, orEqual: true));

    /// <inheritdoc cref="LowerBound{T, TKey}(ReadOnlySpan{T}, TKey, KeySelector{T, TKey})"/>
    public static int LowerBound<T, TKey>(IReadOnlyList<T> sorted, TKey value, KeySelector<T, TKey> keyOf) where TKey : IComparable<TKey> =>
        PartitionPoint(sorted.Count, new ListKeyBefore<T, TKey>(sorted, value, keyOf, orEqual: false));

    /// <inheritdoc cref="UpperBound{T, TKey}(ReadOnlySpan{T}, TKey, KeySelector{T, TKey})"/>
    public static int UpperBound<T, TKey>(IReadOnlyList<T> sorted, TKey value, KeySelector<T, TKey> keyOf) where TKey : IComparable<TKey> =>
        PartitionPoint(sorted.Count, new ListKeyBefore<T, TKey>(sorted, value, keyOf, orEqual: true));

    private interface IBefore
    {
        /// <summary>True when the element at <paramref name="index"/> lies before the partition point.</summary>
        bool IsBefore(int index);
    }

    // PERF: the predicate is a struct type argument, so the loop is specialised per element type
    // and the probe inlines; only the key selector is an indirect call.
    private static int PartitionPoint<TBefore>(int count, TBefore before) where TBefore : IBefore, allows ref struct
    {
        int low = 0, high = count;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (before.IsBefore(middle))
                low = middle + 1;
            else
                high = middle;
        }
        return low;
    }

    private readonly ref struct SpanKeyBefore<T, TKey>(ReadOnlySpan<T> items, TKey value, KeySelector<T, TKey> keyOf, bool orEqual) : IBefore
        where TKey : IComparable<TKey>
    {
        private readonly ReadOnlySpan<T> _items = items;

        public bool IsBefore(int index)
        {
            int order = keyOf(in _items[index]).CompareTo(value);
            return order < 0 || (orEqual && order == 0);
        }
    }

    private readonly struct ListKeyBefore<T, TKey>(IReadOnlyList<T> items, TKey value, KeySelector<T, TKey> keyOf, bool orEqual) : IBefore
        where TKey : IComparable<TKey>
    {
        public bool IsBefore(int index)
        {
            var item = items[index];
            int order = keyOf(in item).CompareTo(value);
            return order < 0 || (orEqual && order == 0);
        }
    }
}

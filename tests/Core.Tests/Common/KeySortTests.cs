using Rewriter.Common;

namespace Rewriter.Core.Tests.Common;

public class KeySortTests
{
    /// <summary>The reference: a stable ordering of the indexes by key (LINQ's OrderBy is stable).</summary>
    private static int[] StableOrder(ulong[] keys) => Enumerable.Range(0, keys.Length).OrderBy(i => keys[i]).ToArray();

    [Theory]
    [InlineData(0, 10UL)]
    [InlineData(1, 10UL)]
    [InlineData(100, 7UL)]            // below the radix threshold, many ties
    [InlineData(5000, 3UL)]           // radix, almost all ties
    [InlineData(5000, 1UL << 20)]     // radix, two digits
    [InlineData(20000, 0xffff_ffffUL)] // radix, the widest range that packs (three digits)
    [InlineData(3000, 1UL << 40)]     // too wide to pack: the comparison sort, ties put back in order
    public void Sorts_keys_and_returns_a_stable_order(int count, ulong range)
    {
        var random = new Random(count ^ (int)range);
        ulong origin = 0x4000_0000_0000UL;
        var keys = new ulong[count];
        for (int i = 0; i < count; i++)
            keys[i] = origin + (ulong)random.NextInt64(0, (long)Math.Min(range, long.MaxValue));
        var original = (ulong[])keys.Clone();

        var order = KeySort.SortCarryingIndexes(keys);

        order.ShouldBe(StableOrder(original));
        keys.ShouldBe(original.Order().ToArray());
    }

    [Theory]
    [InlineData(300, 5UL)]
    [InlineData(4000, 1UL << 30)]
    [InlineData(4000, 1UL << 50)]
    public void Stable_order_leaves_the_keys_as_they_are(int count, ulong range)
    {
        var random = new Random(count);
        var keys = Enumerable.Range(0, count).Select(_ => (ulong)random.NextInt64(0, (long)range)).ToArray();
        var original = (ulong[])keys.Clone();

        KeySort.StableOrder(keys).ShouldBe(StableOrder(original));
        keys.ShouldBe(original);
    }

    [Fact]
    public void Keys_at_the_ends_of_the_value_range_keep_their_values()
    {
        var keys = Enumerable.Range(0, 1000).Select(i => i % 2 == 0 ? ulong.MaxValue : ulong.MaxValue - (ulong)i).ToArray();
        var original = (ulong[])keys.Clone();

        var order = KeySort.SortCarryingIndexes(keys);

        order.ShouldBe(StableOrder(original));
        keys.ShouldBe(original.Order().ToArray());
    }

    [Fact]
    public void Permute_follows_the_order()
    {
        var keys = new ulong[] { 30, 10, 20, 10 };
        var order = KeySort.SortCarryingIndexes(keys);
        order.ShouldBe([1, 3, 2, 0]);
        KeySort.Permute([300, 100, 200, 101], order).ShouldBe([100UL, 101, 200, 300]);
    }
}

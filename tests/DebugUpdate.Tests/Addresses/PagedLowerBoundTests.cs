using Rewriter.DebugUpdate.Addresses;
using Shouldly;
using Xunit;

namespace Rewriter.DebugUpdate.Tests.Addresses;

public class PagedLowerBoundTests
{
    private static int ReferenceLowerBound(ulong[] keys, ulong value)
    {
        int index = 0;
        while (index < keys.Length && keys[index] < value)
            index++;
        return index;
    }

    public static TheoryData<int, ulong, int> Shapes => new()
    {
        { 0, 16, 1 },        // no keys
        { 1, 16, 2 },        // one key
        { 50, 3, 3 },        // dense, with duplicates
        { 300, 1000, 4 },    // sparse
        { 200, 1UL << 40, 5 }, // a span far larger than the table
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_search_equals_a_linear_lower_bound(int count, ulong maxGap, int seed)
    {
        var random = new Random(seed);
        var keys = new ulong[count];
        ulong next = 0x401000;
        for (int i = 0; i < count; i++)
        {
            keys[i] = next;
            next += (ulong)random.NextInt64(0, (long)maxGap);
        }
        var search = new PagedLowerBound(keys);
        var probes = new List<ulong> { 0, 1, ulong.MaxValue, 0x400fff, 0x401000 };
        foreach (var key in keys)
            probes.AddRange([key - 1, key, key + 1]);
        for (int i = 0; i < 500; i++)
            probes.Add(0x401000 + (ulong)random.NextInt64(0, (long)Math.Max(1UL, next - 0x401000 + 2)));
        foreach (var probe in probes)
            search.LowerBound(probe).ShouldBe(ReferenceLowerBound(keys, probe), $"at 0x{probe:x}");
    }

    [Fact]
    public void Keys_spanning_the_whole_address_space_still_page()
    {
        ulong[] keys = [0, 5, 1UL << 63, ulong.MaxValue - 1, ulong.MaxValue];
        var search = new PagedLowerBound(keys);
        foreach (ulong probe in new ulong[] { 0, 1, 5, 6, 1UL << 62, 1UL << 63, ulong.MaxValue - 1, ulong.MaxValue })
            search.LowerBound(probe).ShouldBe(ReferenceLowerBound(keys, probe));
    }
}

using Rewriter.Common;

namespace Rewriter.Core.Tests.Common;

/// <summary>Partition points against a linear scan, on spans and lists, with repeated keys.</summary>
public sealed class SortedSearchTests
{
    private readonly record struct Row(ulong Address, int Tag);

    private static readonly Row[] Rows = [new(10, 0), new(20, 1), new(20, 2), new(20, 3), new(35, 4)];

    [Theory]
    [InlineData(0UL, 0, 0)]
    [InlineData(10UL, 0, 1)]
    [InlineData(15UL, 1, 1)]
    [InlineData(20UL, 1, 4)]
    [InlineData(35UL, 4, 5)]
    [InlineData(99UL, 5, 5)]
    public void Lower_and_upper_bounds_bracket_the_equal_keys(ulong address, int lower, int upper)
    {
        SortedSearch.LowerBound<Row, ulong>(Rows, address, static (in Row r) => r.Address).ShouldBe(lower);
        SortedSearch.UpperBound<Row, ulong>(Rows, address, static (in Row r) => r.Address).ShouldBe(upper);
        IReadOnlyList<Row> list = Rows.ToList();
        SortedSearch.LowerBound(list, address, static (in Row r) => r.Address).ShouldBe(lower);
        SortedSearch.UpperBound(list, address, static (in Row r) => r.Address).ShouldBe(upper);
    }

    [Fact]
    public void Every_bound_matches_a_linear_scan()
    {
        var random = new Random(7);
        for (int round = 0; round < 200; round++)
        {
            var keys = Enumerable.Range(0, random.Next(20)).Select(_ => random.Next(10)).Order().ToArray();
            int value = random.Next(-1, 12);
            SortedSearch.LowerBound<int, int>(keys, value, static (in int k) => k).ShouldBe(keys.Count(k => k < value));
            SortedSearch.UpperBound<int, int>(keys, value, static (in int k) => k).ShouldBe(keys.Count(k => k <= value));
        }
    }

    [Fact]
    public void An_empty_sequence_has_its_partition_point_at_zero()
    {
        SortedSearch.LowerBound<Row, ulong>([], 5, static (in Row r) => r.Address).ShouldBe(0);
        SortedSearch.UpperBound<Row, ulong>([], 5, static (in Row r) => r.Address).ShouldBe(0);
    }
}

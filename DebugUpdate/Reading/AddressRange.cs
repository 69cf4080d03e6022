namespace Rewriter.DebugUpdate.Reading;

/// <summary>A half-open address range [Start, End).</summary>
public readonly record struct AddressRange(ulong Start, ulong End)
{
    public ulong Length => End - Start;
    public bool IsEmpty => End <= Start;
    public bool Contains(ulong address) => address >= Start && address < End;

    public override string ToString() => $"[0x{Start:x}, 0x{End:x})";

    private static readonly Comparison<AddressRange> ByStart = static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End);

    /// <summary>Sorts, drops empty ranges and merges touching or overlapping ones, into a new list.</summary>
    public static List<AddressRange> Normalize(IEnumerable<AddressRange> ranges) => NormalizeInPlace([.. ranges]);

    /// <summary>
    /// Sorts, drops empty ranges and merges touching or overlapping ones, in place; returns the list.
    /// PERF: called for every DIE with code and every location-list entry, and most sets have one or
    /// two ranges: no LINQ, no second list.
    /// </summary>
    // PERF: translated ranges come mostly in order already; a sort would compare through an interface.
    private static bool IsSortedByStart(List<AddressRange> ranges)
    {
        for (int i = 1; i < ranges.Count; i++)
            if (ranges[i].Start < ranges[i - 1].Start)
                return false;
        return true;
    }

    public static List<AddressRange> NormalizeInPlace(List<AddressRange> ranges)
    {
        if (ranges.Count > 1 && !IsSortedByStart(ranges))
            ranges.Sort(ByStart);
        int kept = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            var range = ranges[i];
            if (range.IsEmpty)
                continue;
            if (kept > 0 && range.Start <= ranges[kept - 1].End)
            {
                if (range.End > ranges[kept - 1].End)
                    ranges[kept - 1] = ranges[kept - 1] with { End = range.End };
            }
            else
                ranges[kept++] = range;
        }
        ranges.RemoveRange(kept, ranges.Count - kept);
        return ranges;
    }
}

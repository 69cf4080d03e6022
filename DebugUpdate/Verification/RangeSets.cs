using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>Address range sets as the verifier compares them: sorted, without empty ranges, touching ones merged.</summary>
internal static class RangeSets
{
    private static readonly Comparison<AddressRange> ByStart = (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End.CompareTo(b.End);

    /// <summary>Normalizes in place. PERF: no LINQ, no new list; most sets are one or two ranges.</summary>
    public static void Normalize(List<AddressRange> ranges)
    {
        if (ranges.Count > 1)
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
    }

    /// <summary>A normalized copy.</summary>
    public static List<AddressRange> Normalized(List<AddressRange> ranges)
    {
        var copy = new List<AddressRange>(ranges);
        Normalize(copy);
        return copy;
    }

    public static bool Equal(List<AddressRange> a, List<AddressRange> b)
    {
        if (a.Count != b.Count)
            return false;
        for (int i = 0; i < a.Count; i++)
            if (a[i] != b[i])
                return false;
        return true;
    }
}

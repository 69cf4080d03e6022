namespace Rewriter.DebugUpdate.Reading;

/// <summary>A half-open address range [Start, End).</summary>
public readonly record struct AddressRange(ulong Start, ulong End)
{
    public ulong Length => End - Start;
    public bool IsEmpty => End <= Start;
    public bool Contains(ulong address) => address >= Start && address < End;

    public override string ToString() => $"[0x{Start:x}, 0x{End:x})";

    /// <summary>Sorts, drops empty ranges and merges touching or overlapping ones.</summary>
    public static List<AddressRange> Normalize(IEnumerable<AddressRange> ranges)
    {
        var sorted = ranges.Where(r => !r.IsEmpty).OrderBy(r => r.Start).ThenBy(r => r.End).ToList();
        var merged = new List<AddressRange>(sorted.Count);
        foreach (var range in sorted)
        {
            if (merged.Count > 0 && range.Start <= merged[^1].End)
            {
                if (range.End > merged[^1].End)
                    merged[^1] = merged[^1] with { End = range.End };
            }
            else
                merged.Add(range);
        }
        return merged;
    }
}

namespace Rewriter.DebugUpdate.Reading;

public enum LocationListEntryKind : byte
{
    /// <summary>The expression applies within [Start, End).</summary>
    Bounded,
    /// <summary>DW_LLE_default_location: applies wherever no bounded entry does.</summary>
    Default,
    /// <summary>DW_LLE_GNU_view_pair: Start/End are location view numbers, not addresses.</summary>
    ViewPair,
}

/// <summary>One location-list entry; the expression is a zero-copy slice of the list section.</summary>
public readonly record struct LocationListEntry(LocationListEntryKind Kind, ulong Start, ulong End, ReadOnlyMemory<byte> Expression)
{
    public AddressRange Range => new(Start, End);
}

using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Reads a DW_AT_GNU_locviews list (gcc): one pair of ULEB128 view numbers per bounded entry of the
/// DIE's location list, stored just before that list in .debug_loclists (DWARF 5) or .debug_loc.
/// </summary>
internal static class LocationViews
{
    public static List<(ulong Begin, ulong End)> Read(DwarfUnit unit, in AttributeValue value, List<LocationListEntry> locations)
    {
        int count = 0;
        foreach (var entry in locations)
            if (entry.Kind == LocationListEntryKind.Bounded)
                count++;
        var section = unit.Header.Version >= 5 ? unit.Sections.Loclists : unit.Sections.Loc;
        if (value.Value > (ulong)section.Length)
            throw unit.Info.Error(value.ValueOffset, $"DW_AT_GNU_locviews offset 0x{value.Value:x} is outside {section.Name} (size 0x{section.Length:x})");
        var cursor = section.CursorAt((long)value.Value);
        var views = new List<(ulong, ulong)>(count);
        for (int i = 0; i < count; i++)
            views.Add((cursor.ReadUleb(), cursor.ReadUleb()));
        return views;
    }
}

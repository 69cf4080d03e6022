using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks an address table keyed by compile unit (.debug_aranges, the .gdb_index address area):
/// for each unit, the output table must cover exactly the output unit's code ranges when the
/// original table covered exactly the original unit's, and otherwise the translation of what the
/// original table covered. A unit listed in the original table must be listed in the output's.
/// </summary>
internal static class CuAddressTableComparer
{
    /// <param name="original">original table: unit index → ranges</param>
    /// <param name="rewritten">output table: unit index → ranges</param>
    /// <param name="originalUnitRanges">each original unit's root DIE ranges (null: none), by unit index</param>
    /// <param name="rewrittenUnitRanges">the same for the output units</param>
    public static void Compare(DifferenceKind kind, string table, Dictionary<int, List<AddressRange>> original,
        Dictionary<int, List<AddressRange>> rewritten, IReadOnlyList<List<AddressRange>?> originalUnitRanges,
        IReadOnlyList<List<AddressRange>?> rewrittenUnitRanges, DwarfFile rewrittenFile, AddressMapping mapping, VerificationReport report)
    {
        foreach (var unit in original.Keys.Union(rewritten.Keys).Order())
        {
            report.IndexEntriesCompared++;
            string where = unit < rewrittenFile.Units.Count ? $"{table} of {DiePaths.Segment(rewrittenFile.Units[unit], 0)}" : $"{table} of unit {unit}";
            var actual = rewritten.TryGetValue(unit, out var ranges) ? AddressMapping.Live(ranges) : null;
            if (!original.TryGetValue(unit, out var originalRanges))
            {
                if (actual is { Count: > 0 })
                    report.Add(kind, where, $"covers {AddressMapping.Format(actual)} in the output; the original table had no entry for this unit");
                continue;
            }
            var liveOriginal = AddressMapping.Live(originalRanges);
            if (actual is null)
            {
                if (liveOriginal.Count > 0)
                    report.Add(kind, where, $"the unit is missing from the output table; the original covered {AddressMapping.Format(liveOriginal)}");
                continue;
            }
            var originalUnit = unit < originalUnitRanges.Count ? Normalized(originalUnitRanges[unit]) : [];
            var rewrittenUnit = unit < rewrittenUnitRanges.Count ? Normalized(rewrittenUnitRanges[unit]) : [];
            bool followedUnit = liveOriginal.SequenceEqual(originalUnit);
            var expected = followedUnit ? rewrittenUnit : mapping.TranslateRanges(liveOriginal);
            if (!expected.SequenceEqual(actual))
                report.Add(kind, where, $"covers {AddressMapping.Format(actual)} in the output, expected {AddressMapping.Format(expected)} "
                    + (followedUnit ? "(the output unit's ranges, as the original table covered its unit's)" : $"(the translation of the original {AddressMapping.Format(liveOriginal)})"));
        }
    }

    private static List<AddressRange> Normalized(List<AddressRange>? ranges) =>
        ranges is null ? [] : AddressMapping.Live(ranges);

    /// <summary>.debug_aranges sets by the index of the unit they name; a set naming no unit is reported.</summary>
    public static Dictionary<int, List<AddressRange>> ArangesByUnit(DwarfFile file, string side, VerificationReport report)
    {
        var byUnit = new Dictionary<int, List<AddressRange>>();
        var view = file.Sections.View(DebugSectionNames.Aranges);
        foreach (var set in ArangesReader.ReadAll(view))
        {
            var unit = file.FindUnitContaining((long)Math.Min(set.DebugInfoOffset, long.MaxValue));
            if (unit is null || unit.Offset != (long)set.DebugInfoOffset)
            {
                report.Add(DifferenceKind.Aranges, $"{DebugSectionNames.Aranges}+0x{set.Offset:x}", $"the {side} set names .debug_info+0x{set.DebugInfoOffset:x}, where no unit starts");
                continue;
            }
            if (!byUnit.TryGetValue(unit.Index, out var ranges))
                byUnit[unit.Index] = ranges = [];
            ranges.AddRange(set.Ranges);
        }
        return byUnit;
    }
}

using System.Text;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// Glues the rebuilt units together in input unit order: each section's contributions
/// concatenated (prefix sums give every contribution its place), then every fixup and cross-unit
/// reference patched, and .debug_aranges written from the units' new code ranges.
/// </summary>
public static class DebugMerger
{
    private static readonly (OutputSection Section, string Name)[] SectionNames =
    [
        (OutputSection.Info, DebugSectionNames.Info), (OutputSection.Types, DebugSectionNames.Types),
        (OutputSection.Abbrev, DebugSectionNames.Abbrev), (OutputSection.Line, DebugSectionNames.Line),
        (OutputSection.Ranges, DebugSectionNames.Ranges), (OutputSection.Rnglists, DebugSectionNames.Rnglists),
        (OutputSection.Loc, DebugSectionNames.Loc), (OutputSection.Loclists, DebugSectionNames.Loclists),
        (OutputSection.Addr, DebugSectionNames.Addr),
    ];

    /// <param name="unitOffsets">each unit's new offset in its section (.debug_info or .debug_types), for the indexes that name units</param>
    public static Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Merge(DwarfFile file, UnitOutput[] units, bool keepAranges, out ulong[] unitOffsets)
    {
        int sectionCount = SectionNames.Length;
        var chunks = new List<ReadOnlyMemory<byte>>[sectionCount];
        var sizes = new ulong[sectionCount];
        for (int s = 0; s < sectionCount; s++)
            chunks[s] = [];
        // base[section][unit]: where the unit's contribution starts; ulong.MaxValue when it has none.
        var bases = new ulong[sectionCount][];
        for (int s = 0; s < sectionCount; s++)
            Array.Fill(bases[s] = new ulong[units.Length], ulong.MaxValue);

        void Place(OutputSection section, int unit, ReadOnlyMemory<byte> bytes)
        {
            int s = (int)section;
            bases[s][unit] = sizes[s];
            chunks[s].Add(bytes);
            sizes[s] += (ulong)bytes.Length;
        }

        // Units with the same abbreviation table share one copy.
        var abbreviationTables = new Dictionary<string, ulong>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            Place(unit.InTypesSection ? OutputSection.Types : OutputSection.Info, unit.UnitIndex, unit.Info.Written);
            string key = Encoding.Latin1.GetString(unit.Abbrev.Span);
            if (abbreviationTables.TryGetValue(key, out ulong shared))
                bases[(int)OutputSection.Abbrev][unit.UnitIndex] = shared;
            else
            {
                abbreviationTables.Add(key, sizes[(int)OutputSection.Abbrev]);
                Place(OutputSection.Abbrev, unit.UnitIndex, unit.Abbrev);
            }
            foreach (var section in new[] { OutputSection.Line, OutputSection.Ranges, OutputSection.Rnglists, OutputSection.Loc, OutputSection.Loclists, OutputSection.Addr })
                if (unit.Buffer(section) is { } buffer)
                    Place(section, unit.UnitIndex, buffer.Written);
        }

        foreach (var unit in units)
        {
            foreach (var fixup in unit.Fixups)
            {
                ulong start = bases[(int)fixup.Target][fixup.TargetUnit];
                if (start == ulong.MaxValue)
                    throw new InvalidOperationException($"unit {fixup.TargetUnit} has no {fixup.Target} contribution for a fixup of unit {unit.UnitIndex}");
                Patch(unit.Buffer(fixup.In)!, fixup.Position, start + fixup.Addend, fixup.Size);
            }
            foreach (var (section, reference) in unit.InfoReferences)
            {
                var target = units[reference.Unit];
                ulong start = bases[(int)(target.InTypesSection ? OutputSection.Types : OutputSection.Info)][reference.Unit];
                Patch(unit.Buffer(section)!, reference.Position, start + target.DieOffsets[reference.Die], reference.Size);
            }
        }

        unitOffsets = new ulong[units.Length];
        foreach (var unit in units)
            unitOffsets[unit.UnitIndex] = bases[(int)(unit.InTypesSection ? OutputSection.Types : OutputSection.Info)][unit.UnitIndex];
        var result = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        foreach (var (section, name) in SectionNames)
            if (chunks[(int)section].Count > 0 || file.Sections.Contains(name))
                result[name] = chunks[(int)section];
        if (keepAranges)
            result[DebugSectionNames.Aranges] = [ArangesWriter.Write(units, bases[(int)OutputSection.Info], file)];
        return result;
    }

    private static void Patch(ByteWriter buffer, int position, ulong value, int size)
    {
        if (size == 4 && value > uint.MaxValue)
            throw new InvalidOperationException($"offset 0x{value:x} does not fit a DWARF32 field: the section grew past 4 GiB");
        buffer.Patch(position, value, size);
    }
}

using System.Text;
using Rewriter.DebugUpdate.Building;
using Rewriter.DebugUpdate.Packaging;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Merging;

/// <summary>
/// Glues the rebuilt units together in input unit order: each section's contributions
/// concatenated (prefix sums give every contribution its place), then every fixup and cross-unit
/// reference patched, and .debug_aranges written from the units' new code ranges. A .dwo file's
/// units are merged the same way into its .dwo sections (its line tables, strings and string
/// offsets hold no addresses and stay as they are).
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

    /// <summary>The sections a .dwo file's units are rebuilt into; the others are copied.</summary>
    private static readonly OutputSection[] SplitFileSections =
        [OutputSection.Info, OutputSection.Types, OutputSection.Abbrev, OutputSection.Rnglists, OutputSection.Loc, OutputSection.Loclists];

    /// <summary>Merges a split file's units (they add no strings).</summary>
    public static Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Merge(DwarfFile file, UnitOutput[] units) =>
        Merge(file, units, keepAranges: false, strings: null, out _);

    /// <param name="strings">where strings units add (a skeleton's new dwo_name) go, after .debug_str; null for a split file</param>
    /// <param name="places">where each unit's contribution to each section starts, by section and unit (ulong.MaxValue: none)</param>
    public static Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>> Merge(DwarfFile file, UnitOutput[] units, bool keepAranges, AddedStrings? strings,
        out ulong[][] places)
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
        // PERF: units that added no shape hand back their input table's one array: found by reference first.
        var sameArray = new Dictionary<ReadOnlyMemory<byte>, ulong>(MemoryIdentity.Instance);
        foreach (var unit in units)
        {
            Place(unit.InTypesSection ? OutputSection.Types : OutputSection.Info, unit.UnitIndex, unit.Info.Written);
            if (sameArray.TryGetValue(unit.Abbrev, out ulong placed))
                bases[(int)OutputSection.Abbrev][unit.UnitIndex] = placed;
            else
            {
                string key = Encoding.Latin1.GetString(unit.Abbrev.Span);
                if (abbreviationTables.TryGetValue(key, out ulong shared))
                    bases[(int)OutputSection.Abbrev][unit.UnitIndex] = shared;
                else
                {
                    abbreviationTables.Add(key, sizes[(int)OutputSection.Abbrev]);
                    Place(OutputSection.Abbrev, unit.UnitIndex, unit.Abbrev);
                }
                sameArray.Add(unit.Abbrev, bases[(int)OutputSection.Abbrev][unit.UnitIndex]);
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
                // In a package, offsets into a unit's own contributions are relative to them (the index says where they are).
                if (file.IsPackage)
                {
                    if (fixup.TargetUnit != unit.UnitIndex)
                        throw new InvalidOperationException($"unit {unit.UnitIndex} of a package names another unit's {fixup.Target} contribution");
                    start = 0;
                }
                Patch(unit.Buffer(fixup.In)!, fixup.Position, start + fixup.Addend, fixup.Size);
            }
            foreach (var (section, reference) in unit.InfoReferences)
            {
                var target = units[reference.Unit];
                ulong start = bases[(int)(target.InTypesSection ? OutputSection.Types : OutputSection.Info)][reference.Unit];
                Patch(unit.Buffer(section)!, reference.Position, start + target.DieOffsets[reference.Die], reference.Size);
            }
        }

        var result = new Dictionary<string, IReadOnlyList<ReadOnlyMemory<byte>>>(StringComparer.Ordinal);
        foreach (var (section, mainName) in SectionNames)
        {
            if (file.IsSplit && !SplitFileSections.Contains(section))
                continue;
            string name = file.IsSplit ? DebugSectionNames.Dwo(mainName) : mainName;
            if (chunks[(int)section].Count > 0 || file.Sections.Contains(name))
                result[name] = chunks[(int)section];
        }
        AddStrings(file, units, strings);
        if (keepAranges)
            result[DebugSectionNames.Aranges] = [ArangesWriter.Write(units, bases[(int)OutputSection.Info], file)];
        if (file.IsPackage)
            foreach (var (name, index) in new[] { (DebugSectionNames.CuIndex, file.CuIndex), (DebugSectionNames.TuIndex, file.TuIndex) })
                if (index is not null)
                    result[name] = [PackageIndexRewriter.Write(index, file.Sections.View(name), file, units, bases)];
        places = bases;
        return result;
    }

    /// <summary>Each unit's new offset in its section (.debug_info or .debug_types), for the indexes that name units.</summary>
    public static ulong[] UnitOffsets(UnitOutput[] units, ulong[][] places)
    {
        var offsets = new ulong[units.Length];
        foreach (var unit in units)
            offsets[unit.UnitIndex] = places[(int)(unit.InTypesSection ? OutputSection.Types : OutputSection.Info)][unit.UnitIndex];
        return offsets;
    }

    /// <summary>The strings units added (a skeleton's new dwo_name) go after .debug_str, in unit order; every field naming one is patched.</summary>
    private static void AddStrings(DwarfFile file, UnitOutput[] units, AddedStrings? strings)
    {
        foreach (var unit in units)
        {
            foreach (var (position, value) in unit.AddedStrings)
            {
                if (strings is null)
                    throw new InvalidOperationException("a unit of a .dwo file added a string");
                Patch(unit.Info, position, strings.OffsetOf(Encoding.UTF8.GetBytes(value)), file.Units[unit.UnitIndex].Header.OffsetSize);
            }
        }
    }

    /// <summary>Memory compared by which array slice it is, not by its bytes.</summary>
    private sealed class MemoryIdentity : IEqualityComparer<ReadOnlyMemory<byte>>
    {
        public static readonly MemoryIdentity Instance = new();

        public bool Equals(ReadOnlyMemory<byte> x, ReadOnlyMemory<byte> y) => x.Equals(y);

        public int GetHashCode(ReadOnlyMemory<byte> memory) => memory.GetHashCode();
    }

    private static void Patch(ByteWriter buffer, int position, ulong value, int size)
    {
        if (size == 4 && value > uint.MaxValue)
            throw new InvalidOperationException($"offset 0x{value:x} does not fit a DWARF32 field: the section grew past 4 GiB");
        buffer.Patch(position, value, size);
    }
}

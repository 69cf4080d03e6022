using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks .debug_names: every entry of the output names a DIE whose tag and name it states, and the
/// output's entries name the same (name, tag, matched DIE) triples as the original's — none
/// missing, none added.
/// </summary>
internal static class NameIndexComparer
{
    /// <summary>One entry by meaning: its name, its tag and the DIE it names (by unit key and pre-order index).</summary>
    private readonly record struct Entry(string Name, DwTag Tag, long Unit, int Die) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            int c = string.CompareOrdinal(Name, other.Name);
            if (c == 0) c = Tag.CompareTo(other.Tag);
            if (c == 0) c = Unit.CompareTo(other.Unit);
            return c != 0 ? c : Die.CompareTo(other.Die);
        }
    }

    public static void Compare(DwarfFile original, DwarfFile rewritten, VerificationReport report)
    {
        bool hadNames = original.Sections.Contains(DebugSectionNames.Names);
        bool hasNames = rewritten.Sections.Contains(DebugSectionNames.Names);
        if (!hadNames && !hasNames)
            return;
        if (!hasNames)
        {
            report.Add(DifferenceKind.Names, DebugSectionNames.Names, "the output has no .debug_names; the original had one");
            return;
        }
        var before = Entries(original, null);
        var after = Entries(rewritten, report);
        if (!hadNames)
        {
            report.Add(DifferenceKind.Names, DebugSectionNames.Names, $"the output has a .debug_names of {after.Count} entries; the original had none");
            return;
        }
        before.Sort();
        after.Sort();
        int i = 0, j = 0;
        while (i < before.Count || j < after.Count)
        {
            report.IndexEntriesCompared++;
            int c = i == before.Count ? 1 : j == after.Count ? -1 : before[i].CompareTo(after[j]);
            if (c == 0) { i++; j++; continue; }
            if (c < 0)
                report.Add(DifferenceKind.Names, DebugSectionNames.Names, $"entry \"{before[i].Name}\" ({DwarfNames.Name(before[i].Tag)}) for {Where(original, before[i])} is missing from the output");
            else
                report.Add(DifferenceKind.Names, DebugSectionNames.Names, $"entry \"{after[j].Name}\" ({DwarfNames.Name(after[j].Tag)}) for {Where(rewritten, after[j])} is new in the output");
            if (c < 0) i++; else j++;
        }
    }

    private static string Where(DwarfFile file, Entry entry)
    {
        var unit = UnitOf(file, entry.Unit);
        return unit is null || entry.Die < 0 ? "a DIE that cannot be found" : DiePaths.Of(unit, entry.Die);
    }

    private static DwarfUnit? UnitOf(DwarfFile file, long key)
    {
        if (key >= 0)
            return key < file.Units.Count ? file.Units[(int)key] : null;
        if (key < -file.Units.Count)
            return null; // a type unit's key, or none
        return file.Units[(int)(-key - 1)].SplitUnit;
    }

    /// <summary>The entries of every name index; with a report, also checks each against the DIE it names.</summary>
    private static List<Entry> Entries(DwarfFile file, VerificationReport? report)
    {
        var entries = new List<Entry>();
        var strings = file.Sections.View(DebugSectionNames.Str);
        foreach (var index in DebugNamesReader.ReadAll(file.Sections.View(DebugSectionNames.Names), strings))
        {
            foreach (var name in index.Names)
            {
                foreach (var entry in name.Entries)
                {
                    var (unit, key) = Unit(file, index, entry);
                    int die = -1;
                    if (unit is not null && entry.Get(DwIdx.DieOffset) is { } offset)
                        die = unit.Dies.FindByUnitOffset(offset);
                    entries.Add(new Entry(name.Name, entry.Abbreviation.Tag, key, die));
                    if (report is not null)
                        CheckAgainstDie(unit, die, name.Name, entry, report);
                }
            }
        }
        return entries;
    }

    private static void CheckAgainstDie(DwarfUnit? unit, int die, string name, NameIndexEntry entry, VerificationReport report)
    {
        string where = $"{DebugSectionNames.Names}+0x{entry.Offset:x}";
        if (unit is null)
            return; // a unit the index cannot name here (a foreign type unit without its .dwo)
        if (die < 0)
        {
            report.Add(DifferenceKind.Names, where, $"entry \"{name}\" names DIE offset 0x{entry.Get(DwIdx.DieOffset) ?? 0:x} of {DiePaths.Segment(unit, 0)}, where no DIE starts");
            return;
        }
        if (unit.TagOf(die) != entry.Abbreviation.Tag)
            report.Add(DifferenceKind.Names, where, $"entry \"{name}\" says {DwarfNames.Name(entry.Abbreviation.Tag)}, but {DiePaths.Of(unit, die)} is {DwarfNames.Name(unit.TagOf(die))}");
        else if (!HasName(unit, die, name, depth: 0))
            report.Add(DifferenceKind.Names, where, $"entry \"{name}\" names {DiePaths.Of(unit, die)}, which has another name");
    }

    /// <summary>True when the DIE's name or linkage name (or those of what it specifies or is an instance of) is <paramref name="name"/>.</summary>
    private static bool HasName(DwarfUnit unit, int die, string name, int depth)
    {
        foreach (var attribute in unit.Attributes(die))
        {
            if (attribute.Name is DwAt.Name or DwAt.LinkageName or DwAt.MipsLinkageName)
            {
                if (unit.GetString(in attribute) == name)
                    return true;
            }
            else if (attribute.Name is DwAt.Specification or DwAt.AbstractOrigin && depth < 4)
            {
                var (targetUnit, target) = unit.ResolveReference(in attribute);
                if (HasName(targetUnit, target, name, depth + 1))
                    return true;
            }
        }
        // Anonymous namespaces are indexed under this name.
        return name == "(anonymous namespace)" && unit.TagOf(die) == DwTag.Namespace;
    }

    /// <summary>The unit an entry belongs to, and its key (a unit index; for a split unit, -(its skeleton's index + 1)).</summary>
    private static (DwarfUnit?, long) Unit(DwarfFile file, NameIndex index, NameIndexEntry entry)
    {
        if (entry.Get(DwIdx.TypeUnit) is { } typeUnit)
        {
            if (typeUnit < (ulong)index.LocalTypeUnits.Length)
            {
                var local = file.FindUnitContaining((long)index.LocalTypeUnits[typeUnit]);
                return (local, local?.Index ?? long.MinValue);
            }
            ulong foreign = typeUnit - (ulong)index.LocalTypeUnits.Length;
            if (foreign < (ulong)index.ForeignTypeUnits.Length)
            {
                ulong signature = index.ForeignTypeUnits[foreign];
                return (file.FindTypeUnit(signature), long.MinValue + 1 + (long)(signature & 0x3fff_ffff_ffff_ffff));
            }
            return (null, long.MinValue);
        }
        ulong? cu = entry.Get(DwIdx.CompileUnit) ?? (index.CompileUnits.Length == 1 ? 0 : null);
        if (cu is not { } number || number >= (ulong)index.CompileUnits.Length)
            return (null, long.MinValue);
        var unit = file.FindUnitContaining((long)index.CompileUnits[number]);
        if (unit is null)
            return (null, long.MinValue);
        if (unit.Header.UnitType == DwUnitType.Skeleton)
            return (unit.SplitUnit, -(unit.Index + 1L));
        return (unit, unit.Index);
    }
}

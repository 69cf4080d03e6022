using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks .debug_names: every entry of the output names a DIE whose tag and name it states, its
/// DW_IDX_parent names the entry of the DIE's parent (or, as DW_FORM_flag_present, says the parent
/// is not indexed), and the output's entries name the same (name, tag, matched DIE) triples as the
/// original's — none missing, none added. Two exceptions: a subprogram, inlined subroutine or label
/// whose code the layout deleted (its output DIE has no code) is rightly no longer listed; and the
/// units an original index did not cover (all of them when it had none: --create-debug-names-section)
/// are checked against their DIEs only.
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
        var covered = new HashSet<long>();
        var before = hadNames ? Entries(original, null, covered) : [];
        var after = Entries(rewritten, report, null);
        after.RemoveAll(e => !covered.Contains(e.Unit));
        // An original entry that names no DIE (a type unit the linker deduplicated away) has nothing to
        // match; one DIE listed by several indexes (a shared type unit) is one name of it.
        before.RemoveAll(e => e.Die < 0);
        before = [.. before.Distinct()];
        after = [.. after.Distinct()];
        IndexEntryDiff.Walk(before, after, report, (entry, missing) =>
        {
            if (missing && CodeDeleted(rewritten, entry))
                return;
            report.Add(DifferenceKind.Names, DebugSectionNames.Names, $"entry \"{entry.Name}\" ({DwarfNames.Name(entry.Tag)}) for "
                + (missing ? $"{Where(original, entry)} is missing from the output" : $"{Where(rewritten, entry)} is new in the output"));
        });
    }

    /// <summary>An entry for a scope with code whose output DIE has none: the layout deleted it (the DIE comparison checks that).</summary>
    private static bool CodeDeleted(DwarfFile rewritten, Entry entry)
    {
        if (entry.Tag is not (DwTag.Subprogram or DwTag.InlinedSubroutine or DwTag.Label) || UnitOf(rewritten, entry.Unit) is not { } unit
            || entry.Die < 0 || entry.Die >= unit.Dies.Count)
            return false;
        return !unit.HasAttribute(entry.Die, DwAt.LowPc) && !unit.HasAttribute(entry.Die, DwAt.Ranges) && !unit.HasAttribute(entry.Die, DwAt.EntryPc);
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

    /// <summary>
    /// The entries of every name index; with a report, also checks each against the DIE it names
    /// and its parent; with <paramref name="covered"/>, collects the units the indexes list.
    /// </summary>
    private static List<Entry> Entries(DwarfFile file, VerificationReport? report, HashSet<long>? covered)
    {
        var entries = new List<Entry>();
        var strings = file.Sections.View(DebugSectionNames.Str);
        foreach (var index in DebugNamesReader.ReadAll(file.Sections.View(DebugSectionNames.Names), strings))
        {
            if (covered is not null)
                foreach (var unitOffset in index.CompileUnits.Concat(index.LocalTypeUnits))
                    if (file.FindUnitContaining((long)Math.Min(unitOffset, long.MaxValue)) is { } listed)
                        covered.Add(listed.Header.UnitType == DwUnitType.Skeleton ? -(listed.Index + 1L) : listed.Index);
            if (covered is not null)
                foreach (ulong signature in index.ForeignTypeUnits)
                    covered.Add(ForeignKey(signature));
            var byOffset = new Dictionary<long, (DwarfUnit? Unit, int Die)>();
            var indexed = new HashSet<(long, int)>();
            foreach (var name in index.Names)
            {
                foreach (var entry in name.Entries)
                {
                    var (unit, key) = Unit(file, index, entry);
                    int die = -1;
                    if (unit is not null && entry.Get(DwIdx.DieOffset) is { } offset)
                        die = unit.Dies.FindByUnitOffset(offset);
                    entries.Add(new Entry(name.Name, entry.Abbreviation.Tag, key, die));
                    byOffset[entry.Offset] = (unit, die);
                    indexed.Add((key, die));
                    if (report is not null)
                        CheckAgainstDie(unit, die, name.Name, entry, report);
                }
            }
            if (report is not null)
                CheckParents(file, index, byOffset, indexed, report);
        }
        return entries;
    }

    /// <summary>DW_IDX_parent as LLVM writes it: a reference to an entry of the DIE's parent, or flag_present when the parent has none.</summary>
    private static void CheckParents(DwarfFile file, NameIndex index, Dictionary<long, (DwarfUnit? Unit, int Die)> byOffset,
        HashSet<(long, int)> indexed, VerificationReport report)
    {
        foreach (var name in index.Names)
        {
            foreach (var entry in name.Entries)
            {
                var attribute = Array.FindIndex(entry.Abbreviation.Attributes, a => a.Index == DwIdx.Parent);
                var (unit, die) = byOffset[entry.Offset];
                if (attribute < 0 || unit is null || die < 0)
                    continue;
                string where = $"{DebugSectionNames.Names}+0x{entry.Offset:x}";
                int parent = unit.Dies.Parent(die);
                if (entry.Abbreviation.Attributes[attribute].Form == DwForm.FlagPresent)
                {
                    var (_, key) = Unit(file, index, entry);
                    if (parent >= 0 && indexed.Contains((key, parent)))
                        report.Add(DifferenceKind.Names, where, $"entry \"{name.Name}\" says the parent of {DiePaths.Of(unit, die)} is not indexed, but it is");
                    continue;
                }
                long target = index.EntryPool + (long)entry.Values[attribute].Value;
                if (!byOffset.TryGetValue(target, out var named) || named.Unit != unit || named.Die != parent || parent < 0)
                    report.Add(DifferenceKind.Names, where, $"entry \"{name.Name}\" has DW_IDX_parent 0x{entry.Values[attribute].Value:x}, which is no entry of the parent of {DiePaths.Of(unit, die)}");
            }
        }
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

    /// <summary>The key of a foreign type unit: below every unit index and skeleton key, from its signature.</summary>
    private static long ForeignKey(ulong signature) => long.MinValue + 1 + (long)(signature & 0x3fff_ffff_ffff_ffff);

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
                return (file.FindTypeUnit(signature), ForeignKey(signature));
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

using Rewriter.DebugUpdate.Indexes;
using Rewriter.DebugUpdate.Reading;

namespace Rewriter.DebugUpdate.Verification;

/// <summary>
/// Checks .debug_pubnames, .debug_pubtypes and their GNU variants: every set names the start of a
/// unit and that unit's size, every entry's offset the start of a DIE of that unit, and the
/// output's entries name the same (name, kind, matched DIE) as the original's — none missing,
/// none added. Reported as name-index differences.
/// </summary>
internal static class PubNamesComparer
{
    private readonly record struct Entry(string Name, int Kind, int Unit, int Die) : IComparable<Entry>
    {
        public int CompareTo(Entry other)
        {
            int c = string.CompareOrdinal(Name, other.Name);
            if (c == 0) c = Kind.CompareTo(other.Kind);
            if (c == 0) c = Unit.CompareTo(other.Unit);
            return c != 0 ? c : Die.CompareTo(other.Die);
        }
    }

    public static void Compare(DwarfFile original, DwarfFile rewritten, VerificationReport report)
    {
        foreach (var name in PubNamesReader.Sections)
        {
            bool had = original.Sections.Contains(name), has = rewritten.Sections.Contains(name);
            if (!had && !has)
                continue;
            if (had != has)
            {
                report.Add(DifferenceKind.Names, name, had ? $"the output has no {name}; the original had one" : $"the output has a {name}; the original had none");
                continue;
            }
            var before = Entries(original, name, null);
            var after = Entries(rewritten, name, report);
            IndexEntryDiff.Walk(before, after, report, (entry, missing) =>
            {
                var file = missing ? original : rewritten;
                var unit = file.Units[entry.Unit];
                string where = entry.Die >= 0 ? DiePaths.Of(unit.SplitUnit ?? unit, entry.Die) : $"unit {entry.Unit}";
                report.Add(DifferenceKind.Names, name, $"entry \"{entry.Name}\" for {where} " + (missing ? "is missing from the output" : "is new in the output"));
            });
        }
    }

    private static bool SizeOf(DwarfUnit unit, ulong length) =>
        length == (ulong)unit.Header.Size || length + (ulong)(unit.Header.OffsetSize == 8 ? 12 : 4) == (ulong)unit.Header.Size;

    /// <summary>The entries of every set; with a report, also checks each set's unit and each entry's DIE.</summary>
    private static List<Entry> Entries(DwarfFile file, string name, VerificationReport? report)
    {
        var section = file.Sections.View(name);
        bool gnu = PubNamesReader.IsGnu(name);
        var entries = new List<Entry>();
        foreach (var set in PubNamesReader.ReadSets(section))
        {
            var unit = file.FindUnitContaining((long)Math.Min(set.InfoOffset, long.MaxValue));
            string where = $"{name}+0x{set.Position:x}";
            if (unit is null || (ulong)unit.Offset != set.InfoOffset)
            {
                report?.Add(DifferenceKind.Names, where, $"set names .debug_info+0x{set.InfoOffset:x}, where no unit starts");
                continue;
            }
            // A skeleton's entries name DIEs of its split unit; the set gives the size of one or the
            // other (clang the skeleton's, gcc the split unit's), with its initial length or without.
            var dies = unit.SplitUnit ?? unit;
            if (report is not null && !SizeOf(unit, set.InfoLength) && !SizeOf(dies, set.InfoLength))
                report.Add(DifferenceKind.Names, where, $"set says its unit is 0x{set.InfoLength:x} bytes long; {DiePaths.Segment(unit, 0)} is 0x{unit.Header.Size:x}");
            foreach (var entry in PubNamesReader.ReadEntries(section, set, gnu))
            {
                int die = dies.Dies.FindByUnitOffset(entry.DieOffset);
                string text = System.Text.Encoding.UTF8.GetString(section.Span.Slice(entry.NameStart, entry.NameLength));
                if (die < 0)
                    report?.Add(DifferenceKind.Names, where, $"entry \"{text}\" names offset 0x{entry.DieOffset:x} of {DiePaths.Segment(dies, 0)}, where no DIE starts");
                entries.Add(new Entry(text, entry.Kind, unit.Index, die));
            }
        }
        return entries;
    }
}

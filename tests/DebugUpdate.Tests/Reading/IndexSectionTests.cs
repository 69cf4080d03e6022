using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;

namespace Rewriter.DebugUpdate.Tests.Reading;

/// <summary>.debug_names, .gdb_index and .debug_aranges of real programs, checked against their units.</summary>
public sealed class IndexSectionTests
{
    [ClangFact]
    public void Debug_names_entries_point_at_dies_with_that_name()
    {
        var program = CompiledProgram.Get(SampleSources.Language.Cpp, "-O1 -g -gdwarf-5 -gpubnames", false);
        var file = program.Open();
        // The linker concatenates one name index per unit.
        var indexes = DebugNamesReader.ReadAll(program.Sections.View(DebugSectionNames.Names), program.Sections.View(DebugSectionNames.Str));
        indexes.Sum(i => i.CompileUnits.Length).ShouldBe(file.Units.Count);
        indexes.SelectMany(i => i.Names).ShouldContain(n => n.Name == "main");
        int checkedEntries = 0;
        foreach (var (index, name) in indexes.SelectMany(i => i.Names.Select(n => (i, n))))
        {
            name.Hash.ShouldBe(NameIndex.Hash(name.Name));
            foreach (var entry in name.Entries)
            {
                ulong cu = index.CompileUnits[(int)(entry.Get(DwIdx.CompileUnit) ?? 0)];
                var unit = file.FindUnitContaining((long)cu).ShouldNotBeNull();
                int die = unit.Dies.FindByUnitOffset(entry.Get(DwIdx.DieOffset).ShouldNotBeNull());
                die.ShouldBeGreaterThanOrEqualTo(0);
                unit.TagOf(die).ShouldBe(entry.Abbreviation.Tag);
                Names(unit, die).ShouldContain(name.Name);
                checkedEntries++;
            }
        }
        checkedEntries.ShouldBeGreaterThan(10);
    }

    // A DIE's names, following abstract_origin/specification as consumers do.
    private static List<string> Names(DwarfUnit unit, int die)
    {
        var names = new List<string> { "(anonymous namespace)" };
        for (int depth = 0; depth < 4; depth++)
        {
            foreach (var attribute in unit.Attributes(die))
                if (attribute.Name is DwAt.Name or DwAt.LinkageName)
                    names.Add(unit.GetString(in attribute));
            if (!unit.TryGetAttribute(die, DwAt.AbstractOrigin, out var origin) && !unit.TryGetAttribute(die, DwAt.Specification, out origin))
                break;
            (unit, die) = unit.ResolveReference(in origin);
        }
        return names;
    }

    [ClangFact]
    public void Gdb_index_lists_every_unit_and_its_addresses()
    {
        var program = CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-4 -ggnu-pubnames -Wl,--gdb-index", false);
        var file = program.Open();
        var index = GdbIndexReader.Read(program.Sections.View(DebugSectionNames.GdbIndex));
        index.Version.ShouldBeOneOf(7u, 8u);
        index.CompileUnits.Select(u => (long)u.Offset).ShouldBe(file.Units.Select(u => u.Offset));
        index.Symbols.ShouldContain(s => s.Name == "main");
        foreach (var entry in index.Addresses)
        {
            var unit = file.Units[(int)entry.CuIndex];
            unit.GetRanges(0).ShouldNotBeNull().ShouldContain(r => r.Start <= entry.Start && entry.End <= r.End);
        }
        index.Addresses.Count.ShouldBeGreaterThan(0);
    }

    [ClangFact]
    public void Aranges_match_the_unit_ranges()
    {
        var program = CompiledProgram.Get(SampleSources.Language.C, "-O1 -g -gdwarf-5 -gdwarf-aranges", false);
        var file = program.Open();
        var sets = ArangesReader.ReadAll(program.Sections.View(DebugSectionNames.Aranges));
        sets.Count.ShouldBe(file.Units.Count);
        foreach (var set in sets)
        {
            var unit = file.FindUnitContaining((long)set.DebugInfoOffset).ShouldNotBeNull();
            // Aranges also cover the unit's static data, so they contain its code ranges.
            var covered = AddressRange.Normalize(set.Ranges);
            foreach (var range in AddressRange.Normalize(unit.GetRanges(0)!))
                covered.ShouldContain(r => r.Start <= range.Start && range.End <= r.End);
        }
    }
}

using Rewriter.DebugUpdate.Indexes;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Indexes;

/// <summary>
/// .gdb_index (lld --gdb-index) and the pubnames family (-gpubnames, -ggnu-pubnames) after the
/// debug update of programs whose every function moved and split: they name the units' new
/// places and the DIEs' new offsets, the address area covers the new code, and verify-debug catches
/// the sections left stale.
/// </summary>
public sealed class GdbIndexAndPubNamesUpdateTests(ITestOutputHelper output)
{
    [ClangTheory]
    [InlineData("C", "-O2 -g -gdwarf-5 -ggnu-pubnames -Wl,--gdb-index")]
    [InlineData("Cpp", "-O1 -g -gdwarf-4 -ggnu-pubnames -Wl,--gdb-index")]
    public void The_gdb_index_names_the_new_units_and_code(string language, string flags)
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get("Clang", language, flags, makeDwp: false));
        updated.Program.Sections.Contains(DebugSectionNames.GdbIndex).ShouldBeTrue();
        updated.Result.DroppedSections.ShouldNotContain(DebugSectionNames.GdbIndex);
        var report = updated.Verify();
        output.WriteLine(report.ToString());
        NoIndexDifferences(report);

        var before = GdbIndexReader.Read(updated.Program.Sections.View(DebugSectionNames.GdbIndex));
        var after = GdbIndexReader.Read(updated.Output.View(DebugSectionNames.GdbIndex));
        var units = DwarfFile.Open(updated.Output).Units;
        after.CompileUnits.ShouldBe(units.Where(u => !u.Header.IsTypeUnit).Select(u => new GdbIndexCompileUnit((ulong)u.Offset, (ulong)u.Header.Size)).ToList());
        after.Symbols.ShouldBe(before.Symbols, ignoreOrder: false, comparer: new SymbolComparer());
        // The area names moved code (the map puts it 0x1000000 higher, or in the cold area at 0x4000000).
        after.Addresses.ShouldContain(a => a.Start >= 0x1000000);
        after.Addresses.ShouldContain(a => a.Start >= 0x4000000);
    }

    [ClangFact]
    public void A_stale_gdb_index_is_caught()
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get("Clang", "C", "-O2 -g -gdwarf-5 -ggnu-pubnames -Wl,--gdb-index", makeDwp: false));
        var stale = updated.Output.Clone();
        stale.Set(DebugSectionNames.GdbIndex, updated.Program.Sections.Get(DebugSectionNames.GdbIndex));
        var report = updated.Verify(stale);
        output.WriteLine(report.ToString());
        report.Count(DifferenceKind.GdbIndex).ShouldBeGreaterThan(0);
    }

    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-4 -gpubnames", ".debug_pubnames")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-4 -gpubnames", ".debug_pubtypes")]
    [InlineData("Gcc", "Cpp", "-O2 -g -gdwarf-5 -ggnu-pubnames", ".debug_gnu_pubnames")]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-4 -ggnu-pubnames", ".debug_gnu_pubtypes")]
    public void Pubnames_name_the_new_units_and_dies(string compiler, string language, string flags, string section)
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get(compiler, language, flags, makeDwp: false));
        updated.Program.Sections.Contains(section).ShouldBeTrue();
        var report = updated.Verify();
        output.WriteLine(report.ToString());
        NoIndexDifferences(report);

        // The same entries, set by set; each set at its unit's new place and size.
        var before = PubNamesReader.ReadSets(updated.Program.Sections.View(section));
        var after = PubNamesReader.ReadSets(updated.Output.View(section));
        after.Count.ShouldBe(before.Count);
        var units = DwarfFile.Open(updated.Output).Units;
        for (int s = 0; s < after.Count; s++)
        {
            var unit = units.Single(u => (ulong)u.Offset == after[s].InfoOffset);
            after[s].InfoLength.ShouldBe((ulong)unit.Header.Size);
            PubNamesReader.ReadEntries(updated.Output.View(section), after[s], PubNamesReader.IsGnu(section)).Count
                .ShouldBe(PubNamesReader.ReadEntries(updated.Program.Sections.View(section), before[s], PubNamesReader.IsGnu(section)).Count);
        }

        var stale = updated.Output.Clone();
        stale.Set(section, updated.Program.Sections.Get(section));
        updated.Verify(stale).Count(DifferenceKind.Names).ShouldBeGreaterThan(0);
    }

    private static void NoIndexDifferences(VerificationReport report) => NameIndexUpdateTests.NoIndexDifferences(report);

    private sealed class SymbolComparer : IEqualityComparer<GdbIndexSymbol>
    {
        public bool Equals(GdbIndexSymbol? x, GdbIndexSymbol? y) => x!.Name == y!.Name && x.CuVector.SequenceEqual(y.CuVector);
        public int GetHashCode(GdbIndexSymbol obj) => obj.Name.GetHashCode();
    }
}

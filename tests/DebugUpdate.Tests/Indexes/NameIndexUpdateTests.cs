using Rewriter.DebugUpdate.Addresses;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Indexes;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;
using Xunit.Abstractions;

namespace Rewriter.DebugUpdate.Tests.Indexes;

/// <summary>
/// .debug_names after the debug update, on compiled programs whose every function moved and split:
/// it names the same DIEs under the same names as the compiler's index (at their new offsets), its
/// parents and hashes are right, it is the same for any thread count, and verify-debug catches an
/// index left stale.
/// </summary>
public sealed class NameIndexUpdateTests(ITestOutputHelper output)
{
    [ClangTheory]
    [InlineData("C", "-O2 -g -gdwarf-5 -gpubnames")]
    [InlineData("C", "-O0 -g -gdwarf-5 -gpubnames")]
    [InlineData("Cpp", "-O2 -g -gdwarf-5 -gpubnames")]
    [InlineData("Cpp", "-O1 -g -gdwarf-5 -gpubnames -fdebug-types-section")]
    public void The_rebuilt_index_names_what_the_compilers_index_named(string language, string flags)
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get("Clang", language, flags, makeDwp: false));
        updated.Result.DroppedSections.ShouldNotContain(DebugSectionNames.Names);
        updated.Result.Sections.ContainsKey(DebugSectionNames.Names).ShouldBeTrue();
        var report = updated.Verify();
        output.WriteLine(report.ToString());
        NoIndexDifferences(report);
        report.IndexEntriesCompared.ShouldBeGreaterThan(10);

        // One output index per input index (here one per unit), over the same compile units.
        var before = Read(updated.Program.Sections);
        var after = Read(updated.Output);
        after.Count.ShouldBe(before.Count);
        after.Select(i => i.CompileUnits.Length).ShouldBe(before.Select(i => i.CompileUnits.Length));
        // Every unit's index lists the type units it made, even those the linker deduplicated away: here each kept one, once.
        after.Sum(i => i.LocalTypeUnits.Length).ShouldBe(DwarfFile.Open(updated.Output).Units.Count(u => u.Header.IsTypeUnit));
        if (!after.Any(i => i.LocalTypeUnits.Length > 0))
            after.Sum(i => i.Names.Sum(n => n.Entries.Count)).ShouldBe(before.Sum(i => i.Names.Sum(n => n.Entries.Count)));
    }

    [ClangFact]
    public void Hashes_are_the_case_folded_DJB_hash_clang_writes()
    {
        var program = CompiledProgram.Get("Clang", "Cpp", "-O2 -g -gdwarf-5 -gpubnames", makeDwp: false);
        var indexes = Read(program.Sections);
        indexes.ShouldAllBe(i => i.Buckets.Length > 0);
        foreach (var name in indexes.SelectMany(i => i.Names))
            NameHash.Of(name.Name).ShouldBe(name.Hash, name.Name);
        NameHash.Of("Main").ShouldBe(NameHash.Of("main"));
        NameHash.Of("ÄBC").ShouldBe(NameHash.Of("äbc"));
        NameHash.Of("İ").ShouldBe(NameHash.Of("i")); // the DWARF addition to simple case folding
        NameHash.Of("").ShouldBe(5381u);
    }

    [ClangFact]
    public void The_output_does_not_depend_on_the_thread_count()
    {
        var program = CompiledProgram.Get("Clang", "Cpp", "-O2 -g -gdwarf-5 -gpubnames", makeDwp: false);
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        byte[] Names(int threads) => UpdatedProgram.Join(DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = threads }).Sections[DebugSectionNames.Names]);
        var one = Names(1);
        Names(2).ShouldBe(one);
        Names(4).ShouldBe(one);
    }

    [ClangFact]
    public void A_stale_index_is_caught()
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get("Clang", "C", "-O2 -g -gdwarf-5 -gpubnames", makeDwp: false));
        var stale = updated.Output.Clone();
        stale.Set(DebugSectionNames.Names, updated.Program.Sections.Get(DebugSectionNames.Names));
        var report = updated.Verify(stale);
        output.WriteLine(report.ToString());
        report.Count(DifferenceKind.Names).ShouldBeGreaterThan(0);
    }

    [ClangFact]
    public void A_wrong_parent_is_caught()
    {
        var updated = UpdatedProgram.Of(CompiledProgram.Get("Clang", "Cpp", "-O2 -g -gdwarf-5 -gpubnames", makeDwp: false));
        var index = Read(updated.Output).First(i => i.Names.Any(n => n.Entries.Any(e => e.Abbreviation.Attributes.Any(a => a.Index == DwIdx.Parent && a.Form == DwForm.Ref4))));
        // An entry whose DW_IDX_parent is a reference: point it at the entry before its parent's.
        var (entry, attribute) = index.Names.SelectMany(n => n.Entries)
            .Select(e => (e, Array.FindIndex(e.Abbreviation.Attributes, a => a.Index == DwIdx.Parent && a.Form == DwForm.Ref4)))
            .First(x => x.Item2 >= 0);
        var bytes = updated.Output.Get(DebugSectionNames.Names).ToArray();
        int valueAt = (int)entry.Offset + 1 + entry.Abbreviation.Attributes.Take(attribute).Sum(a => FormSizes.FixedSize(a.Form, new UnitEncoding(8, 4, 5)));
        uint parent = BitConverter.ToUInt32(bytes, valueAt);
        BitConverter.GetBytes(parent == 0 ? 1u : 0u).CopyTo(bytes, valueAt);
        var broken = updated.Output.Clone();
        broken.Set(DebugSectionNames.Names, bytes);
        var report = updated.Verify(broken);
        output.WriteLine(report.ToString());
        report.Differences.ShouldContain(d => d.Kind == DifferenceKind.Names && d.Message.Contains("DW_IDX_parent"));
    }

    [ClangFact]
    public void A_scope_whose_code_was_deleted_is_no_longer_indexed()
    {
        var program = CompiledProgram.Get("Clang", "C", "-O2 -g -gdwarf-5 -gpubnames", makeDwp: false);
        var file = program.Open();
        var unit = file.Units.First(u => Enumerable.Range(0, u.Dies.Count).Any(d => u.TagOf(d) == DwTag.InlinedSubroutine));
        int inlined = Enumerable.Range(0, unit.Dies.Count).First(d => unit.TagOf(d) == DwTag.InlinedSubroutine && unit.GetRanges(d) is { Count: > 0 });
        var deleted = unit.GetRanges(inlined)!;
        var map = MovedCodeMaps.DeletingCode(file, deleted);

        var updated = UpdatedProgram.Of(program, map);
        var report = updated.Verify();
        output.WriteLine(report.ToString());
        NoIndexDifferences(report);
        // The input listed the inlined subroutine; the output lists it no more.
        uint inputOffset = unit.Dies[inlined].UnitOffset;
        Read(program.Sections).SelectMany(i => i.Names).SelectMany(n => n.Entries)
            .ShouldContain(e => e.Get(DwIdx.DieOffset) == inputOffset && e.Abbreviation.Tag == DwTag.InlinedSubroutine);
        var rewritten = DwarfFile.Open(updated.Output).Units[unit.Index];
        rewritten.HasAttribute(inlined, DwAt.LowPc).ShouldBeFalse();
        rewritten.HasAttribute(inlined, DwAt.Ranges).ShouldBeFalse();
        uint outputOffset = rewritten.Dies[inlined].UnitOffset;
        Read(updated.Output)[unit.Index].Names.SelectMany(n => n.Entries)
            .ShouldNotContain(e => e.Get(DwIdx.DieOffset) == outputOffset && e.Abbreviation.Tag == DwTag.InlinedSubroutine);
    }

    [ClangTheory]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-5")]
    [InlineData("Gcc", "Cpp", "-O2 -g -gdwarf-4")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5")]
    public void An_index_is_created_on_request(string compiler, string language, string flags)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp: false);
        program.Sections.Contains(DebugSectionNames.Names).ShouldBeFalse();
        var updated = UpdatedProgram.Of(program, options: new DebugUpdateOptions { ThreadCount = 2, CreateDebugNames = true });
        var report = updated.Verify();
        output.WriteLine(report.ToString());
        NoIndexDifferences(report);
        var index = Read(updated.Output).Single();
        index.CompileUnits.Length.ShouldBe(DwarfFile.Open(updated.Output).Units.Count(u => !u.Header.IsTypeUnit));
        index.Names.ShouldContain(n => n.Name == "main" && n.Entries.Any(e => e.Abbreviation.Tag == DwTag.Subprogram));
        index.Names.ShouldContain(n => n.Name == "int" && n.Entries.Any(e => e.Abbreviation.Tag == DwTag.BaseType));
        // Without the option, no index appears.
        UpdatedProgram.Of(program).Result.Sections.ContainsKey(DebugSectionNames.Names).ShouldBeFalse();
    }

    /// <summary>
    /// The index checks find nothing. (The other checks are not asked: this test map moves whole
    /// line rows, not instructions, so calls and returns inside a row have no exact translation.)
    /// </summary>
    internal static void NoIndexDifferences(VerificationReport report)
    {
        report.Count(DifferenceKind.Names).ShouldBe(0, report.ToString());
        report.Count(DifferenceKind.GdbIndex).ShouldBe(0, report.ToString());
    }

    private static List<NameIndex> Read(DebugSections sections) =>
        DebugNamesReader.ReadAll(sections.View(DebugSectionNames.Names), sections.View(DebugSectionNames.Str));
}

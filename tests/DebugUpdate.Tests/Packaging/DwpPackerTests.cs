using System.Buffers.Binary;
using Rewriter.DebugUpdate.Contract;
using Rewriter.DebugUpdate.Packaging;
using Rewriter.DebugUpdate.Reading;
using Rewriter.DebugUpdate.Tests.Support;
using Rewriter.DebugUpdate.Verification;

namespace Rewriter.DebugUpdate.Tests.Packaging;

/// <summary>
/// Packing .dwo files into a .dwp: the package read back says what the files said; its index finds
/// every unit; its strings are merged with every offset moved to the same text.
/// </summary>
public sealed class DwpPackerTests
{
    [ClangTheory]
    [InlineData("Clang", "C", "-O2 -g -gdwarf-5 -gsplit-dwarf")]
    [InlineData("Clang", "Cpp", "-O1 -g -gdwarf-4 -gsplit-dwarf -fdebug-types-section")]
    [InlineData("Clang", "Cpp", "-O2 -g -gdwarf-5 -gsplit-dwarf -fdebug-types-section")]
    [InlineData("Gcc", "C", "-O2 -g -gdwarf-4 -gsplit-dwarf")]
    public void A_package_of_the_rewritten_dwo_files_says_what_they_said(string compiler, string language, string flags)
    {
        var program = CompiledProgram.Get(compiler, language, flags, makeDwp: false);
        program.SplitFiles.ShouldNotBeEmpty();
        var map = MovedCodeMaps.SplitAndReversedFunctions(program.Open());
        var result = DebugUpdater.Update(program.Sections, map, new DebugUpdateOptions { ThreadCount = 2 },
            new SplitDwarfInput(program.SplitFiles, new Dictionary<int, string>()));
        var rewritten = program.SplitFiles.Select((file, i) => UpdatedProgram.Apply(file, result.SplitFiles[i])).ToList();

        var package = UpdatedProgram.Apply(new DebugSections { File = "packed.dwp" }, DwpPacker.Pack(rewritten));

        var before = new DebugInput(program.Sections, program.SplitFiles);
        var after = new DebugInput(UpdatedProgram.Apply(program.Sections, result.Sections), [package]);
        var report = DebugVerifier.Compare(before, after, map);
        report.HasDifferences.ShouldBeFalse(string.Join("\n", report.Differences.Take(5)));
        DwarfFile.Open(package).CuIndex!.Rows.Count.ShouldBe(program.SplitFiles.Count);
    }

    [Fact]
    public void The_index_finds_every_signature_when_their_slots_collide()
    {
        // The same low bits for all: each insertion steps past the ones before.
        var rows = Enumerable.Range(1, 40)
            .Select(i => new PackageRow(((ulong)i << 40) | 0x7, new Dictionary<DwSect, (uint, uint)> { [DwSect.Info] = ((uint)i * 16, 16) }))
            .ToList();

        var bytes = PackageIndexWriter.Write(5, [DwSect.Info], rows);

        var index = DwpIndex.Read(new SectionView(DebugSectionNames.CuIndex, bytes));
        index.Rows.Count.ShouldBe(40);
        foreach (var row in rows)
        {
            index.TryFind(row.Signature, out var found).ShouldBeTrue();
            found.Find(DwSect.Info)!.Value.Offset.ShouldBe(row.Contributions[DwSect.Info].Offset);
        }
        index.TryFind(0x7, out _).ShouldBeFalse();
    }

    [Fact]
    public void Strings_are_merged_and_an_offset_inside_a_string_gets_its_tail()
    {
        var strings = new PackageStrings();
        // DWARF 4: the string offsets are a bare array.
        var first = SplitFile("abc\0de\0", [0, 4, 1]);
        var second = SplitFile("de\0x\0", [0, 3]);

        Offsets(strings.AddFile(first, 4)).ShouldBe([0u, 4, 7]);
        Offsets(strings.AddFile(second, 4)).ShouldBe([4u, 10]);
        System.Text.Encoding.ASCII.GetString(strings.Section.Span).ShouldBe("abc\0de\0bc\0x\0");
    }

    [Fact]
    public void A_string_offset_past_the_strings_is_an_error()
    {
        var error = Should.Throw<DwarfFormatException>(() => new PackageStrings().AddFile(SplitFile("abc\0", [9]), 4));
        error.Message.ShouldContain("string offset 0x9 is past the end of .debug_str.dwo");
    }

    private static DebugSections SplitFile(string strings, uint[] offsets)
    {
        var table = new byte[offsets.Length * 4];
        for (int i = 0; i < offsets.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(table.AsSpan(i * 4), offsets[i]);
        var file = new DebugSections { File = "test.dwo" };
        file.Set(DebugSectionNames.Dwo(DebugSectionNames.Str), System.Text.Encoding.ASCII.GetBytes(strings));
        file.Set(DebugSectionNames.Dwo(DebugSectionNames.StrOffsets), table);
        return file;
    }

    private static uint[] Offsets(ReadOnlyMemory<byte> table) =>
        Enumerable.Range(0, table.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(table.Span[(i * 4)..])).ToArray();
}

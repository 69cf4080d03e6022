using Rewriter.Elf;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Elf;

/// <summary>The identity rewrite keeps the loaded image and moves only what it should.</summary>
public class ElfWriterTests
{
    [Theory]
    [InlineData("-O2 -g", false)]
    [InlineData("-O2 -g", true)]
    [InlineData("-O0 -g -no-pie -Wl,--emit-relocs", true)]
    [InlineData("-O2 -g -static", true)]
    public void Identity_rewrite_keeps_loaded_bytes_and_behaviour(string flags, bool newSegment)
    {
        string input = TestPrograms.Hello(flags);
        string output = TestPrograms.TempPath("identity");
        var args = new List<string> { input, "-o", output };
        if (newSegment)
            args.Add("--force-new-segment");
        CliRunner.Run([.. args]).ExitCode.ShouldBe(0);

        using var before = ElfFile.Open(input);
        using var after = ElfFile.Open(output);
        after.Sections.Count.ShouldBe(before.Sections.Count); // nothing dropped
        foreach (var section in before.Sections.Where(s => s.Index > 0))
        {
            var rewritten = after.FindSection(section.Name).ShouldNotBeNull(section.Name);
            var expected = after.GetRawContents(rewritten).ToArray();
            if (section.Name == ".note.gnu.build-id")
            {
                // Same note, same length, another build-id: only the last 20 bytes (the descriptor) differ.
                expected.Length.ShouldBe((int)section.Header.Size);
                expected[..^20].ShouldBe(before.GetRawContents(section)[..^20].ToArray());
                expected[^20..].ShouldNotBe(before.GetRawContents(section)[^20..].ToArray());
            }
            else if (section.Header.Type is SectionType.SymTab or SectionType.DynSym)
                SameSymbols(before, section, after, rewritten);
            else
                expected.SequenceEqual(before.GetRawContents(section).ToArray()).ShouldBeTrue(section.Name);
            if (!section.Header.IsAllocated)
                continue;
            // Allocated sections keep offset and address, except the interpreter name and the
            // notes, which make room for the longer program-header table when a segment is added.
            bool relocated = newSegment && (section.Name == ".interp" || section.Header.Type == SectionType.Note);
            var moved = rewritten.Header with { Link = section.Header.Link, Info = section.Header.Info };
            if (relocated)
            {
                (moved.Address % 16).ShouldBe(section.Header.Address % 16, section.Name);
                moved.ShouldBe(section.Header with { Address = moved.Address, Offset = moved.Offset }, section.Name);
            }
            else
                moved.ShouldBe(section.Header, section.Name);
            // Links name the same sections, wherever those went.
            if (section.Header.Link != 0)
                after.Sections[(int)rewritten.Header.Link].Name.ShouldBe(before.Sections[(int)section.Header.Link].Name);
        }

        after.Segments.Count.ShouldBe(before.Segments.Count + (newSegment ? 1 : 0));
        after.Header.ProgramHeaderOffset.ShouldBe(before.Header.ProgramHeaderOffset); // where GNU binutils expect it
        if (after.Segments.FirstOrDefault(s => s.Type == SegmentType.Phdr) is { Type: SegmentType.Phdr } phdr)
        {
            phdr.Offset.ShouldBe(after.Header.ProgramHeaderOffset);
            phdr.FileSize.ShouldBe((ulong)after.Segments.Count * ProgramHeader.Size);
        }
        if (newSegment)
        {
            var load = after.Segments.Last(s => s.Type == SegmentType.Load);
            (load.VirtualAddress - load.Offset).ShouldBe(before.Segments.First(s => s.Type == SegmentType.Load) is var first ? first.VirtualAddress - first.Offset : 0);
            (load.Offset % load.Alignment).ShouldBe(load.VirtualAddress % load.Alignment);
            load.VirtualAddress.ShouldBeGreaterThanOrEqualTo(before.Segments.Where(s => s.Type == SegmentType.Load).Max(s => s.MemoryEnd));
            foreach (var segment in after.Segments.Where(s => s.Type is SegmentType.Interp or SegmentType.Note))
                (segment.VirtualAddress >= load.VirtualAddress && segment.VirtualAddress + segment.MemorySize <= load.VirtualAddress + load.MemorySize
                    || segment.Offset + segment.FileSize <= before.Sections.Where(s => s.Header.IsAllocated && s.Header.Type != SectionType.Note && s.Name != ".interp").Min(s => s.Header.Offset))
                    .ShouldBeTrue($"{segment.Type} at 0x{segment.VirtualAddress:x}");
        }

        var original = TestPrograms.Run(input, "a b", check: false);
        var rewrittenRun = TestPrograms.Run(output, "a b", check: false);
        rewrittenRun.ShouldBe(original);
        TestPrograms.Run("llvm-readelf-22", $"-a {output}").Stderr.ShouldBeEmpty();
        File.GetUnixFileMode(output).ShouldBe(File.GetUnixFileMode(input));
    }

    /// <summary>The same symbols, each in the section of the same name (indexes may differ).</summary>
    private static void SameSymbols(ElfFile before, ElfSection original, ElfFile after, ElfSection rewritten)
    {
        var old = SymbolTable.Read(before, original);
        var now = SymbolTable.Read(after, rewritten);
        now.Count.ShouldBe(old.Count, original.Name);
        for (int i = 0; i < old.Count; i++)
        {
            var (a, b) = (old[i], now[i]);
            (b with { SectionIndex = a.SectionIndex }).ShouldBe(a, $"{original.Name} symbol {i}");
            if (a.SectionIndex is > 0 and < SectionIndex.LoReserve)
                after.Sections[b.SectionIndex].Name.ShouldBe(before.Sections[a.SectionIndex].Name, $"{original.Name} symbol {i}");
            else
                b.SectionIndex.ShouldBe(a.SectionIndex);
        }
    }

    [Fact]
    public void Dropped_sections_leave_no_header_and_every_index_follows()
    {
        string input = TestPrograms.Hello("-O2 -g -Wl,--emit-relocs");
        string output = TestPrograms.TempPath("renumbered");
        CliRunner.Run(input, "-o", output, "--reorder-blocks=reverse").ExitCode.ShouldBe(0);

        using var before = ElfFile.Open(input);
        using var after = ElfFile.Open(output);
        before.Sections.Count(s => s.Name.StartsWith(".rela.text") || s.Name.StartsWith(".debug_")).ShouldBeGreaterThan(0);
        after.Sections.Skip(1).ShouldAllBe(s => s.Header.Type != SectionType.Null);
        after.Sections.ShouldAllBe(s => !s.Name.StartsWith(".rela.text") && !s.Name.StartsWith(".debug_"));
        // Allocated sections first, in address order.
        var allocated = after.Sections.Skip(1).TakeWhile(s => s.Header.IsAllocated).ToList();
        allocated.Count.ShouldBe(after.Sections.Count(s => s.Header.IsAllocated));
        allocated.Select(s => s.Header.Address).ShouldBeInOrder();
        after.Sections[after.SectionNameTableIndex].Name.ShouldBe(".shstrtab");
        // Every symbol names a section whose addresses hold it, in both symbol tables.
        foreach (var name in new[] { ".symtab", ".dynsym" })
        {
            var symbols = SymbolTable.Find(after, name).ShouldNotBeNull();
            after.Sections[(int)symbols.Section.Header.Link].Header.Type.ShouldBe(SectionType.StrTab);
            for (int i = 1; i < symbols.Count; i++)
            {
                var symbol = symbols[i];
                if (symbol.SectionIndex is 0 or >= SectionIndex.LoReserve || symbol.Type is SymbolType.Tls or SymbolType.Section)
                    continue;
                var section = after.Sections[symbol.SectionIndex].Header;
                symbol.Value.ShouldBeInRange(section.Address, section.Address + Math.Max(section.Size, 1), $"{name} {symbols.GetName(symbol)}");
            }
        }
        TestPrograms.Run("llvm-readelf-22", $"-a {output}").Stderr.ShouldBeEmpty();
    }

    [Fact]
    public void Output_is_deterministic()
    {
        string input = TestPrograms.Hello();
        string first = TestPrograms.TempPath("det1"), second = TestPrograms.TempPath("det2");
        CliRunner.Run(input, "-o", first, "--force-new-segment").ExitCode.ShouldBe(0);
        CliRunner.Run(input, "-o", second, "--force-new-segment").ExitCode.ShouldBe(0);
        File.ReadAllBytes(first).ShouldBe(File.ReadAllBytes(second));
    }
}

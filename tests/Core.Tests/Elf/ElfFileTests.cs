using System.Text.RegularExpressions;
using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Elf;

/// <summary>The reader agrees with llvm-readelf-22 on real programs.</summary>
public class ElfFileTests
{
    [Theory]
    [InlineData("-O2 -g")]
    [InlineData("-O0 -g -no-pie -Wl,--emit-relocs")]
    [InlineData("-O2 -static -fuse-ld=lld")]
    public void Sections_and_segments_match_readelf(string flags)
    {
        string path = TestPrograms.Hello(flags);
        using var elf = ElfFile.Open(path);

        var readelf = TestPrograms.Run("llvm-readelf-22", $"-S -l -W {path}").Stdout;
        var sectionNames = Regex.Matches(readelf, @"^\s*\[\s*(\d+)\]\s+(\S*)\s+([A-Z_0-9]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", RegexOptions.Multiline)
            .Select(m => (Index: int.Parse(m.Groups[1].Value), Name: m.Groups[2].Value, Size: Convert.ToUInt64(m.Groups[6].Value, 16)))
            .Where(s => s.Index > 0)
            .ToList();
        sectionNames.Count.ShouldBe(elf.Sections.Count - 1);
        foreach (var (index, name, size) in sectionNames)
        {
            elf.Sections[index].Name.ShouldBe(name);
            elf.Sections[index].Header.Size.ShouldBe(size);
        }
        var loads = Regex.Matches(readelf, @"^\s+LOAD\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)", RegexOptions.Multiline);
        elf.Segments.Count(s => s.Type == SegmentType.Load).ShouldBe(loads.Count);
    }

    [Fact]
    public void Symbols_match_readelf()
    {
        string path = TestPrograms.Hello("-O2 -g");
        using var elf = ElfFile.Open(path);
        var symbols = SymbolTable.Find(elf, ".symtab")!;
        var names = Enumerable.Range(0, symbols.Count).Select(i => symbols.GetName(symbols[i])).ToHashSet();
        names.ShouldContain("main");
        names.ShouldContain("square");

        var readelf = TestPrograms.Run("llvm-readelf-22", $"-s -W {path}").Stdout;
        var count = Regex.Match(readelf, @"Symbol table '\.symtab' contains (\d+) entries");
        symbols.Count.ShouldBe(int.Parse(count.Groups[1].Value));
        var main = Enumerable.Range(0, symbols.Count).Select(i => symbols[i]).Single(s => symbols.GetName(s) == "main");
        main.Type.ShouldBe(SymbolType.Func);
        Regex.IsMatch(readelf, $@"\b0*{main.Value:x}\s+{main.Size}\s+FUNC\s+GLOBAL\s+DEFAULT\s+\d+\s+main\b").ShouldBeTrue();
    }

    [Fact]
    public void Relocations_match_readelf()
    {
        string path = TestPrograms.Hello("-O2 -g -no-pie -Wl,--emit-relocs");
        using var elf = ElfFile.Open(path);
        var readelf = TestPrograms.Run("llvm-readelf-22", $"-r -W {path}").Stdout;
        foreach (var relocations in RelocationSection.ReadAll(elf))
        {
            var header = Regex.Match(readelf, $@"Relocation section '{Regex.Escape(relocations.Section.Name)}' at offset 0x[0-9a-f]+ contains (\d+) entries");
            header.Success.ShouldBeTrue(relocations.Section.Name);
            relocations.Count.ShouldBe(int.Parse(header.Groups[1].Value));
        }
        var text = RelocationSection.ReadAll(elf).Single(r => r.Section.Name == ".rela.text");
        text.Target!.Name.ShouldBe(".text");
        text.Entries().ShouldContain(r => r.Type == X86RelocationType.Plt32 || r.Type == X86RelocationType.Pc32);
    }

    [Fact]
    public void Eh_frame_fdes_match_dwarfdump()
    {
        string path = TestPrograms.Hello("-O2 -g");
        using var elf = ElfFile.Open(path);
        var table = EhFrameReader.Read(elf)!;
        var dump = TestPrograms.Run("llvm-dwarfdump-22", $"--eh-frame {path}").Stdout;
        var fdes = Regex.Matches(dump, @"FDE cie=[0-9a-f]+ pc=([0-9a-f]+)\.\.\.([0-9a-f]+)").Select(m =>
            (Convert.ToUInt64(m.Groups[1].Value, 16), Convert.ToUInt64(m.Groups[2].Value, 16))).ToList();
        table.Fdes.Select(f => (f.PcBegin, f.PcEnd)).ShouldBe(fdes);
        table.Cies.Count.ShouldBe(Regex.Matches(dump, @"\bCIE\b").Count);

        var main = SymbolTable.Find(elf, ".symtab")!;
        var mainSymbol = Enumerable.Range(0, main.Count).Select(i => main[i]).Single(s => main.GetName(s) == "main");
        table.Fdes.ShouldContain(f => f.PcBegin == mainSymbol.Value);
    }

    [Fact]
    public void Cxx_fdes_carry_lsda_and_personality()
    {
        const string source = """
            #include <stdexcept>
            #include <cstdio>
            struct Guard { ~Guard() { std::puts("unwound"); } };
            void thrower(int x) { Guard g; if (x > 0) throw std::runtime_error("boom"); }
            int main(int argc, char**) { try { thrower(argc); } catch (const std::exception& e) { std::puts(e.what()); } }
            """;
        string path = TestPrograms.Build("throws", source, "clang++-22", "-O1 -g");
        using var elf = ElfFile.Open(path);
        var table = EhFrameReader.Read(elf)!;
        table.Cies.ShouldContain(c => c.Augmentation.Contains('P') && c.Personality != 0);
        var lsdaFdes = table.Fdes.Where(f => f.Lsda != null).ToList();
        lsdaFdes.ShouldNotBeEmpty();
        var except = elf.FindSection(".gcc_except_table")!;
        lsdaFdes.ShouldAllBe(f => f.Lsda >= except.Header.Address && f.Lsda < except.Header.Address + except.Header.Size);
    }

    [Fact]
    public void Build_id_and_dynamic_section_are_read()
    {
        string path = TestPrograms.Hello("-O2 -g -Wl,--build-id=sha1");
        using var elf = ElfFile.Open(path);
        var notes = TestPrograms.Run("llvm-readelf-22", $"-n {path}").Stdout;
        string expected = Regex.Match(notes, @"Build ID: ([0-9a-f]+)").Groups[1].Value;
        Notes.BuildId(elf).ShouldBe(expected);
        DynamicSection.Read(elf).ShouldContain(e => e.Tag == DynamicTag.Needed);
    }

    [Fact]
    public void Zlib_compressed_debug_sections_inflate_to_objcopys_bytes()
    {
        string path = TestPrograms.Hello("-O2 -g -gz=zlib");
        string plain = TestPrograms.TempPath("decompressed");
        TestPrograms.Run("llvm-objcopy-22", $"--decompress-debug-sections {path} {plain}");
        using var compressed = ElfFile.Open(path);
        using var reference = ElfFile.Open(plain);
        var section = compressed.FindSection(".debug_info")!;
        (section.Header.Flags & SectionFlags.Compressed).ShouldNotBe(SectionFlags.None);
        SectionContents.Read(compressed, section).ToArray().ShouldBe(reference.GetRawContents(reference.FindSection(".debug_info")!).ToArray());
    }

    [Fact]
    public void Relr_decoding_expands_bitmaps()
    {
        // address 0x1000, then a bitmap marking words 0 and 2 after it (0x1008, 0x1018).
        var bytes = new byte[16];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), 0x1000UL);
        BitConverter.TryWriteBytes(bytes.AsSpan(8), (0b101UL << 1) | 1);
        RelrDecoder.Decode(bytes, "test").ShouldBe([0x1000UL, 0x1008UL, 0x1018UL]);
    }
}

using Rewriter.Elf;
using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;
using static Rewriter.Tests.Support.ElfMutation;

namespace Rewriter.Tests.Cli;

/// <summary>
/// Sizes and addresses read from the input are checked before arithmetic uses them, and
/// exception data that cannot be trusted stops the rewrite: each case is the one-line error
/// with exit code 1 in identity mode and with a layout, and no output.
/// </summary>
public class CorruptTablesTests
{
    private static string Program => TestPrograms.Hello("-O2 -g -Wl,--emit-relocs");

    private static int SymbolEntry(ElfFile elf, string table, string name)
    {
        var symbols = SymbolTable.Find(elf, table).ShouldNotBeNull();
        for (int i = 0; i < symbols.Count; i++)
            if (symbols.GetName(symbols[i]) == name)
                return (int)symbols.Section.Header.Offset + i * ElfSymbol.Size64;
        throw new InvalidOperationException($"no symbol {name}");
    }

    public static TheoryData<string, Func<ElfFile, byte[], byte[]>, string> Cases => new()
    {
        {
            "symbol-size", (elf, b) => { WriteU64(b, SymbolEntry(elf, ".symtab", "main") + 16, ulong.MaxValue); return b; },
            ".symtab+0x"
        },
        {
            "load-near-2^63", (elf, b) =>
            {
                int load = elf.Segments.ToList().FindLastIndex(s => s.Type == SegmentType.Load);
                WriteU64(b, ProgramHeader(b, load) + 16, (1UL << 63) - 0x1000);
                return b;
            },
            "is beyond the x86-64 user address space"
        },
        {
            "eh-frame-null-type", (elf, b) => { WriteU32(b, SectionHeader(b, elf.FindSection(".eh_frame")!.Index) + 4, 0); return b; },
            "section .eh_frame: type 0x0 is not SHT_PROGBITS"
        },
        {
            "fde-outside-code", (elf, b) =>
            {
                var eh = elf.FindSection(".eh_frame")!;
                var fde = EhFrameReader.Read(elf)!.Fdes[0];
                // pc_begin is pc-relative sdata4 right after the length and CIE pointer.
                int pcBegin = (int)eh.Header.Offset + fde.Offset + 8;
                WriteU32(b, pcBegin, 0x4000_0000);
                return b;
            },
            "lies outside the program's code"
        },
        {
            "cie-augmentation", (elf, b) =>
            {
                var eh = elf.FindSection(".eh_frame")!;
                int augmentation = (int)eh.Header.Offset + EhFrameReader.Read(elf)!.Cies[0].Offset + 9;
                b[augmentation] = 0; // "zR" -> "": pointers are read as absolute 8-byte values
                return b;
            },
            ".eh_frame+0x"
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corrupt_table_is_one_error_line(string name, Func<ElfFile, byte[], byte[]> corrupt, string expected)
    {
        byte[] image;
        using (var elf = ElfFile.Open(Program))
            image = corrupt(elf, File.ReadAllBytes(Program));
        string input = Save(image, name);
        foreach (string[] mode in new[] { Array.Empty<string>(), ["--reorder-blocks=reverse"] })
        {
            string output = TestPrograms.TempPath(name + ".out");
            var (exitCode, _, stderr) = CliRunner.Run([input, "-o", output, .. mode]);
            exitCode.ShouldBe(1, stderr);
            stderr.ShouldStartWith($"rewriter: error: {input}: ");
            stderr.ShouldContain(expected);
            stderr.TrimEnd('\n').ShouldNotContain('\n');
            File.Exists(output).ShouldBeFalse();
        }
        File.ReadAllBytes(input).ShouldBe(image);
    }
}

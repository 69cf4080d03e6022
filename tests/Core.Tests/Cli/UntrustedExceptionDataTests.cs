using Rewriter.CallFrames;
using Rewriter.Elf.EhFrame;
using Rewriter.Elf.Reading;
using Rewriter.Tests.Support;

namespace Rewriter.Tests.Cli;

/// <summary>
/// A function whose exception data cannot be read keeps its original bytes and address: copied
/// elsewhere, a throw through it would unwind differently.
/// </summary>
public class UntrustedExceptionDataTests
{
    [Fact]
    public void Function_with_an_unreadable_LSDA_stays_where_it_is()
    {
        string program = TestPrograms.Build("mutated", WholeRewriteMutationTests.Program, "clang++-22", "-O2 -g -Wl,--emit-relocs");
        byte[] image = File.ReadAllBytes(program);
        string name;
        ulong address, size;
        using (var elf = ElfFile.Open(program))
        {
            var fde = EhFrameReader.Read(elf)!.Fdes.First(f => f.Lsda != null && f.Cie.LsdaEncoding == (PointerEncoding.PcRelative | PointerEncoding.SData4));
            var symbols = SymbolTable.Find(elf, ".symtab")!;
            var symbol = Enumerable.Range(0, symbols.Count).Select(i => symbols[i]).First(s => s.Type == Rewriter.Elf.SymbolType.Func && s.Value == fde.PcBegin);
            (name, address, size) = (symbols.GetName(symbol), symbol.Value, symbol.Size);
            // The LSDA's first byte, its LPStart encoding, made indirect: a form the reader does not take.
            var exceptTable = elf.Sections.First(s => s.Header.IsAllocated && fde.Lsda >= s.Header.Address && fde.Lsda < s.Header.Address + s.Header.Size);
            image[exceptTable.Header.Offset + (fde.Lsda!.Value - exceptTable.Header.Address)] = PointerEncoding.Indirect | PointerEncoding.PcRelative | PointerEncoding.SData4;
        }
        string input = ElfMutation.Save(image, "unreadable-lsda");
        string output = TestPrograms.TempPath("unreadable-lsda.out");

        var (exitCode, _, stderr) = CliRunner.Run(input, "-o", output, "--reorder-blocks=reverse", "--lite=0", "-v");

        exitCode.ShouldBe(0, stderr);
        stderr.ShouldContain($"non-simple function {name} stays in place: its LSDA cannot be read");
        using var rewritten = ElfFile.Open(output);
        var table = SymbolTable.Find(rewritten, ".symtab")!;
        Enumerable.Range(0, table.Count).Select(i => table[i]).Where(s => table.GetName(s) == name).ShouldAllBe(s => s.Value == address);
        var text = rewritten.Sections.First(s => s.Header.IsAllocated && address >= s.Header.Address && address < s.Header.Address + s.Header.Size);
        ulong offset = text.Header.Offset + (address - text.Header.Address);
        File.ReadAllBytes(output).AsSpan((int)offset, (int)size).SequenceEqual(image.AsSpan((int)offset, (int)size)).ShouldBeTrue();
        // And the output still describes it with its own FDE, at its own address.
        EhFrameReader.Read(rewritten)!.Fdes.ShouldContain(f => f.PcBegin == address);
    }
}
